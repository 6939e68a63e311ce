// Bundles src/server for the processes these tests start (Node, Bun, Deno,
// workerd), the way the harness does for the browser tests: the real code,
// with its optional peers left as packages from node_modules.

import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_DIR = join(ROOT, 'node_modules/.cache/ai-chat-server-runtimes');

export async function buildServer() {
  await build({
    entryPoints: ['index', 'node', 'redis'].map((name) => join(ROOT, `src/server/${name}.ts`)),
    outdir: SERVER_DIR,
    bundle: true,
    packages: 'external',
    platform: 'neutral',
    format: 'esm',
    // One copy of the shared modules, as in the published build.
    splitting: true,
    target: 'es2022',
    logLevel: 'warning',
  });
  return SERVER_DIR;
}
