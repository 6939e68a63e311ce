// The Vite config every framework app shares. The apps import the package by
// its published name; each export of the repository's package.json maps to
// the built file in dist/, exactly as `exports` says, so an app sees what an
// npm user sees (scripts/pack-check.mjs covers the tarball itself).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));

function packageAliases() {
  return Object.entries(pkg.exports)
    .map(([subpath, entry]) => [subpath, typeof entry === 'string' ? entry : (entry.import ?? entry.default)])
    .filter(([subpath, target]) => target?.endsWith('.js') && !subpath.includes('*'))
    .map(([subpath, target]) => ({
      find: new RegExp(`^${pkg.name}${subpath.slice(1).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
      replacement: `${ROOT}${target.slice(2)}`,
    }));
}

/** @param {{ dir: string, plugins?: unknown[], define?: Record<string, string>, dedupe?: string[], mode?: string }} options */
export function appConfig({ dir, plugins = [], define = {}, dedupe = [], mode = 'production' }) {
  return {
    root: dir,
    base: './',
    mode,
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    plugins,
    define,
    // dist/react.js imports `react`; resolve it (and each framework) from the
    // apps' node_modules, so there is exactly one copy in the bundle.
    resolve: { alias: packageAliases(), dedupe },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
      // Development builds of React and Angular's JIT compiler are big on purpose.
      chunkSizeWarningLimit: 4096,
    },
  };
}
