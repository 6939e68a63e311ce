import { transformAsync } from '@babel/core';
import linkerPlugin from '@angular/compiler-cli/linker/babel';
import { fileURLToPath } from 'node:url';
import { appConfig } from '../shared/vite.mjs';

/**
 * Angular's npm packages are partially compiled; the Angular Linker finishes
 * them at build time (the Angular CLI does this too), so the page needs no
 * JIT compiler. Our own components come compiled by `ngc` (aot/).
 */
function angularLinker() {
  return {
    name: 'angular-linker',
    async transform(code, id) {
      if (!/[\\/]node_modules[\\/]@angular[\\/]/.test(id) || !code.includes('ɵɵngDeclare')) return null;
      const result = await transformAsync(code, {
        filename: id,
        configFile: false,
        babelrc: false,
        compact: false,
        sourceMaps: false,
        plugins: [linkerPlugin],
      });
      return result?.code ? { code: result.code, map: null } : null;
    },
  };
}

export default appConfig({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [angularLinker()],
  dedupe: ['@angular/core', '@angular/common', '@angular/platform-browser'],
});
