// Runs the chat handler (src/server) inside the web-test-runner process for
// the browser tests in test/handler*.test.ts, against fake providers that
// replay the recorded transcripts in test/fixtures byte for byte.
//
// The TypeScript server code is bundled for Node with esbuild on first use
// (to node_modules/.cache/ai-chat-server/), so the real handler, the real
// `openai` and `@anthropic-ai/sdk` packages and `@hono/node-server` run; the
// SDKs reach the fake provider over loopback through their `baseURL`.
//
//   POST /__handler/setup       body: Setup            -> { id, url, crossOriginUrl }
//   ANY  /handler/:id[/...]     the handler under test (same origin as the page)
//   GET  /__handler/:id/log     -> { upstream, responses, logs }
//   POST /__handler/:id/upload  body: Upload           -> UploadResult
//   GET  /__handler/info        -> { key, crossOrigin, console }
//
// A Setup is { provider: 'openai' | 'anthropic' | 'mock', options?, mock?, upstream?, store?, identifyHeader? }.
// `options` are JSON-able createChatHandler options (the harness adds the
// fake key, the fake provider's baseURL, a default model and a logger that
// records every line); `mock` are mockProvider options for the mock;
// `store` are MemoryResumeStore options (the handler gets its own store);
// `identifyHeader` names a request header `identify` reads the user from.
// Server tools are code, which JSON cannot carry, so a setup names them:
// `mockTools: true` gives the handler the demo's `mockTools` (`local_time`),
// as `npm run dev` does; `failingTool: true` adds `broken_lookup`, which
// throws FAILING_TOOL_MESSAGE; `slowTool: true` adds `slow_lookup`, which
// answers after 30 s unless its signal aborts first, and then logs
// `tool slow_lookup started` and `tool slow_lookup aborted`. The mock calls
// a tool when the question names it.
// `redis: true` runs TWO handlers (instances A and B) sharing a real
// redis-server through redisResumeStore (started on first use, stopped when
// this process exits), behind one URL that acts as a load balancer sending a
// request with `Last-Event-ID`, and every DELETE, to B and the rest to A;
// each logged response says which `instance` answered.
// The log's records carry `at` (Date.now() in this process): for a provider
// request when its connection closed (`closedAt`), for a response when the
// handler answered.
// `upstream` says what the fake provider answers:
//   { fixture?: file in test/fixtures, body?: raw text instead of a fixture
//     (with status: the raw error body, sent as contentType = 'text/html'),
//     delayMs = 0 (before each event), acceptDelayMs = 0 (before the headers),
//     status?: fail with this status, message?, type?, retryAfter?,
//     echoKey?: put the key in the error message,
//     failTimes?: fail only the first n requests, unreachable?: no server at all }
//
// An Upload is a browser that cannot exist: a raw HTTP/1.1 client on a real
// socket that declares `length` body bytes and sends `body` one byte every
// `intervalMs`, then waits for the answer (up to `waitMs`) or, with
// `drop: true`, closes the socket mid-upload. `clients` runs that many at once.
// UploadResult is { results: [{ status?: number, elapsedMs }] }.
//
// The fake provider, and a second copy of every handler for cross-origin
// tests, listen on their own loopback port (`crossOrigin`).

import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRedis } from '../../scripts/redis-server.mjs';
import { readBody, sendJson } from './scripted-sse-server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = join(root, 'node_modules/.cache/ai-chat-server');
const fixtures = join(root, 'test/fixtures');

/** Shaped like a real key so the key-shape scrubbing is exercised too; never valid anywhere. */
export const FAKE_KEY = 'sk-test-FAKEKEY-0000-do-not-leak-4f1c2a';

const DEFAULT_MODELS = { openai: 'gpt-4.1-nano', anthropic: 'claude-sonnet-4-0', mock: 'mock' };

