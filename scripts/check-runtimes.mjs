// `node scripts/check-runtimes.mjs [node bun deno workerd express hono next]`:
// proves the chat handler runs where docs/backend.md says it does. Each entry in
// test/runtimes/ is bundled with esbuild, started on its runtime (Bun, Deno
// and workerd from their npm packages), and checked by a real HTTP client:
// the mock answer arrives with the exact text; a client that leaves aborts
// the provider call; a DELETE with the turn's Idempotency-Key stops it too.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ANSWER } from '../test/runtimes/answer.mjs';
import { freePort } from './redis-server.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'node_modules/.cache/ai-chat-runtimes');
const BIN = join(ROOT, 'node_modules/.bin');

/** How to start each entry, given its bundle and port. */
const RUNTIMES = {
  node: { platform: 'node', command: (file) => [process.execPath, file] },
  express: { platform: 'node', command: (file) => [process.execPath, file] },
  hono: { platform: 'node', command: (file) => [process.execPath, file] },
  next: { entry: 'next-route', platform: 'node', command: (file) => [process.execPath, file] },
  bun: { platform: 'neutral', command: (file) => [join(BIN, 'bun'), 'run', file] },
  deno: { platform: 'neutral', command: (file) => [join(BIN, 'deno'), 'run', '--allow-net', '--allow-env=PORT', file] },
  workerd: { platform: 'neutral', command: (file, port) => [join(BIN, 'workerd'), 'serve', workerdConfig(file, port)] },
};

function workerdConfig(file, port) {
  const config = join(OUT, 'workerd.capnp');
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "${file.split('/').pop()}") ],
  compatibilityDate = "2025-01-01",
);
`,
  );
  return config;
}

async function bundle(name, runtime) {
  const outfile = join(OUT, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, `test/runtimes/${runtime.entry ?? name}.mjs`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: runtime.platform,
    target: 'es2022',
    // Node entries use their packages from node_modules; the others get one
    // self-contained file. The SDKs are never loaded by the mock.
    ...(runtime.platform === 'node' ? { packages: 'external' } : { external: ['openai', '@anthropic-ai/sdk', '@hono/node-server'] }),
    logLevel: 'warning',
  });
  return outfile;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });

async function until(check, what, timeoutMs = 5000) {
  const started = Date.now();
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Reads SSE events from `response`; stops after `count` of them by cancelling the body. */
async function events(response, count = Infinity) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const parsed = () =>
    text
      .split('\n\n')
      .slice(0, -1)
      .map((block) => ({ event: block.match(/^event: (.*)$/m)?.[1], data: block.match(/^data: (.*)$/m)?.[1] }))
      .filter((event) => event.data !== undefined);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parsed();
    text += decoder.decode(value, { stream: true });
    if (parsed().length >= count) {
      await reader.cancel();
      return parsed().slice(0, count);
    }
  }
}
const textOf = (list) => list.filter((event) => !event.event && event.data !== '[DONE]').map((event) => JSON.parse(event.data).choices[0].delta.content ?? '').join('');

async function check(name) {
  const runtime = RUNTIMES[name];
  const file = await bundle(name, runtime);
  const port = await freePort();
  const [command, ...args] = runtime.command(file, port);
  const child = spawn(command, args, { cwd: OUT, env: { ...process.env, PORT: String(port), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data) => (output += data));
  child.stderr.on('data', (data) => (output += data));
  const base = `http://127.0.0.1:${port}`;
  const stats = async () => (await fetch(`${base}/stats`)).json();
  const post = (headers = {}, signal) => fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal });
  try {
    await until(() => stats(), `${name} to listen`, 30_000);

    const whole = await events(await post());
    if (whole.at(-1)?.data !== '[DONE]' || textOf(whole) !== ANSWER) throw new Error(`the answer was not exact: ${JSON.stringify(textOf(whole))}`);
    await sleep(100);
    if ((await stats()).aborted !== 0) throw new Error('a finished answer counted as aborted');

    // A client that leaves mid-answer: the provider's signal aborts.
    await events(await post(), 3);
    await until(async () => (await stats()).aborted >= 1, 'the provider to be aborted after the client left');

    // A DELETE with the turn's key stops it, and the answer ends as cancelled.
    const reading = post({ 'idempotency-key': `${name}-stop` }).then((response) => events(response));
    await until(async () => (await stats()).calls >= 3, 'the third call');
    await sleep(150);
    const stopped = await fetch(`${base}/api/chat`, { method: 'DELETE', headers: { 'idempotency-key': `${name}-stop` } });
    if (stopped.status !== 204) throw new Error(`DELETE answered ${stopped.status}`);
    const last = (await reading).at(-1);
    if (last?.event !== 'error' || JSON.parse(last.data).error.type !== 'cancelled') throw new Error(`the stopped answer ended with ${JSON.stringify(last)}`);
    const final = await until(async () => ((await stats()).aborted >= 2 ? stats() : undefined), 'the provider to be aborted by the DELETE');
    if (final.finished !== 1) throw new Error(`${final.finished} answers ran to their end; only the first should have`);
    console.log(`✔ ${name}: exact text, abort on disconnect, DELETE stops the provider`);
    return true;
  } catch (error) {
    console.log(`✖ ${name}: ${error.message}\n${output.trim().split('\n').slice(-20).join('\n')}`);
    return false;
  } finally {
    child.kill();
  }
}

mkdirSync(OUT, { recursive: true });
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(RUNTIMES);
let failed = 0;
for (const name of names) if (!(await check(name))) failed += 1;
process.exitCode = failed ? 1 : 0;
