// #15, many instances: two handler processes on two ports share one real
// redis-server through redisResumeStore. A resume, a second reader and a
// DELETE reach the instance that is NOT running the provider. Then Redis is
// down at start, and killed mid-stream. Run by scripts/check-redis.mjs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRedis, freePort } from '../../scripts/redis-server.mjs';
import { buildServer } from './build-server.mjs';
import { cancel, post, readEvents, sleep, startInstance, textOf, until } from './instances.mjs';

const TOKENS = 60;
const EXPECTED = Array.from({ length: TOKENS }, (_, index) => `w${index + 1}`).join(' ');

let redis;
before(async () => {
  await buildServer();
  redis = await startRedis();
});
after(async () => redis?.stop());

for (const client of ['url', 'redis', 'ioredis']) {
  describe(`two instances on one Redis (${client === 'url' ? '{ url }' : `{ client: ${client} }`})`, () => {
    let a;
    let b;
    before(async () => {
      const config = { redisUrl: redis.url, client, tokens: TOKENS, tokenDelayMs: 20, identify: true, store: { prefix: `t-${client}:` } };
      [a, b] = await Promise.all([startInstance(config), startInstance(config)]);
    });
    after(async () => Promise.all([a?.stop(), b?.stop()]));

    it('a resume on the other instance mid-stream gets the exact rest, without a second provider call', async () => {
      const headers = { 'idempotency-key': `${client}-resume`, 'x-user': 'alice' };
      const first = await readEvents(await post(a.url, headers), 10);
      const resumed = await post(b.url, { ...headers, 'last-event-id': String(first.at(-1).id) });
      assert.equal(resumed.status, 200);
      const rest = await readEvents(resumed);
      assert.equal(rest.at(-1).data, '[DONE]');
      assert.deepEqual([...first, ...rest].map((event) => event.id), Array.from({ length: first.length + rest.length }, (_, i) => i + 1));
      assert.equal(textOf([...first, ...rest]), EXPECTED);
      assert.equal((await a.stats()).calls.length + (await b.stats()).calls.length, 1);
    });

    it('a second reader on the other instance follows the whole answer live', async () => {
      const headers = { 'idempotency-key': `${client}-follow`, 'x-user': 'alice' };
      const firstReader = readEvents(await post(a.url, headers));
      await sleep(200);
      const follower = await readEvents(await post(b.url, headers));
      assert.equal(textOf(follower), EXPECTED);
      assert.equal(textOf(await firstReader), EXPECTED);
      assert.equal((await b.stats()).calls.length, 0, 'the other instance never calls the provider');
    });

    it('a DELETE on the other instance stops the provider within 200 ms; another user’s gets 404', async () => {
      const key = `${client}-cancel`;
      const reading = readEvents(await post(a.url, { 'idempotency-key': key, 'x-user': 'alice' }));
      await sleep(300);
      const refused = await cancel(b.url, key, { 'x-user': 'bob' });
      assert.equal(refused.status, 404);
      const resumeRefused = await post(b.url, { 'idempotency-key': key, 'x-user': 'bob', 'last-event-id': '1' });
      assert.equal(resumeRefused.status, 404);
      const sent = Date.now();
      const stopped = await cancel(b.url, key, { 'x-user': 'alice' });
      assert.equal(stopped.status, 204);
      const call = await until(async () => (await a.stats()).calls.find((each) => each.abortedAt), 'the provider to be aborted');
      assert.ok(call.abortedAt - sent < 200, `aborted ${call.abortedAt - sent} ms after the DELETE was sent`);
      assert.equal(call.finishedAt, null);
      const events = await reading;
      assert.equal(events.at(-1).event, 'error');
      assert.equal(JSON.parse(events.at(-1).data).error.type, 'cancelled');
      console.log(`# ${client}: cross-instance cancel stopped the provider ${call.abortedAt - sent} ms after the DELETE was sent`);
    });
  });
}