/** What `broken_lookup` (a setup's `failingTool`) throws; test/handler-helpers.ts has the same sentence for the browser. */
const FAILING_TOOL_MESSAGE = 'The order service is down for maintenance.';
/** How long `slow_lookup` (a setup's `slowTool`) takes when nothing stops it: longer than any test waits. */
const SLOW_TOOL_MS = 30_000;
const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/** The server tools a setup names (see the header): named, since a setup is JSON and a tool is code. */
function setupTools(spec, server, log) {
  const tools = { ...(spec.mockTools ? server.mockTools : {}) };
  if (spec.failingTool) {
    tools.broken_lookup = {
      description: 'Looks an order up; its service is down.',
      parameters: EMPTY_OBJECT_SCHEMA,
      execute() {
        throw new Error(FAILING_TOOL_MESSAGE);
      },
    };
  }
  if (spec.slowTool) {
    tools.slow_lookup = {
      description: 'Looks something up, slowly.',
      parameters: EMPTY_OBJECT_SCHEMA,
      execute(_input, { signal }) {
        log('tool slow_lookup started');
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve({ found: true }), SLOW_TOOL_MS);
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              log('tool slow_lookup aborted');
              reject(signal.reason);
            },
            { once: true },
          );
        });
      },
    };
  }
  return Object.keys(tools).length ? { tools } : {};
}

/** `/handler/:id[/...]`: a setup's handler, on the test server and on the cross-origin port alike. */
const HANDLER_PATH = /^\/handler\/([\w-]+)(\/.*)?$/;

const setups = new Map();
/** The redis-server of the `redis: true` setups, started on first use. */
let redisServer;
const consoleLines = [];
let ready;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function asText(arg) {
  if (typeof arg === 'string') return arg;
  if (arg instanceof Error) return `${arg.name}: ${arg.message} ${arg.stack ?? ''}`;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}
const asLine = (args) => args.map(asText).join(' ');

/**
 * Keeps a copy of everything written to the console by this process while
 * the handler runs (SDK warnings, adapter messages), for the key-leak test.
 */
function recordConsole() {
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      consoleLines.push(`${level} ${asLine(args)}`);
      if (consoleLines.length > 2000) consoleLines.shift();
      // @hono/node-server reports every errored body; a cut-after fault is one on purpose.
      if (args[0] instanceof Error && args[0].message.includes('mock fault cut-after')) return;
      original(...args);
    };
  }
}

/** Event blocks of an SSE body, as byte slices that concatenate to the original. */
function eventPieces(bytes) {
  const pieces = [];
  let start = 0;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) {
      pieces.push(bytes.subarray(start, i + 2));
      start = i + 2;
    }
  }
  if (start < bytes.length) pieces.push(bytes.subarray(start));
  return pieces;
}

function errorPayload(vendor, type, message) {
  return vendor === 'anthropic'
    ? { type: 'error', error: { type, message } }
    : { error: { message, type, param: null, code: null } };
}

const DEFAULT_ERRORS = {
  401: ['authentication_error', 'Incorrect API key provided.'],
  429: ['rate_limit_error', 'Rate limit reached for requests.'],
};

