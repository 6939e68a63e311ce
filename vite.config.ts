import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { mockChat } from './demo/mock-backend.js';

/** Serves the demo's mock chat endpoint from the dev server itself. */
function mockBackend(): Plugin {
  return {
    name: 'ai-chat-mock-backend',
    configureServer(server) {
      server.middlewares.use((req, res, next) => void mockChat(req, res, next));
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => void mockChat(req, res, next));
    },
  };
}

// `vite build` writes the ES module for bundlers (lit and fetch-event-source
// stay dependencies); `vite build --mode iife` writes the self-contained
// classic script for a plain <script> tag.
export default defineConfig(({ command, mode }) => {
  const iife = mode === 'iife';
  return {
    root: command === 'serve' ? 'demo' : '.',
    plugins: [mockBackend()],
    build: {
      outDir: 'dist',
      emptyOutDir: !iife,
      target: 'es2022',
      sourcemap: true,
      lib: {
        entry: resolve(import.meta.dirname, 'src/index.ts'),
        name: 'AiChatElement',
        formats: [iife ? 'iife' : 'es'],
        fileName: () => (iife ? 'ai-chat.iife.js' : 'ai-chat.js'),
      },
      rollupOptions: {
        external: iife ? [] : [/^lit($|\/)/, /^@lit\//, '@microsoft/fetch-event-source'],
      },
      minify: iife,
    },
  };
});
