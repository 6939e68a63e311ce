// #15: a client that stops reading must not make server memory grow without
// bound. A provider that could stream 100 MB at once, and a raw socket that
// sends the request and never reads: without a key the provider is paused by
// the response's backpressure; with a key (the answer is stored for resume)
// the store's cap per answer ends it and stops the provider.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildServer, SERVER_DIR } from './build-server.mjs';

const CHUNK = 'x'.repeat(1024);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let server;
let port;
const provider = {
  name: 'firehose',
  pulled: 0,
  aborted: false,
  async start({ signal }) {
    provider.pulled = 0;
    provider.aborted = false;
    signal.addEventListener('abort', () => (provider.aborted = true), { once: true });
    return {
      chunks: (async function* () {
        for (let index = 0; index < 100_000 && !signal.aborted; index++) {
          provider.pulled += 1;
          yield { text: CHUNK };
          // A real provider's chunks arrive over the network: a macrotask apart.
          if (index % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      })(),
    };
  },
};

/** Sends the request on a socket that never reads its answer. */
function stubbornClient(headers = {}) {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`);
  return socket;
}

before(async () => {
  await buildServer();
  const load = (name) => import(pathToFileURL(join(SERVER_DIR, `${name}.js`)).href);
  const [{ createChatHandler, MemoryResumeStore }, { toNodeListener }] = await Promise.all([load('index'), load('node')]);
  const handler = createChatHandler({
    provider,
    logger: false,
    resumeGraceMs: 60_000,
    resumeStore: new MemoryResumeStore({ maxAnswerSize: 2 * 1024 * 1024 }),
  });
  server = createServer(toNodeListener(handler));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});
after(() => new Promise((resolve) => server.close(resolve)));

describe('a client that stops reading', () => {
  it('pauses the provider of an answer without a key: what it pulls stops growing', async () => {
    const socket = stubbornClient();
    await sleep(1500);
    const first = provider.pulled;
    await sleep(1000);
    const second = provider.pulled;
    socket.destroy();
    assert.ok(second < 100_000, 'the provider did not run to its end');
    assert.equal(second, first, `the provider went on from ${first} to ${second} chunks while nobody read`);
    assert.ok(second * CHUNK.length < 64 * 1024 * 1024, `${second} KB pulled before it paused`);
    console.log(`# without a key the provider paused after ${second} chunks of 1 KB (socket and stream buffers)`);
  });

  it('with a key, ends the stored answer at maxAnswerSize and stops the provider', async () => {
    const socket = stubbornClient({ 'Idempotency-Key': 'stubborn-1' });
    const started = Date.now();
    while (!provider.aborted && Date.now() - started < 5000) await sleep(50);
    socket.destroy();
    assert.equal(provider.aborted, true, 'the provider was stopped');
    // The 2 MiB cap counts the JSON of each chunk, a little over 1 KB each.
    assert.ok(provider.pulled <= 2048, `${provider.pulled} chunks pulled`);
  });
});
