import { expect } from '@open-wc/testing';
import {
  createChatHandler,
  MemoryResumeStore,
  mockProvider,
  ResumeStoreFullError,
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

/** A logger that keeps its lines, as `level text`. */
function recordingLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (...args: unknown[]) => lines.push(`${level} ${args.map(String).join(' ')}`);
  return { lines, logger: { error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') } };
}

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
      const handler = createChatHandler({ provider: mockProvider({ script: ['Just this.'], tokenDelayMs: 0, firstTokenDelayMs: 0 }) });
      const list = events(await (await handler(chatRequest())).text());
      const text = list.slice(0, -1).map((event) => JSON.parse(event.data).choices[0].delta.content ?? '').join('');
      expect(text).to.equal('Just this.');
      expect(JSON.parse(list[0]!.data).object).to.equal('chat.completion.chunk');
      expect(JSON.parse(list[0]!.data).model, 'an adapter gets no default model; the mock names itself').to.equal('mock');
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
      const handler = createChatHandler({ provider: mockProvider({ faults: 'stall-after:1', firstTokenDelayMs: 0 }), pingIntervalMs: 15 });
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
    it('passes an UpstreamError 429 through with Retry-After; its message goes to the log', async () => {
      const { adapter } = scriptedProvider([], { failWith: new UpstreamError(429, 'Too fast.', 'rate_limit_error', '4') });
      const { lines, logger } = recordingLogger();
      const response = await createChatHandler({ provider: adapter, logger })(chatRequest());
      expect(response.status).to.equal(429);
      expect(response.headers.get('retry-after')).to.equal('4');
      expect(await response.json()).to.deep.equal({
        error: { message: 'The AI provider is over its rate limit; try again later.', type: 'rate_limit_error' },
      });
      expect(lines).to.deep.equal(['warn [ai-chat] scripted refused the request: 429 rate_limit_error: Too fast.']);
    });

    it('maps any other status, or none, to 502', async () => {
      const cases: Array<[unknown, string]> = [
        [Object.assign(new Error('503 busy'), { status: 503 }), 'The AI provider answered 503.'],
        [new Error('socket hang up'), 'The AI provider could not be reached.'],
        ['odd', 'The AI provider could not be reached.'],
      ];
      for (const [failWith, message] of cases) {
        const { adapter } = scriptedProvider([], { failWith });
        const response = await createChatHandler({ provider: adapter, logger: quiet })(chatRequest());
        expect(response.status).to.equal(502);
        expect((await response.json()).error).to.deep.equal({ message, type: 'upstream_error' });
      }
    });

    it('passes on only a plain identifier as the code, never free text', async () => {
      const failWith = Object.assign(new Error('x'), { status: 401, error: { message: 'no', type: '<b>Denied</b> at /srv/auth' } });
      const { adapter } = scriptedProvider([], { failWith });
      const response = await createChatHandler({ provider: adapter, logger: quiet })(chatRequest());
      expect(await response.json()).to.deep.equal({ error: { message: 'The AI provider refused the server’s credentials.', type: 'upstream_error' } });
    });

    it('reads both SDK error shapes for the type, and answers with a fixed sentence', async () => {
      const anthropicShape = Object.assign(new Error('{"type":"error"...}'), {
        status: 401,
        error: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      });
      const openAiShape = Object.assign(new Error('401 Incorrect key'), {
        status: 401,
        error: { message: 'Incorrect key', type: 'invalid_request_error' },
      });
      const expected = [
        { said: 'invalid x-api-key', type: 'authentication_error' },
        { said: 'Incorrect key', type: 'invalid_request_error' },
      ];
      for (const [index, failWith] of [anthropicShape, openAiShape].entries()) {
        const { adapter } = scriptedProvider([], { failWith });
        const { lines, logger } = recordingLogger();
        const response = await createChatHandler({ provider: adapter, logger })(chatRequest());
        expect(response.status).to.equal(401);
        const { said, type } = expected[index]!;
        expect((await response.json()).error).to.deep.equal({ message: 'The AI provider refused the server’s credentials.', type });
        expect(lines.join('\n')).to.contain(`401 ${type}: ${said}`);
      }
    });

    it('ends with one event: error when the stream fails, and no [DONE]', async () => {
      const failWith = Object.assign(new Error('x'), { error: { message: 'Overloaded', type: 'overloaded_error' } });
      const { adapter } = scriptedProvider([{ ok: 1 }, { ok: 2 }], { failWith, failAfter: 1 });
      const text = await (await createChatHandler({ provider: adapter, logger: quiet })(chatRequest())).text();
      expect(text).to.equal(
        'id: 1\ndata: {"ok":1}\n\nid: 2\nevent: error\ndata: {"error":{"message":"The AI provider is overloaded; try again later.","type":"overloaded_error"}}\n\n',
      );
    });
  });

  describe('configuration', () => {
    it('refuses to start without a key or a model, and names neither a key', () => {
      expect(() => createChatHandler({ provider: 'openai', model: 'gpt-4.1-mini' })).to.throw(/OPENAI_API_KEY/);
      expect(() => createChatHandler({ provider: 'anthropic', apiKey: 'sk-ant-secret-123456' })).to.throw(/model/).with.property('message').that.does.not.contain('secret');
      expect(() => createChatHandler({ provider: 'mock', pingIntervalMs: 0 })).to.throw(/pingIntervalMs/);
      expect(() => createChatHandler({ provider: 'gemini' as never })).to.throw(/provider/);
      expect(() => createChatHandler({ provider: 'mock', bodyTimeoutMs: -1 })).to.throw(/bodyTimeoutMs/);
    });

    it('refuses any origin with credentials at start-up, and allows listed ones', () => {
      expect(() => createChatHandler({ provider: 'mock', allowedOrigins: ['*'], allowCredentials: true })).to.throw(
        TypeError,
        /allowedOrigins: \['\*'\]` cannot be combined with `allowCredentials: true`/,
      );
      expect(() => createChatHandler({ provider: 'mock', allowedOrigins: ['https://a.example', '*'], allowCredentials: true })).to.throw(/allowCredentials/);
      expect(() => createChatHandler({ provider: 'mock', allowedOrigins: ['*'] })).to.not.throw();
      expect(() => createChatHandler({ provider: 'mock', allowedOrigins: ['https://a.example'], allowCredentials: true })).to.not.throw();
    });

    it('answers 408 when the body does not arrive within bodyTimeoutMs', async () => {
      const { adapter, calls } = scriptedProvider([{ n: 1 }]);
      const { lines, logger } = recordingLogger();
      const handler = createChatHandler({ provider: adapter, bodyTimeoutMs: 150, logger });
      const encoder = new TextEncoder();
      let sent = 0;
      // One byte every 20 ms of a body that would take far longer than the deadline.
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await sleep(20);
          controller.enqueue(encoder.encode('{"messages":[{"role":"user","content":"hi"}]}'.charAt(sent++) || ' '));
        },
      });
      const started = performance.now();
      const request = new Request('https://chat.example/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      const response = await handler(request);
      expect(response.status).to.equal(408);
      expect(response.headers.get('connection')).to.equal('close');
      expect((await response.json()).error.type).to.equal('request_timeout');
      expect(performance.now() - started).to.be.within(140, 1000);
      expect(calls).to.have.length(0);
      expect(lines).to.deep.equal([]);
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

    it('keeps the answer for a second reader who joined while the provider was accepting, after the first one leaves', async () => {
      let accept!: () => void;
      const accepted = new Promise<void>((resolve) => (accept = resolve));
      const adapter: ProviderAdapter = {
        name: 'slow-to-accept',
        async start({ signal }) {
          await accepted;
          async function* chunks() {
            for (let n = 1; n <= 3; n++) {
              await sleep(60);
              if (signal.aborted) return;
              yield { n };
            }
          }
          return { chunks: chunks() };
        },
      };
      const handler = createChatHandler({ provider: adapter, resumeGraceMs: 20, logger: quiet });
      const headers = { 'idempotency-key': 'joined-early' };
      const first = handler(chatRequest(undefined, { headers }));
      const second = handler(chatRequest(undefined, { headers }));
      await sleep(30);
      accept();
      const [leaving, staying] = await Promise.all([first, second]);
      await leaving.body!.cancel();
      const text = await staying.text();
      expect(events(text).map((event) => event.data)).to.deep.equal(['{"n":1}', '{"n":2}', '{"n":3}', '[DONE]']);
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

    it('forgets finished answers after ttlMs, never one still being written', async () => {
      const timed = new MemoryResumeStore({ ttlMs: 20 });
      await timed.create('old', 'fp');
      await timed.create('writing', 'fp');
      await timed.end('old');
      await sleep(40);
      expect(await timed.fingerprint('old')).to.equal(undefined);
      expect(await timed.fingerprint('writing'), 'silent, but still being written').to.equal('fp');
    });

    it('beyond maxEntries or maxSize evicts finished answers, oldest first, and refuses a new one rather than drop one being written', async () => {
      const few = new MemoryResumeStore({ maxEntries: 2, retryAfterSeconds: 7 });
      for (const key of ['a', 'b']) await few.create(key, key);
      const full = await few.create('c', 'c').catch((error: unknown) => error);
      expect(full).to.be.instanceOf(ResumeStoreFullError);
      expect((full as ResumeStoreFullError).retryAfterSeconds).to.equal(7);
      expect(await few.fingerprint('a')).to.equal('a');
      await few.end('b');
      await few.end('a');
      expect(await few.create('c', 'c')).to.equal(true);
      expect(await few.fingerprint('b'), 'the first to finish goes first').to.equal(undefined);
      expect(await few.fingerprint('a')).to.equal('a');

      const small = new MemoryResumeStore({ maxSize: 100 });
      await small.create('x', 'x');
      await small.append('x', frame(1, 'x'.repeat(80)));
      await small.create('y', 'y');
      expect(await small.append('y', frame(1, 'y'.repeat(80))), 'a live answer grows past maxSize').to.equal(true);
      expect(await small.create('z', 'z').catch((error: unknown) => error)).to.be.instanceOf(ResumeStoreFullError);
      await small.end('x');
      expect(await small.create('z', 'z')).to.equal(true);
      expect(await small.fingerprint('x')).to.equal(undefined);
      expect(await small.fingerprint('y')).to.equal('y');
    });

    it('keeps at most maxAnswerSize of one answer, and its closing error frame past it', async () => {
      const store = new MemoryResumeStore({ maxAnswerSize: 10 });
      await store.create('k', 'fp');
      expect(await store.append('k', frame(1, '12345678'))).to.equal(true);
      expect(await store.append('k', frame(2, '123'))).to.equal(false);
      expect(await store.append('k', { id: 2, event: 'error', data: '{"error":{}}' })).to.equal(true);
      await store.end('k');
      const seen: number[] = [];
      for await (const next of store.read('k', 0, new AbortController().signal)) seen.push(next.id);
      expect(seen).to.deep.equal([1, 2]);
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

    it('removes keys of other vendors, masked keys whole, and long random secrets', () => {
      const cases: Array<[string, string]> = [
        ['provided: gw-live-AbC1x****************7xQz.', 'provided: [redacted].'],
        ['Mailgun key-3ax6xnjp29jd6fds4gc373sgvjxteol0 refused', 'Mailgun [redacted] refused'],
        ['google AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 'google [redacted]'],
        ['authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'authorization: [redacted]'],
        ['{"api_key": "abc123def"}', '{"api_key": "[redacted]"}'],
        ['x-api-key=hunter2hunter2', 'x-api-key=[redacted]'],
        ['digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 seen', 'digest [redacted] seen'],
        ['secret Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZkdISUpLTE1O.', 'secret [redacted].'],
        ['gsk_abc123def456ghi and xai-Z9y8X7w6V5u4 and ghp_abcdefghijklmnopqrstuvwxyz0123', '[redacted] and [redacted] and [redacted]'],
      ];
      for (const [text, clean] of cases) expect(scrub(text, []), text).to.equal(clean);
    });

    it('leaves ordinary words, request ids and paths readable', () => {
      const text =
        'Token limit reached for key-value store; request 3f2b8c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f at /srv/app/handlers/upstream.py line 88, basic plan';
      expect(scrub(text, [])).to.equal(text);
    });
  });
});