/** The fake OpenAI or Anthropic endpoint of one setup. */
async function fakeProvider(setup, vendor, req, res) {
  const upstream = setup.upstream;
  const body = await readBody(req);
  // Anthropic's SDK sends `x-api-key` or, in recent versions, a bearer token.
  const authorized =
    req.headers.authorization === `Bearer ${FAKE_KEY}` || (vendor === 'anthropic' && req.headers['x-api-key'] === FAKE_KEY);
  const record = {
    vendor,
    path: req.url,
    method: req.method,
    authorized,
    body: JSON.parse(body || 'null'),
    closedByClient: false,
    completed: false,
    startedAt: Date.now(),
  };
  setup.upstreamLog.push(record);
  res.on('close', () => {
    record.closedAt = Date.now();
    record.completed = res.writableFinished;
    record.closedByClient = !res.writableFinished;
  });

  if (upstream.acceptDelayMs) await sleep(upstream.acceptDelayMs);
  const failing = upstream.status !== undefined && (upstream.failTimes === undefined || setup.upstreamLog.length <= upstream.failTimes);
  if (failing && upstream.body !== undefined) {
    // A gateway's own error page, not the vendor's JSON.
    res.writeHead(upstream.status, { 'content-type': upstream.contentType ?? 'text/html' });
    res.end(upstream.body);
    return;
  }
  if (failing) {
    const [defaultType, defaultMessage] = DEFAULT_ERRORS[upstream.status] ?? ['server_error', 'The server had an error.'];
    let message = upstream.message ?? defaultMessage;
    // OpenAI's real 401 quotes (part of) the key it was given.
    if (upstream.echoKey) message = `${message} You sent: ${FAKE_KEY}.`;
    const headers = { 'content-type': 'application/json' };
    if (upstream.retryAfter !== undefined) headers['retry-after'] = String(upstream.retryAfter);
    res.writeHead(upstream.status, headers);
    res.end(JSON.stringify(errorPayload(vendor, upstream.type ?? defaultType, message)));
    return;
  }

  const bytes = upstream.body !== undefined ? Buffer.from(upstream.body, 'utf8') : await readFile(join(fixtures, upstream.fixture));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (const piece of eventPieces(bytes)) {
    if (upstream.delayMs) await sleep(upstream.delayMs);
    if (record.closedByClient) return;
    res.write(piece);
  }
  res.end();
}

async function createSetup(spec, server, fakePort) {
  const id = randomUUID();
  const provider = spec.provider ?? 'mock';
  const upstream = spec.upstream ?? {};
  const vendorPath = provider === 'anthropic' ? 'fake-anthropic' : 'fake-openai/v1';
  const setup = { id, upstream, upstreamLog: [], responses: [], logs: [] };
  const record = (level) => (...args) => setup.logs.push(`${level} ${asLine(args)}`);
  const options = {
    provider: provider === 'mock' && spec.mock ? server.mockProvider(spec.mock) : provider,
    model: DEFAULT_MODELS[provider],
    ...spec.options,
    ...(provider === 'mock'
      ? {}
      : {
          apiKey: FAKE_KEY,
          // Port 9 (discard) on loopback: nothing listens there.
          baseURL: upstream.unreachable ? 'http://127.0.0.1:9/v1' : `http://127.0.0.1:${fakePort}/s/${id}/${vendorPath}`,
        }),
    logger: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') },
    ...(spec.store ? { resumeStore: new server.MemoryResumeStore(spec.store) } : {}),
    ...(spec.identifyHeader ? { identify: (request) => request.headers.get(spec.identifyHeader) } : {}),
    ...setupTools(spec, server, (line) => setup.logs.push(`info ${line}`)),
  };
  const instances = { A: server.createChatHandler(await withRedis(spec, options, server, id)) };
  if (spec.redis) instances.B = server.createChatHandler(await withRedis(spec, options, server, id));
  setup.listener = server.toNodeListener(async (request) => {
    const instance = instances.B && (request.method === 'DELETE' || request.headers.has('last-event-id')) ? 'B' : 'A';
    const response = await instances[instance](request);
    setup.responses.push({ method: request.method, status: response.status, headers: Object.fromEntries(response.headers), at: Date.now(), instance });
    return response;
  });
  setups.set(id, setup);
  return setup;
}

/** `options` with a Redis store of its own (one per instance, one key prefix per setup) when the setup asks for Redis. */
async function withRedis(spec, options, server, id) {
  if (!spec.redis) return options;
  if (!redisServer) {
    redisServer = startRedis();
    const { kill } = await redisServer;
    process.once('exit', () => void kill());
  }
  const { url } = await redisServer;
  return { ...options, resumeStore: server.redisResumeStore({ url, prefix: `harness-${id}:` }) };
}

