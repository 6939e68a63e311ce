import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { appConfig } from '../shared/vite.mjs';

export default appConfig({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [
    vue({
      // <ai-chat> is a custom element, not a Vue component.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'ai-chat' } },
    }),
  ],
  dedupe: ['vue'],
});
