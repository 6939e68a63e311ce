import { expect } from '@open-wc/testing';
import {
  createChatHandler,
  MemoryResumeStore,
  parseMockFaults,
  UpstreamError,
  type ProviderAdapter,
  type ProviderRequest,
  type SseFrame,
} from '../src/server/index.js';
import { scrub } from '../src/server/secrets.js';

// The handler runs here in Chromium itself, with the browser's own Request,
// Response, ReadableStream and crypto: proof that the handler path needs no
// Node API, as on Deno, Bun and Workers.

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

function chatRequest(body: unknown = { messages: [{ role: 'user', content: 'hi' }] }, init: RequestInit & { headers?: Record<string, string> } = {}): Request {
  return new Request('https://chat.example/api/chat', {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
  });
}

function events(text: string): Array<{ id?: string; event?: string; data: string }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => {
      const event: { id?: string; event?: string; data: string } = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) event.id = line.slice(4);
        if (line.startsWith('event: ')) event.event = line.slice(7);
        if (line.startsWith('data: ')) event.data = line.slice(6);
      }
      return event;
    });
}

/** A provider whose chunks the test releases one by one, recording what it was asked and whether it was aborted. */
function scriptedProvider(chunks: unknown[], options: { failWith?: unknown; failAfter?: number; hold?: boolean } = {}) {
  const calls: ProviderRequest[] = [];
  const adapter: ProviderAdapter = {
    name: 'scripted',
    async start(request) {
      calls.push(request);
      if (options.failWith && options.failAfter === undefined) throw options.failWith;
      async function* run() {
        for (const [index, chunk] of chunks.entries()) {
          if (index === options.failAfter) throw options.failWith;
          yield chunk;
        }
        if (options.hold) {
          await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }));
        }
      }
      return { chunks: run() };
    },
  };
  return { adapter, calls };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createChatHandler on the web platform', () => {
  describe('streaming', () => {
    it('forwards a custom adapter’s chunks as numbered events, then [DONE]', async () => {
      const { adapter, calls } = scriptedProvider([{ a: 1 }, { b: 'two\nlines' }, 'text']);
      const handler = createChatHandler({ provider: adapter, model: 'm1', logger: quiet });
      const response = await handler(chatRequest({ messages: [{ role: 'user', content: 'hi', extra: true }] }));
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/event-stream');
      expect(await response.text()).to.equal(
        'id: 1\ndata: {"a":1}\n\nid: 2\ndata: {"b":"two\\nlines"}\n\nid: 3\ndata: "text"\n\nid: 4\ndata: [DONE]\n\n',
      );
      expect(calls[0]!.messages).to.deep.equal([{ role: 'user', content: 'hi' }]);
      expect(calls[0]!.model).to.equal('m1');
    });

    it('streams the mock reply as OpenAI chunks', async () => {
      const handler = createChatHandler({ provider: 'mock', mock: { script: ['Just this.'], tokenDelayMs: 0, firstTokenDelayMs: 0 } });
      const list = events(await (await handler(chatRequest())).text());
      const text = list.slice(0, -1).map((event) => JSON.parse(event.data).choices[0].delta.content ?? '').join('');
      expect(text).to.equal('Just this.');
      expect(JSON.parse(list[0]!.data).object).to.equal('chat.completion.chunk');
    });

    it('aborts the provider when the request’s signal aborts', async () => {
      const { adapter, calls } = scriptedProvider([{ first: true }], { hold: true });
      const handler = createChatHandler({ provider: adapter, pingIntervalMs: 20, logger: quiet });
      const controller = new AbortController();
      const response = await handler(chatRequest(undefined, { signal: controller.signal }));
      const reader = response.body!.getReader();
      await reader.read();
      expect(calls[0]!.signal.aborted).to.equal(false);
      controller.abort();
      expect(calls[0]!.signal.aborted).to.equal(true);
    });

    it('aborts the provider when the response body is cancelled', async () => {
      const { adapter, calls } = scriptedProvider([{ first: true }], { hold: true });
      const handler = createChatHandler({ provider: adapter, logger: quiet });
      const response = await handler(chatRequest());
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
      expect(calls[0]!.signal.aborted).to.equal(true);
    });

    it('pings while the provider is silent', async () => {
      const handler = createChatHandler({ provider: 'mock', pingIntervalMs: 15, mock: { faults: 'stall-after:1', firstTokenDelayMs: 0 } });
      const controller = new AbortController();
      const response = await handler(chatRequest(undefined, { signal: controller.signal }));
      const reader = response.body!.getReader();
      let text = '';
      while ((text.match(/: ping\n\n/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      expect(text.startsWith('id: 1\n')).to.equal(true);
    });
  });

  describe('provider failures', () => {
    it('passes an UpstreamError 429 through with Retry-After', async () => {
      const { adapter } = scriptedProvider([], { failWith: new UpstreamError(429, 'Too fast.', 'rate_limit_error', '4') });
      const response = await createChatHandler({ provider: adapter, logger: quiet })(chatRequest());
      expect(response.status).to.equal(429);
      expect(response.headers.get('retry-after')).to.equal('4');
      expect(await response.json()).to.deep.equal({ error: { message: 'Too fast.', type: 'rate_limit_error' } });
    });

    it('maps any other status, or none, to 502', async () => {
      for (const failWith of [Object.assign(new Error('503 busy'), { status: 503 }), new Error('socket hang up'), 'odd']) {
        const { adapter } = scriptedProvider([], { failWith });
        const response = await createChatHandler({ provider: adapter, logger: quiet })(chatRequest());
        expect(response.status).to.equal(502);
        expect((await response.json()).error.type).to.equal('upstream_error');
      }
    });

    it('reads both SDK error shapes for the message and type', async () => {
      const anthropicShape = Object.assign(new Error('{"type":"error"...}'), {
        status: 401,
        error: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      });
      const openAiShape = Object.assign(new Error('401 Incorrect key'), {
        status: 401,
        error: { message: 'Incorrect key', type: 'invalid_request_error' },
      });
      const expected = [
        { message: 'invalid x-api-key', type: 'authentication_error' },
        { message: 'Incorrect key', type: 'invalid_request_error' },
      ];
      for (const [index, failWith] of [anthropicShape, openAiShape].entries()) {
        const { adapter } = scriptedProvider([], { failWith });
        const response = await createChatHandler({ provider: adapter, logger: quiet })(chatRequest());
        expect(response.status).to.equal(401);
        expect((await response.json()).error).to.deep.equal(expected[index]);
      }
    });

    it('ends with one event: error when the stream fails, and no [DONE]', async () => {
      const failWith = Object.assign(new Error('x'), { error: { message: 'Overloaded', type: 'overloaded_error' } });
      const { adapter } = scriptedProvider([{ ok: 1 }, { ok: 2 }], { failWith, failAfter: 1 });
      const text = await (await createChatHandler({ provider: adapter, logger: quiet })(chatRequest())).text();
      expect(text).to.equal('id: 1\ndata: {"ok":1}\n\nid: 2\nevent: error\ndata: {"error":{"message":"Overloaded","type":"overloaded_error"}}\n\n');
    });
  });

  describe('configuration', () => {
    it('refuses to start without a key or a model, and names neither a key', () => {
      expect(() => createChatHandler({ provider: 'openai', model: 'gpt-4.1-mini' })).to.throw(/OPENAI_API_KEY/);
      expect(() => createChatHandler({ provider: 'anthropic', apiKey: 'sk-ant-secret-123456' })).to.throw(/model/).with.property('message').that.does.not.contain('secret');
      expect(() => createChatHandler({ provider: 'mock', pingIntervalMs: 0 })).to.throw(/pingIntervalMs/);
      expect(() => createChatHandler({ provider: 'gemini' as never })).to.throw(/provider/);
    });

    it('answers OPTIONS with 204 even without CORS, and nothing else but POST', async () => {
      const handler = createChatHandler({ provider: 'mock' });
      const preflight = await handler(new Request('https://chat.example/api/chat', { method: 'OPTIONS' }));
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get('access-control-allow-origin')).to.equal(null);
      expect((await handler(new Request('https://chat.example/api/chat', { method: 'PATCH' }))).status).to.equal(405);
    });
  });

  describe('resume', () => {
    it('lets two first requests with one key share one provider call', async () => {
      const { adapter, calls } = scriptedProvider([{ n: 1 }, { n: 2 }]);
      const handler = createChatHandler({ provider: adapter, logger: quiet });
      const headers = { 'idempotency-key': 'twice' };
      const [a, b] = await Promise.all([handler(chatRequest(undefined, { headers })), handler(chatRequest(undefined, { headers }))]);
      const [textA, textB] = await Promise.all([a.text(), b.text()]);
      expect(textA).to.equal(textB);
      expect(events(textA).map((event) => event.data)).to.deep.equal(['{"n":1}', '{"n":2}', '[DONE]']);
      expect(calls).to.have.length(1);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      const response = await createChatHandler({ provider: 'mock' })(chatRequest(undefined, { headers: { 'idempotency-key': 'has space' } }));
      expect(response.status).to.equal(400);
      expect((await response.json()).error.type).to.equal('invalid_idempotency_key');
    });
  });

  describe('MemoryResumeStore', () => {
    const frame = (id: number, data = `{"n":${id}}`): SseFrame => ({ id, data });

    it('replays after an id, then follows new events until the end', async () => {
      const store = new MemoryResumeStore();
      expect(await store.create('k', 'fp')).to.equal(true);
      expect(await store.create('k', 'other')).to.equal(false);
      await store.append('k', frame(1));
      await store.append('k', frame(2));
      const seen: number[] = [];
      const reading = (async () => {
        for await (const next of store.read('k', 1, new AbortController().signal)) seen.push(next.id);
      })();
      await sleep(10);
      await store.append('k', frame(3));
      await store.end('k');
      await reading;
      expect(seen).to.deep.equal([2, 3]);
      expect(await store.fingerprint('k')).to.equal('fp');
    });

    it('stops a reader when its signal aborts', async () => {
      const store = new MemoryResumeStore();
      await store.create('k', 'fp');
      const controller = new AbortController();
      const reading = (async () => {
        for await (const _ of store.read('k', 0, controller.signal)) void _;
      })();
      controller.abort();
      await reading;
    });

    it('forgets answers after ttlMs, and the oldest beyond maxEntries or maxSize', async () => {
      const timed = new MemoryResumeStore({ ttlMs: 20 });
      await timed.create('old', 'fp');
      await sleep(40);
      expect(await timed.fingerprint('old')).to.equal(undefined);

      const few = new MemoryResumeStore({ maxEntries: 2 });
      for (const key of ['a', 'b', 'c']) await few.create(key, key);
      expect(await few.fingerprint('a')).to.equal(undefined);
      expect(await few.fingerprint('c')).to.equal('c');

      const small = new MemoryResumeStore({ maxSize: 100 });
      await small.create('x', 'x');
      await small.append('x', frame(1, 'x'.repeat(80)));
      await small.create('y', 'y');
      await small.append('y', frame(1, 'y'.repeat(80)));
      expect(await small.fingerprint('x')).to.equal(undefined);
      expect(await small.fingerprint('y')).to.equal('y');
    });
  });

  describe('mock faults', () => {
    it('parses every documented fault', () => {
      expect(parseMockFaults('status:429:3, error-after:5,stall-after:2,cut-after:20,delay:0')).to.deep.equal({
        status: 429,
        retryAfter: '3',
        errorAfter: 5,
        stallAfter: 2,
        cutAfter: 20,
        tokenDelayMs: 0,
      });
      expect(parseMockFaults('')).to.deep.equal({});
    });

    it('refuses anything else', () => {
      for (const bad of ['boom', 'status:200', 'status:abc', 'cut-after:0', 'delay:-1', 'error-after:1:2']) {
        expect(() => parseMockFaults(bad), bad).to.throw(/Unknown mock fault/);
      }
    });
  });

  describe('scrubbing', () => {
    it('removes the configured key and anything shaped like one', () => {
      const clean = scrub('key sk-proj-abc123XYZ789, Bearer abc.def, mysecretvalue!', ['mysecretvalue']);
      expect(clean).to.equal('key [redacted], [redacted], [redacted]!');
      // Placeholder keys of local servers are too short to be worth blanking out words for.
      expect(scrub('ollama said no', ['ollama'])).to.equal('ollama said no');
    });
  });
});
