// Shared by the Node-driven browser checks (scripts/pack-check.mjs,
// test/apps/run-app-tests.mjs, test/csp/run-csp-tests.mjs): a loopback
// node:http server that serves files and mounts the scripted SSE endpoints of
// test/server/scripted-sse-server.mjs, headless Chromium through
// puppeteer-core, and a tiny check runner that ends with one plain
// `<name>: N passed, N failed` line.
//
// These checks need what a web-test-runner page cannot have: response headers
// of our choosing (Content-Security-Policy), built framework apps, and an
// installed tarball.

import { execFile } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CHROMIUM_ARGS, requireChromium } from '../../scripts/find-chromium.mjs';
import { handleScriptedSse } from '../server/scripted-sse-server.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

const run = promisify(execFile);

/** Runs a command, streaming nothing; throws with its output when it fails. */
export async function sh(command, args, options = {}) {
  try {
    return await run(command, args, { maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`${command} ${args.join(' ')} failed (${error.code}):\n${output.split('\n').slice(-40).join('\n')}`);
  }
}

/**
 * Starts the server on a free loopback port.
 *
 * `mounts` maps a URL prefix (`/react/`) to a folder; `files` maps an exact
 * path to a file; `headers(pathname)` returns extra response headers (a CSP,
 * say) for a page. Every other path goes to the scripted SSE handler
 * (`/__scenario`, `/sse/:id`, `/__log/:id`) or is a 404.
 */
export async function startServer({ mounts = {}, files = {}, headers = () => ({}) } = {}) {
  const prefixes = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const seen = [];
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    seen.push({ method: req.method, pathname });
    try {
      if (await handleScriptedSse(req, res)) return;
      if (pathname === '/favicon.ico') {
        res.writeHead(204);
        res.end();
        return;
      }
      const file = resolveFile(pathname, prefixes, files);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`not found: ${pathname}`);
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers(pathname),
      });
      createReadStream(file).pipe(res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error?.stack ?? error));
    }
  });
  // Streams that the browser leaves open must not keep the process alive.
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${server.address().port}`;

  return {
    origin,
    /** Every request the server saw, in order: to prove a page fetched nothing else. */
    seen,
    /** Registers a scripted response sequence; see test/server/scripted-sse-server.mjs. */
    async scenario(...responses) {
      const answer = await fetch(`${origin}/__scenario`, { method: 'POST', body: JSON.stringify({ responses }) });
      const { id } = await answer.json();
      return {
        id,
        path: `/sse/${id}`,
        async requests() {
          const log = await fetch(`${origin}/__log/${id}`);
          return (await log.json()).requests;
        },
      };
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

function resolveFile(pathname, prefixes, files) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (files[path]) return files[path];
  for (const [prefix, dir] of prefixes) {
    if (!path.startsWith(prefix)) continue;
    const base = resolve(dir);
    let file = resolve(base, `.${path.slice(prefix.length - 1)}`);
    if (file !== base && !file.startsWith(base + sep)) return undefined;
    if (existsSync(file) && statSync(file).isDirectory()) file = resolve(file, 'index.html');
    return existsSync(file) ? file : undefined;
  }
  return undefined;
}

/** Headless Chromium with the CI flags. puppeteer-core comes with @web/test-runner-chrome. */
export async function launchBrowser() {
  const executablePath = requireChromium();
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, protocolTimeout: 60_000 });
}

/** A page that records uncaught errors, console errors and CSP violations reported to the console. */
export async function openPage(browser) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  return { page, problems };
}

/** An OpenAI-style `data:` event, as a backend forwards it. */
export const openAiEvent = (content) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** A scripted answer made of `words`, one event per chunk, `delay` ms apart. */
export function wordStream(words, delay = 5) {
  return { delay, chunks: [...words.map(openAiEvent), 'data: [DONE]\n\n'] };
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Polls `probe` until it returns a truthy value or `timeout` ms pass. */
export async function until(probe, { timeout = 5000, interval = 25, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last) return last;
    await sleep(interval);
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Runs named checks one after another and counts them; `done()` prints the closing line. */
export function checks(name) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  return {
    async check(label, fn) {
      const started = Date.now();
      try {
        await fn();
        passed += 1;
        console.log(`  ok   ${label} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        failures.push(label);
        console.log(`  FAIL ${label}\n       ${String(error?.message ?? error).replaceAll('\n', '\n       ')}`);
      }
    },
    /** Counts a check that could not run because an earlier step failed. */
    fail(label, error) {
      failed += 1;
      failures.push(label);
      console.log(`  FAIL ${label}\n       ${String(error?.message ?? error).replaceAll('\n', '\n       ')}`);
    },
    get failed() {
      return failed;
    },
    done() {
      if (failures.length) console.log(`\nfailed: ${failures.join('; ')}`);
      console.log(`\n${name}: ${passed} passed, ${failed} failed`);
      return failed === 0 ? 0 : 1;
    },
  };
}
