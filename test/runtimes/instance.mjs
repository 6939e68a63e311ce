// One handler instance for the Redis tests: `node instance.mjs <config-json>`.
// Config: { port, redisUrl, client: 'url' | 'redis' | 'ioredis', store?: redisResumeStore options,
//           graceMs?, tokens?, tokenDelayMs? }
// Serves the handler at /chat, with a mock provider that records each call
// and when its signal aborted, and GET /__stats -> { calls, logs }.
// Prints "ready <port>" once listening.

import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_DIR } from './build-server.mjs';

const config = JSON.parse(process.argv[2]);
const load = (name) => import(pathToFileURL(join(SERVER_DIR, `${name}.js`)).href);
const [{ createChatHandler, mockProvider }, { toNodeListener }, { redisResumeStore }] = await Promise.all([load('index'), load('node'), load('redis')]);

/** The words every answer is made of: numbered, so a lost or doubled word shows. */
export const answerText = (tokens) => Array.from({ length: tokens }, (_, index) => `w${index + 1}`).join(' ');

const calls = [];
const logs = [];
const mock = mockProvider({ script: [answerText(config.tokens ?? 60)], tokenDelayMs: config.tokenDelayMs ?? 20, firstTokenDelayMs: 0 });
const provider = {
  name: 'recording-mock',
  async start(request) {
    const call = { startedAt: Date.now(), abortedAt: null, finishedAt: null };
    calls.push(call);
    request.signal.addEventListener('abort', () => (call.abortedAt = Date.now()), { once: true });
    const stream = await mock.start(request);
    return {
      ...stream,
      chunks: (async function* () {
        yield* stream.chunks;
        // The mock ends quietly when aborted: only a whole answer counts as finished.
        if (!request.signal.aborted) call.finishedAt = Date.now();
      })(),
    };
  },
};

async function makeClient() {
  if (config.client === 'redis') {
    const { createClient } = await import('redis');
    const client = createClient({ url: config.redisUrl, disableOfflineQueue: true });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
  if (config.client === 'ioredis') {
    const { Redis } = await import('ioredis');
    const client = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    return client;
  }
  return undefined;
}

const client = await makeClient();
const store = redisResumeStore({ ...(client ? { client } : { url: config.redisUrl }), ...config.store });
const keep = (level) => (...args) => logs.push(`${level} ${args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ')}`);
const handler = createChatHandler({
  provider,
  resumeStore: store,
  resumeGraceMs: config.graceMs ?? 5000,
  identify: config.identify ? (request) => request.headers.get('x-user') : undefined,
  logger: { error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') },
});
const listener = toNodeListener(handler);

const server = createServer((req, res) => {
  if (req.url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ calls, logs }));
  }
  void listener(req, res);
});
server.listen(config.port ?? 0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
