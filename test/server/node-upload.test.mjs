// Uploads through toNodeListener with the handler createChatHandler made,
// whose body is read straight from Node's IncomingMessage (not through the
// fetch Request's web streams): the same answers as any reader of the body.
// A slow body gets 408 at the deadline, a body in pieces within it is read,
// a chunked body past maxBodyBytes gets 413, a body the client breaks off is
// the client's doing (no error logged), and a body of many pieces arrives whole.
// Run with `node --test test/server/node-upload.test.mjs`.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildServer, SERVER_DIR } from '../runtimes/build-server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const logs = [];
let server;
let port;

before(async () => {
  // UPLOAD_SERVER_DIR: another checkout's bundle, to compare.
  const dir = process.env.UPLOAD_SERVER_DIR ?? (await buildServer(), SERVER_DIR);
  const load = (name) => import(pathToFileURL(join(dir, `${name}.js`)).href);
  const [{ createChatHandler, mockProvider }, { toNodeListener }] = await Promise.all([load('index'), load('node')]);
  const record = (level) => (...parts) => logs.push(`${level} ${parts.map(String).join(' ')}`);
  const handler = createChatHandler({
    provider: mockProvider({ script: ['One two three.'], tokenDelayMs: 1, firstTokenDelayMs: 1 }),
    bodyTimeoutMs: 300,
    maxBodyBytes: 2000,
    logger: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') },
  });
  server = createServer(toNodeListener(handler));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});
after(() => new Promise((resolve) => server.close(resolve)));

/**
 * Sends a POST on a raw socket: `head` headers, then `pieces` of the body
 * `intervalMs` apart; resolves with the status line and everything read until
 * the server closes or `waitMs` passes. `drop`: close the socket after the pieces.
 */
function upload({ headers, pieces, intervalMs = 0, drop = false, waitMs = 3000 }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let firstByteMs;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0), text, firstByteMs });
    };
    const timer = setTimeout(done, waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (data) => {
      firstByteMs ??= Date.now() - started;
      text += data;
      if (text.includes('data: [DONE]') || /\r\n\r\n\{.*\}$/s.test(text)) done();
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`);
    (async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (intervalMs) await sleep(intervalMs);
      }
      if (drop) socket.destroy();
    })();
  });
}

const body = JSON.stringify({ messages: [{ role: 'user', content: 'Hello there, how are you?' }] });
const bytes = (text) => Buffer.byteLength(text);
/** `text` in pieces of `size` characters. */
const split = (text, size) => Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));
/** `pieces` as chunked transfer coding, ended. */
const chunked = (pieces) => [...pieces.map((piece) => `${bytes(piece).toString(16)}\r\n${piece}\r\n`), '0\r\n\r\n'];

describe('a body read from the IncomingMessage (toNodeListener)', () => {
  it('streams the answer to a body sent at once, and to one in many pieces within the deadline', async () => {
    for (const pieces of [[body], split(body, 3)]) {
      const result = await upload({ headers: `Content-Length: ${bytes(body)}\r\n`, pieces, intervalMs: pieces.length > 1 ? 2 : 0 });
      assert.equal(result.status, 200, result.text);
      assert.match(result.text, /"content":"three\."[\s\S]*data: \[DONE\]/);
    }
  });

  it('answers 408 at the deadline to a body that comes too slowly, and logs no error', async () => {
    const result = await upload({ headers: `Content-Length: ${bytes(body)}\r\n`, pieces: split(body, 2), intervalMs: 50 });
    assert.equal(result.status, 408, result.text);
    assert.match(result.text, /request_timeout/);
    assert.ok(result.firstByteMs >= 280 && result.firstByteMs < 1500, `408 after ${result.firstByteMs} ms`);
    assert.deepEqual(logs.filter((line) => line.startsWith('error ')), []);
  });

  it('answers 413 to a chunked body that grows past maxBodyBytes', async () => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(3000) }] });
    const result = await upload({ headers: 'Transfer-Encoding: chunked\r\n', pieces: chunked(split(big, 500)), intervalMs: 5 });
    assert.equal(result.status, 413, result.text);
    assert.match(result.text, /request_too_large/);
  });

  it('takes a body the client broke off as the client’s doing: no error or warning logged', async () => {
    const before = logs.length;
    const result = await upload({ headers: `Content-Length: ${bytes(body)}\r\n`, pieces: [body.slice(0, 10)], intervalMs: 20, drop: true, waitMs: 500 });
    assert.equal(result.status, 0);
    for (let waited = 0; waited < 3000 && !logs.slice(before).some((line) => /client went away/i.test(line)); waited += 20) await sleep(20);
    assert.deepEqual(logs.slice(before).filter((line) => line.startsWith('error ') || line.startsWith('warn ')), []);
    assert.ok(logs.slice(before).some((line) => /client went away/i.test(line)), logs.slice(before).join('\n'));
  });
});
