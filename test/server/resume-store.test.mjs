// #15, the default resume store keeps an answer compact (each chunk as what
// it adds to the one before) yet gives every event back exactly.
// Run with `node --test test/server/resume-store.test.mjs`.
//
// The real MemoryResumeStore (src/server, bundled by esbuild), and the real
// handler with the mock provider for a resume over HTTP from every event id.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildServer, SERVER_DIR } from '../runtimes/build-server.mjs';

let server;
before(async () => {
  await buildServer();
  server = await import(pathToFileURL(join(SERVER_DIR, 'index.js')).href);
});

const openAiChunk = (delta, finish = null) =>
  JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });

/** Frames of every shape an answer has: alike chunks, odd ones between, long and non-ASCII tokens, the end, an error. */
const ANSWER = [
  openAiChunk({ role: 'assistant', content: '' }),
  ...['Hello', ' world', ',', ' ', 'naïve ', '“quoted”', ' 🙂', '\\n', '"', '}'].map((content) => openAiChunk({ content })),
  openAiChunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'local_time', arguments: '{}' } }] }),
  openAiChunk({ content: 'a token much longer than a dozen characters' }),
  openAiChunk({ content: 'x' }),
  openAiChunk({ content: 'y' }),
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"z"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"zz"}}',
  openAiChunk({}, 'stop'),
  '[DONE]',
].map((data, index) => ({ id: index + 1, data }));

const letter = (index) => String.fromCharCode(65 + (index % 26));

async function readAll(store, key, afterId) {
  const frames = [];
  for await (const frame of store.read(key, afterId, new AbortController().signal)) frames.push(frame);
  return frames;
}