describe('bounds on Redis', () => {
  it('refuses a new answer with 503 + Retry-After past maxAnswers, on any instance, and cuts none', async () => {
    const config = { redisUrl: redis.url, client: 'url', tokens: 20, tokenDelayMs: 20, store: { prefix: 'bounds:', maxAnswers: 2, retryAfterSeconds: 4 } };
    const [a, b] = await Promise.all([startInstance(config), startInstance(config)]);
    try {
      const running = [post(a.url, { 'idempotency-key': 'full-1' }, { content: '1' }), post(a.url, { 'idempotency-key': 'full-2' }, { content: '2' })];
      await until(async () => (await a.stats()).calls.length === 2, 'both answers to start');
      const refused = await post(b.url, { 'idempotency-key': 'full-3' }, { content: '3' });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '4');
      const done = await Promise.all((await Promise.all(running)).map((response) => readEvents(response)));
      for (const events of done) assert.equal(events.at(-1).data, '[DONE]');
      // Finished answers make room.
      const later = await readEvents(await post(b.url, { 'idempotency-key': 'full-3' }, { content: '3' }));
      assert.equal(later.at(-1).data, '[DONE]');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('expiry on Redis', () => {
  it('forgets a finished answer after ttlMs, but never one still being written, however long it is silent', async () => {
    // 40 tokens at 150 ms: six seconds of answer, forty times the TTL.
    const config = { redisUrl: redis.url, client: 'url', tokens: 40, tokenDelayMs: 150, store: { prefix: 'ttl:', ttlMs: 150 } };
    const [a, b] = await Promise.all([startInstance(config), startInstance(config)]);
    try {
      const first = await readEvents(await post(a.url, { 'idempotency-key': 'ttl-1' }), 2);
      await sleep(1500);
      const rest = await readEvents(await post(b.url, { 'idempotency-key': 'ttl-1', 'last-event-id': String(first.at(-1).id) }));
      assert.equal(textOf([...first, ...rest]), Array.from({ length: 40 }, (_, index) => `w${index + 1}`).join(' '), JSON.stringify(rest.slice(0, 3)));
      await sleep(400);
      const late = await post(b.url, { 'idempotency-key': 'ttl-1', 'last-event-id': '3' });
      assert.equal(late.status, 409, 'a finished answer is gone after ttlMs');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('Redis down', () => {
  it('at start: the handler answers in full without resume, and logs the failure once', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const a = await startInstance({ redisUrl: nowhere, client: 'url', tokens: 10, tokenDelayMs: 5 });
    try {
      for (const key of ['down-1', 'down-2', 'down-3']) {
        const events = await readEvents(await post(a.url, { 'idempotency-key': key }));
        assert.equal(events.at(-1).data, '[DONE]');
        assert.equal(textOf(events), 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w10');
      }
      const errors = (await a.stats()).logs.filter((line) => line.startsWith('error'));
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], /resume store failed; answering without resume/);
    } finally {
      await a.stop();
    }
  });

  it('mid-stream: the answer ends without [DONE], its provider stops, and the next answer is served without resume', async () => {
    const own = await startRedis();
    const a = await startInstance({ redisUrl: own.url, client: 'url', tokens: TOKENS, tokenDelayMs: 50, store: { commandTimeoutMs: 500 } });
    try {
      const response = await post(a.url, { 'idempotency-key': 'mid-1' });
      // Redis dies once a few events have come.
      let killed;
      const events = await readEvents(response, Infinity, (sofar) => {
        if (sofar.length >= 5) killed ??= own.kill();
      });
      await killed;
      assert.notEqual(events.at(-1)?.data, '[DONE]', JSON.stringify((await a.stats()).logs));
      assert.ok(events.length > 3 && events.length < TOKENS, `${events.length} events before the cut`);
      await until(async () => (await a.stats()).calls[0].abortedAt, 'the provider to stop');
      const next = await readEvents(await post(a.url, { 'idempotency-key': 'mid-2' }));
      assert.equal(textOf(next), EXPECTED);
      const errors = (await a.stats()).logs.filter((line) => line.startsWith('error'));
      assert.equal(errors.length, 1, errors.join('\n'));
    } finally {
      await a.stop();
      await own.stop();
    }
  });
});
