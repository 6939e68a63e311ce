import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { appConfig } from '../shared/vite.mjs';

export default appConfig({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte({ configFile: false })],
  dedupe: ['svelte'],
});