describe('MemoryResumeStore keeps frames compact and gives them back exactly', () => {
  it('replays from every event id, the closing error frame too', async () => {
    const store = new server.MemoryResumeStore();
    await store.create('k', 'fp');
    for (const frame of ANSWER) assert.equal(await store.append('k', frame), true);
    const error = { id: ANSWER.length + 1, event: 'error', data: JSON.stringify({ error: { type: 'interrupted', message: 'stopped' } }) };
    await store.append('k', error);
    await store.end('k');
    const all = [...ANSWER, error];
    for (let afterId = 0; afterId <= all.length; afterId++) {
      assert.deepEqual(await readAll(store, 'k', afterId), all.slice(afterId), `after id ${afterId}`);
    }
  });

  it('an answer of many blocks of frames, and ids that skip, come back exactly from any id', async () => {
    const store = new server.MemoryResumeStore();
    const variants = ANSWER.slice(0, -1).map((frame) => frame.data);
    const long = Array.from({ length: 300 }, (_, index) => ({ id: index + 1, data: variants[(index * 7) % variants.length] }));
    const skipping = long.map((frame, index) => ({ ...frame, id: index < 100 ? frame.id : frame.id * 3 }));
    for (const [key, frames] of [['long', long], ['skipping', skipping]]) {
      await store.create(key, 'fp');
      for (const frame of frames) await store.append(key, frame);
      await store.end(key);
      for (const index of [0, 1, 62, 63, 64, 65, 127, 128, 150, 299, 300]) {
        const afterId = index === 0 ? 0 : frames[index - 1].id;
        assert.deepEqual(await readAll(store, key, afterId), frames.slice(index), `${key} after id ${afterId}`);
      }
    }
  });

  it('gives frames back exactly while the answer is still written, from a block that fills too, and after it ends', async () => {
    const store = new server.MemoryResumeStore();
    const variants = ANSWER.slice(0, -1).map((frame) => frame.data);
    const frames = Array.from({ length: 150 }, (_, index) => ({ id: index + 1, data: variants[(index * 5) % variants.length] }));
    /** The frames after `afterId` that are there now: a live read, stopped once it has them. */
    const readNow = async (afterId, count) => {
      const stop = new AbortController();
      const reader = store.read('k', afterId, stop.signal)[Symbol.asyncIterator]();
      const got = [];
      while (got.length < count) got.push((await reader.next()).value);
      stop.abort();
      return got;
    };
    await store.create('k', 'fp');
    for (const [index, frame] of frames.entries()) {
      await store.append('k', frame);
      // 64 frames a block: reads from the first full block, the one that fills, and across both.
      if ([0, 40, 63, 64, 100, 149].includes(index)) {
        for (const afterId of new Set([0, Math.floor(index / 2), index])) {
          assert.deepEqual(await readNow(afterId, index + 1 - afterId), frames.slice(afterId, index + 1), `after id ${afterId} of ${index + 1} written`);
        }
      }
    }
    await store.end('k');
    for (const afterId of [0, 63, 64, 128, 140, 150]) assert.deepEqual(await readAll(store, 'k', afterId), frames.slice(afterId), `after id ${afterId}, ended`);
  });

  it('gives back tokens of a dozen characters exactly, live and ended, however many a block holds', async () => {
    // Twelve characters is the longest token kept as what differs; a block of them outgrows the block's first scratch.
    const store = new server.MemoryResumeStore();
    const frames = [
      { id: 1, data: openAiChunk({ role: 'assistant', content: '' }) },
      // Their first and last characters differ from the token before: each is kept whole as what differs.
      ...Array.from({ length: 140 }, (_, index) => ({ id: index + 2, data: openAiChunk({ content: `${letter(index)}${'ëxtra-tök!'.slice(0, 4 + (index % 7))}${letter(index + 7)}` }) })),
    ];
    await store.create('k', 'fp');
    const following = readAll(store, 'k', 0);
    for (const [index, frame] of frames.entries()) {
      await store.append('k', frame);
      if ([20, 33, 34, 35, 50, 63, 64, 90].includes(index)) {
        const stop = new AbortController();
        const reader = store.read('k', 0, stop.signal)[Symbol.asyncIterator]();
        const got = [];
        while (got.length <= index) got.push((await reader.next()).value);
        stop.abort();
        assert.deepEqual(got, frames.slice(0, index + 1), `${index + 1} written`);
      }
    }
    await store.end('k');
    assert.deepEqual(await following, frames, 'followed live');
    assert.deepEqual(await readAll(store, 'k', 0), frames, 'ended');
  });

  it('counts what it keeps against maxSize: a long answer of alike chunks leaves room for more', async () => {
    const store = new server.MemoryResumeStore({ maxSize: 5_000 });
    await store.create('a', 'fp');
    const frames = Array.from({ length: 300 }, (_, index) => ({ id: index + 1, data: openAiChunk({ content: `w${index + 1} ` }) }));
    assert.ok(frames.reduce((sum, frame) => sum + frame.data.length, 0) > 30_000, 'its event text is far past maxSize');
    for (const frame of frames) await store.append('a', frame);
    await store.end('a');
    await store.create('b', 'fp');
    assert.equal(await store.fingerprint('a'), 'fp', 'not evicted to make room');
    assert.deepEqual(await readAll(store, 'a', 0), frames);
  });

  it('a live reader and one that catches up from the start see the same frames', async () => {
    const store = new server.MemoryResumeStore();
    await store.create('k', 'fp');
    const live = readAll(store, 'k', 0);
    for (const [index, frame] of ANSWER.entries()) {
      await store.append('k', frame);
      if (index % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const late = readAll(store, 'k', 3);
    await store.end('k');
    assert.deepEqual(await live, ANSWER);
    assert.deepEqual(await late, ANSWER.slice(3));
  });
});

describe('a resume over HTTP from any event id', () => {
  it('continues the mock answer with exactly the events after that id', async () => {
    const handler = server.createChatHandler({ provider: server.mockProvider({ tokenDelayMs: 0, firstTokenDelayMs: 0 }), logger: false });
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'compact' }] });
    const post = (lastEventId) =>
      handler(
        new Request('http://localhost/api/chat', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'idempotency-key': 'turn-1', ...(lastEventId ? { 'last-event-id': String(lastEventId) } : {}) },
        }),
      );
    const events = (text) => text.split('\n\n').filter((block) => block.startsWith('id: '));
    const whole = events(await (await post()).text());
    assert.ok(whole.length > 50, 'the default mock answer has many events');
    for (const afterId of [1, 2, 17, whole.length - 2, whole.length - 1]) {
      assert.deepEqual(events(await (await post(afterId)).text()), whole.slice(afterId), `after id ${afterId}`);
    }
  });
});
