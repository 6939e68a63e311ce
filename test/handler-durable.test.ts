import { expect } from '@open-wc/testing';
import { conversation, expectJsonError, parseSse, post, readEvents, setup, type SseEvent } from './handler-helpers.js';
import { sleep, until } from './helpers.js';

// #15 on the server: a Stop that stops the provider (DELETE), answers that
// belong to their user (identify), and a resume store that never cuts an
// answer still being written (503 + Retry-After when full).

const FIXTURE = 'openai-chat.sse';

/** The fixture's chunks as the handler forwards them, then [DONE]. */
async function fixtureData(): Promise<string[]> {
  const text = await (await fetch(`/test/fixtures/${FIXTURE}`)).text();
  return [...parseSse(text).events.map((event) => event.data).filter((data) => data !== '[DONE]').map((data) => JSON.stringify(JSON.parse(data))), '[DONE]'];
}

const dataOf = (events: SseEvent[]) => events.map((event) => (event.data === '[DONE]' || event.event ? event.data : JSON.stringify(JSON.parse(event.data))));

const cancel = (url: string, key: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'DELETE', headers: { 'idempotency-key': key, ...headers } });

describe('chat handler: durable answers (#15)', function () {
  this.timeout(20000);

  describe('DELETE stops the answer', () => {
    it('aborts the provider call within 200 ms, measured at the provider, and ends the answer as cancelled', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: FIXTURE, delayMs: 150 } });
      const response = await post(server.url, conversation(), { 'idempotency-key': 'stop-1' });
      const reader = readEvents(response, 100, new AbortController());
      await until(async () => (await server.log()).upstream.length === 1, 'the provider is called');
      await sleep(400);

      const stopped = await cancel(server.url, 'stop-1');
      expect(stopped.status).to.equal(204);
      await until(async () => (await server.log()).upstream[0]!.closedAt !== undefined, 'the provider connection closes');
      const log = await server.log();
      const answered = log.responses.find((entry) => entry.method === 'DELETE')!;
      const latency = log.upstream[0]!.closedAt! - answered.at;
      expect(log.upstream[0]!.completed, 'the provider stream was cut short').to.equal(false);
      expect(latency, `provider closed ${latency} ms after the DELETE was answered`).to.be.below(200);

      const events = await reader;
      const last = events.at(-1)!;
      expect(last.event).to.equal('error');
      expect(JSON.parse(last.data).error.type).to.equal('cancelled');
      expect(events.length, 'some of the answer came first').to.be.within(3, 10);
    });

    it('answers 204 for an answer that already ended and for a key it never saw, and never calls the provider for them', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: FIXTURE } });
      const text = await (await post(server.url, conversation(), { 'idempotency-key': 'stop-done' })).text();
      expect(parseSse(text).events.at(-1)!.data).to.equal('[DONE]');
      expect((await cancel(server.url, 'stop-done')).status).to.equal(204);
      expect((await cancel(server.url, 'stop-never-seen')).status).to.equal(204);
      // The finished answer is still there for a resume, unchanged.
      expect(await (await post(server.url, conversation(), { 'idempotency-key': 'stop-done' })).text()).to.equal(text);
      expect((await server.log()).upstream).to.have.length(1);
    });

    it('keeps the provider running when the connection only drops, so the answer can be resumed whole', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: FIXTURE, delayMs: 60 } });
      const controller = new AbortController();
      const first = await readEvents(await post(server.url, conversation(), { 'idempotency-key': 'drop-1' }, { signal: controller.signal }), 2, controller);
      const rest = parseSse(await (await post(server.url, conversation(), { 'idempotency-key': 'drop-1', 'last-event-id': first.at(-1)!.id! })).text()).events;
      expect(dataOf([...first, ...rest])).to.deep.equal(await fixtureData());
      expect((await server.log()).upstream[0]!.completed).to.equal(true);
    });

    it('lets a listed origin send the DELETE: the preflight allows the method', async () => {
      const server = await setup({ provider: 'openai', options: { allowedOrigins: [location.origin] }, upstream: { fixture: FIXTURE, delayMs: 150 } });
      const response = await post(server.crossOriginUrl, conversation(), { 'idempotency-key': 'stop-cors' });
      const reader = readEvents(response, 100, new AbortController());
      await until(async () => (await server.log()).upstream.length === 1, 'the provider is called');
      const stopped = await cancel(server.crossOriginUrl, 'stop-cors');
      expect(stopped.status).to.equal(204);
      const preflight = (await server.log()).responses.find((entry) => entry.method === 'OPTIONS')!;
      expect(preflight.headers['access-control-allow-methods']).to.contain('DELETE');
      expect(JSON.parse((await reader).at(-1)!.data).error.type).to.equal('cancelled');
    });
  });

  describe('two instances on one Redis, behind one URL', () => {
    it('sends a resume to the other instance mid-answer and gets the exact rest; a DELETE there stops the provider here', async () => {
      const server = await setup({ provider: 'openai', redis: true, upstream: { fixture: FIXTURE, delayMs: 100 } });
      const controller = new AbortController();
      const first = await readEvents(await post(server.url, conversation(), { 'idempotency-key': 'redis-1' }, { signal: controller.signal }), 3, controller);
      const resumed = await post(server.url, conversation(), { 'idempotency-key': 'redis-1', 'last-event-id': first.at(-1)!.id! });
      expect(dataOf([...first, ...parseSse(await resumed.text()).events])).to.deep.equal(await fixtureData());

      const reader = readEvents(await post(server.url, conversation('two'), { 'idempotency-key': 'redis-2' }), 100, new AbortController());
      await until(async () => (await server.log()).upstream.length === 2, 'the second answer to start');
      expect((await cancel(server.url, 'redis-2')).status).to.equal(204);
      expect(JSON.parse((await reader).at(-1)!.data).error.type).to.equal('cancelled');
      const log = await server.log();
      expect(log.upstream, 'one provider call per answer').to.have.length(2);
      expect(log.upstream[1]!.completed).to.equal(false);
      expect(log.responses.map((entry) => `${entry.method} ${entry.instance}`)).to.deep.equal(['POST A', 'POST B', 'POST A', 'DELETE B']);
    });
  });

  describe('identify: an answer belongs to its user', () => {
    it('answers 404 to another user’s resume or DELETE of the same key, and keeps the owner’s answer running', async () => {
      const server = await setup({ provider: 'openai', identifyHeader: 'x-user', upstream: { fixture: FIXTURE, delayMs: 80 } });
      const alice = { 'x-user': 'alice', 'idempotency-key': 'turn-1' };
      const bob = { 'x-user': 'bob', 'idempotency-key': 'turn-1' };
      const response = await post(server.url, conversation(), alice);
      const reader = readEvents(response, 100, new AbortController());
      await until(async () => (await server.log()).upstream.length === 1, 'the provider is called');

      await expectJsonError(await post(server.url, conversation(), { ...bob, 'last-event-id': '1' }), 404, 'not_found');
      await expectJsonError(await post(server.url, conversation(), bob), 404, 'not_found');
      await expectJsonError(await cancel(server.url, 'turn-1', { 'x-user': 'bob' }), 404, 'not_found');
      expect(dataOf(await reader), 'alice’s answer went on to its end').to.deep.equal(await fixtureData());

      // Her own resume still works.
      const replay = parseSse(await (await post(server.url, conversation(), { ...alice, 'last-event-id': '10' })).text()).events;
      expect(replay.map((event) => event.data).at(-1)).to.equal('[DONE]');
      expect((await cancel(server.url, 'turn-1', { 'x-user': 'alice' })).status).to.equal(204);
      expect((await server.log()).upstream).to.have.length(1);
    });

    it('answers 401 when identify finds no user, before calling the provider', async () => {
      const server = await setup({ provider: 'openai', identifyHeader: 'x-user', upstream: { fixture: FIXTURE } });
      await expectJsonError(await post(server.url, conversation(), { 'idempotency-key': 'anon-1' }), 401, 'unauthenticated');
      await expectJsonError(await cancel(server.url, 'anon-1'), 401, 'unauthenticated');
      expect((await server.log()).upstream).to.have.length(0);
    });
  });

  describe('a full resume store refuses new answers up front and never cuts one', () => {
    it('answers 503 with Retry-After past maxEntries while the others stream on to [DONE]', async () => {
      const server = await setup({ provider: 'openai', store: { maxEntries: 2, retryAfterSeconds: 3 }, upstream: { fixture: FIXTURE, delayMs: 40 } });
      // a first, so that it also ends first (the same paced answer): it is the oldest below.
      const first = post(server.url, conversation('a'), { 'idempotency-key': 'full-a' });
      await until(async () => (await server.log()).upstream.length === 1, 'the first provider call');
      const running = [first, post(server.url, conversation('b'), { 'idempotency-key': 'full-b' })];
      await until(async () => (await server.log()).upstream.length === 2, 'both providers are called');
      const refused = await post(server.url, conversation('c'), { 'idempotency-key': 'full-c' });
      expect(refused.headers.get('retry-after')).to.equal('3');
      await expectJsonError(refused, 503, 'server_busy');
      const expected = await fixtureData();
      for (const response of await Promise.all(running)) expect(dataOf(parseSse(await response.text()).events)).to.deep.equal(expected);

      // Finished answers make room: the oldest goes, the newer one stays resumable.
      const later = await post(server.url, conversation('c'), { 'idempotency-key': 'full-c' });
      expect(dataOf(parseSse(await later.text()).events)).to.deep.equal(expected);
      const kept = await post(server.url, conversation('b'), { 'idempotency-key': 'full-b', 'last-event-id': '10' });
      expect(kept.status).to.equal(200);
      await expectJsonError(await post(server.url, conversation('a'), { 'idempotency-key': 'full-a', 'last-event-id': '10' }), 409, 'resume_unavailable');
      expect((await server.log()).upstream).to.have.length(3);
    });

    it('lets answers being written grow past maxSize whole, and refuses new ones until finished answers free it', async () => {
      // Each answer alone is larger than the whole store.
      const server = await setup({ provider: 'openai', store: { maxSize: 200 }, upstream: { fixture: FIXTURE, delayMs: 40 } });
      const running = [1, 2, 3].map((n) => post(server.url, conversation(String(n)), { 'idempotency-key': `size-${n}` }));
      const expected = await fixtureData();
      for (const response of await Promise.all(running)) expect(dataOf(parseSse(await response.text()).events)).to.deep.equal(expected);
      // All three are finished now: a new answer evicts them, oldest first, and is served.
      const next = await post(server.url, conversation('4'), { 'idempotency-key': 'size-4' });
      expect(dataOf(parseSse(await next.text()).events)).to.deep.equal(expected);
    });

    it('refuses a new answer while answers being written fill maxSize', async () => {
      const server = await setup({ provider: 'openai', store: { maxSize: 200 }, upstream: { fixture: FIXTURE, delayMs: 100 } });
      const running = post(server.url, conversation('1'), { 'idempotency-key': 'fill-1' });
      const reader = readEvents(await running, 100, new AbortController());
      await until(async () => (await server.log()).upstream.length === 1, 'the provider is called');
      await sleep(500);
      await expectJsonError(await post(server.url, conversation('2'), { 'idempotency-key': 'fill-2' }), 503, 'server_busy');
      // Without a key nothing is kept, so nothing is refused.
      expect(parseSse(await (await post(server.url, conversation('3'))).text()).events.at(-1)!.data).to.equal('[DONE]');
      expect(dataOf(await reader)).to.deep.equal(await fixtureData());
    });

    it('keeps an answer that is silent for longer than ttlMs: a resume after the silence gets all of it', async () => {
      const server = await setup({ provider: 'openai', store: { ttlMs: 50 }, upstream: { fixture: FIXTURE, delayMs: 250 } });
      const controller = new AbortController();
      const first = await readEvents(await post(server.url, conversation(), { 'idempotency-key': 'quiet-1' }, { signal: controller.signal }), 1, controller);
      const rest = parseSse(await (await post(server.url, conversation(), { 'idempotency-key': 'quiet-1', 'last-event-id': first.at(-1)!.id! })).text()).events;
      expect(dataOf([...first, ...rest])).to.deep.equal(await fixtureData());
    });

    it('ends an answer that outgrows maxAnswerSize with answer_too_long and stops its provider', async () => {
      const server = await setup({ provider: 'openai', store: { maxAnswerSize: 800 }, upstream: { fixture: FIXTURE, delayMs: 30 } });
      const events = parseSse(await (await post(server.url, conversation(), { 'idempotency-key': 'long-1' })).text()).events;
      const last = events.at(-1)!;
      expect(last.event).to.equal('error');
      expect(JSON.parse(last.data).error.type).to.equal('answer_too_long');
      expect(events.length).to.be.within(2, 10);
      await until(async () => (await server.log()).upstream[0]!.closedAt !== undefined, 'the provider connection closes');
      expect((await server.log()).upstream[0]!.completed).to.equal(false);
    });
  });
});