/** One raw HTTP/1.1 upload to a setup's handler on the loopback port (see Upload above). */
function rawUpload(port, id, { length, body = '', intervalMs = 0, waitMs = 5000, drop = false }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = received.match(/^HTTP\/1\.1 (\d{3})/)?.[1];
      resolve({ ...(status ? { status: Number(status) } : {}), elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (data) => {
      received += data.toString('latin1');
      if (received.includes('\r\n\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', async () => {
      socket.write(`POST /handler/${id} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
      for (const byte of Buffer.from(body, 'utf8')) {
        await sleep(intervalMs);
        if (settled) return;
        socket.write(Buffer.from([byte]));
      }
      if (drop) finish();
    });
  });
}

/** Fake providers and cross-origin copies of the handlers, on their own loopback port. */
function startLoopbackServer() {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const fake = url.pathname.match(/^\/s\/([\w-]+)\/(fake-openai\/v1\/chat\/completions|fake-anthropic\/v1\/messages)$/);
      const handler = url.pathname.match(HANDLER_PATH);
      const setup = setups.get((fake ?? handler)?.[1]);
      if (!setup) return sendJson(res, 404, { error: { message: `nothing at ${url.pathname}`, type: 'not_found' } });
      if (fake) {
        fakeProvider(setup, fake[2].startsWith('fake-anthropic') ? 'anthropic' : 'openai', req, res).catch((error) => {
          console.error('fake provider failed', error);
          res.destroy();
        });
      } else {
        void setup.listener(req, res);
      }
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function start() {
  await build({
    entryPoints: ['index', 'node', 'redis'].map((name) => join(root, `src/server/${name}.ts`)),
    outdir,
    bundle: true,
    // The SDKs and the Node adapter stay real packages from node_modules.
    packages: 'external',
    // One copy of the modules the entries share.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const load = (file) => import(`${pathToFileURL(join(outdir, file)).href}?v=${Date.now()}`);
  const [server, node, redis] = await Promise.all([load('index.js'), load('node.js'), load('redis.js')]);
  recordConsole();
  const loopback = await startLoopbackServer();
  return { server: { ...server, ...node, ...redis }, port: loopback.address().port };
}

/** Koa middleware for @web/test-runner's dev server. */
export function handlerHarnessMiddleware() {
  return async (ctx, next) => {
    if (!/^\/(__handler\/|handler\/)/.test(ctx.path)) return next();
    ready ??= start();
    const { server, port } = await ready;
    const crossOrigin = `http://127.0.0.1:${port}`;
    // Take the raw response over from Koa so streams are flushed as written.
    ctx.respond = false;
    const { req, res } = ctx;
    if (ctx.path === '/__handler/setup' && req.method === 'POST') {
      const setup = await createSetup(JSON.parse(await readBody(req)), server, port);
      return sendJson(res, 200, { id: setup.id, url: `/handler/${setup.id}`, crossOriginUrl: `${crossOrigin}/handler/${setup.id}` });
    }
    if (ctx.path === '/__handler/info') return sendJson(res, 200, { key: FAKE_KEY, crossOrigin, console: consoleLines });
    const upload = ctx.path.match(/^\/__handler\/([\w-]+)\/upload$/);
    if (upload && req.method === 'POST') {
      const spec = JSON.parse(await readBody(req));
      const results = await Promise.all(Array.from({ length: spec.clients ?? 1 }, () => rawUpload(port, upload[1], spec)));
      return sendJson(res, 200, { results });
    }
    const log = ctx.path.match(/^\/__handler\/([\w-]+)\/log$/);
    if (log) {
      const setup = setups.get(log[1]);
      if (!setup) return sendJson(res, 404, { error: { message: 'unknown setup', type: 'not_found' } });
      return sendJson(res, 200, { upstream: setup.upstreamLog, responses: setup.responses, logs: setup.logs });
    }
    const handler = ctx.path.match(HANDLER_PATH);
    const setup = handler && setups.get(handler[1]);
    if (!setup) return sendJson(res, 404, { error: { message: `nothing at ${ctx.path}`, type: 'not_found' } });
    // A response cut on purpose (the mock's cut-after) ends in an error; that is the test, not a failure.
    await setup.listener(req, res).catch(() => undefined);
  };
}
