import { fileURLToPath } from 'node:url';
import { appConfig } from '../shared/vite.mjs';

// A development build: React's StrictMode double-mounts only there.
export default appConfig({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  mode: 'development',
  define: { 'process.env.NODE_ENV': JSON.stringify('development') },
  dedupe: ['react', 'react-dom'],
});
