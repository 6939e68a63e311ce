import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/index.js';
import type { AiChat } from '../src/ai-chat.js';
import { until } from './helpers.js';
import {
  type ManifestEntry,
  type Setup,
  type SetupSpec,
  setup,
  harnessInfo,
  conversation,
  post,
  parseSse,
  readEvents,
  expectJsonError,
  expectIdsAscending,
} from './handler-helpers.js';

// The handler (src/server) runs in the test runner's Node process, mounted by
// test/server/handler-harness.mjs, in front of fake providers that replay
// test/fixtures byte for byte through the official SDKs.

async function fixtureText(file: string): Promise<string> {
  return (await fetch(`/test/fixtures/${file}`)).text();
}

let manifest: ManifestEntry[] | undefined;
async function expectedFor(file: string): Promise<ManifestEntry['expected']> {
  manifest ??= (await (await fetch('/test/fixtures/manifest.json')).json()) as ManifestEntry[];
  return manifest.find((entry) => entry.file === file)!.expected;
}

const chatAt = (url: string) => fixture<AiChat>(html`<ai-chat endpoint=${url}></ai-chat>`);

describe('chat handler', function () {
  // The first test also waits for esbuild to bundle the server code.
  this.timeout(20000);

  describe('OpenAI through the official SDK', () => {
    it('forwards every fixture chunk as a numbered event, then [DONE], with event-stream headers', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
      const response = await post(server.url, conversation());
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/event-stream');
      expect(response.headers.get('cache-control')).to.equal('no-cache, no-transform');
      expect(response.headers.get('x-accel-buffering')).to.equal('no');

      const { events } = parseSse(await response.text());
      const upstream = parseSse(await fixtureText('openai-chat.sse')).events.filter((event) => event.data !== '[DONE]');
      expectIdsAscending(events);
      expect(events.at(-1)!.data).to.equal('[DONE]');
      expect(events.slice(0, -1).map((event) => JSON.parse(event.data))).to.deep.equal(upstream.map((event) => JSON.parse(event.data)));
    });

    it('sends the conversation, the allowed model and stream: true with the server key', async () => {
      const server = await setup({
        provider: 'openai',
        options: { allowedModels: ['gpt-4.1-nano', 'gpt-4.1-mini'] },
        upstream: { fixture: 'openai-chat.sse' },
      });
      const messages = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Name a holiday.' },
      ];
      await (await post(server.url, { messages, model: 'gpt-4.1-mini', stream: true, temperature: 2 })).text();
      const [request] = (await server.log()).upstream;
      expect(request!.path).to.match(/\/fake-openai\/v1\/chat\/completions$/);
      expect(request!.authorized).to.equal(true);
      expect(request!.body.messages).to.deep.equal(messages);
      expect(request!.body.model).to.equal('gpt-4.1-mini');
      expect(request!.body.stream).to.equal(true);
      // Client fields other than messages and model never reach the provider.
      expect(request!.body).to.not.have.property('temperature');
    });

    it('streams into <ai-chat> end to end: the widget shows the fixture text', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse', delayMs: 5 } });
      const el = await chatAt(server.url);
      const answer = await el.send('hi');
      expect(answer?.status, answer?.error).to.equal('done');
      expect(answer?.content).to.equal((await expectedFor('openai-chat.sse')).text);
    });

    it('turns an error chunk after output into event: error, after the text, with the provider code and a fixed sentence', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat-error-midstream.sse' } });
      const { events } = parseSse(await (await post(server.url, conversation())).text());
      expectIdsAscending(events);
      expect(JSON.parse(events[0]!.data).choices[0].delta.content).to.equal('Hello');
      expect(events.at(-1)!.event).to.equal('error');
      expect(JSON.parse(events.at(-1)!.data)).to.deep.equal({
        error: { message: 'The AI provider failed while answering.', type: 'server_error' },
      });
      expect(events.some((event) => event.data === '[DONE]')).to.equal(false);
      // The provider's own words are for the operator.
      const providerSaid = (await expectedFor('openai-chat-error-midstream.sse')).error!;
      expect((await server.log()).logs.some((line) => line.startsWith('warn ') && line.includes(providerSaid))).to.equal(true);
    });

    it('reports an error as the first event as event: error, the provider message in the log only', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat-error-first.sse' } });
      const response = await post(server.url, conversation());
      expect(response.status).to.equal(200);
      const { events } = parseSse(await response.text());
      expect(events).to.have.length(1);
      expect(events[0]!.event).to.equal('error');
      expect(JSON.parse(events[0]!.data).error).to.deep.equal({ message: 'The AI provider failed while answering.', type: 'server_error' });
      const providerSaid = (await expectedFor('openai-chat-error-first.sse')).error!;
      expect(events[0]!.data).to.not.contain('help.openai.com');
      expect((await server.log()).logs.join('\n')).to.contain(providerSaid);
    });
  });

  describe('Anthropic through the official SDK', () => {
    it('forwards every event the SDK yields as a numbered event, then [DONE]', async () => {
      const server = await setup({ provider: 'anthropic', upstream: { fixture: 'anthropic.sse' } });
      const response = await post(server.url, conversation());
      expect(response.headers.get('content-type')).to.equal('text/event-stream');
      const { events } = parseSse(await response.text());
      // The SDK drops `event: ping`; everything else is forwarded as is.
      const upstream = parseSse(await fixtureText('anthropic.sse')).events.filter((event) => event.event !== 'ping');
      expectIdsAscending(events);
      expect(events.at(-1)!.data).to.equal('[DONE]');
      expect(events.slice(0, -1).map((event) => JSON.parse(event.data))).to.deep.equal(upstream.map((event) => JSON.parse(event.data)));
    });

    it('moves system messages to the system parameter and sets max_tokens', async () => {
      const server = await setup({ provider: 'anthropic', options: { maxTokens: 300 }, upstream: { fixture: 'anthropic.sse' } });
      const messages = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello?' },
        { role: 'assistant', content: 'Hi.' },
        { role: 'user', content: 'How are you?' },
      ];
      await (await post(server.url, { messages })).text();
      const [request] = (await server.log()).upstream;
      expect(request!.path).to.match(/\/fake-anthropic\/v1\/messages$/);
      expect(request!.authorized).to.equal(true);
      expect(request!.body.system).to.equal('Be brief.');
      expect(request!.body.messages).to.deep.equal(messages.slice(1));
      expect(request!.body.max_tokens).to.equal(300);
      expect(request!.body.model).to.equal('claude-sonnet-4-0');
      expect(request!.body.stream).to.equal(true);
    });

    it('turns an error event after output into event: error with its code and a readable sentence', async () => {
      const server = await setup({ provider: 'anthropic', upstream: { fixture: 'anthropic-error-midstream.sse' } });
      const { events } = parseSse(await (await post(server.url, conversation())).text());
      expect(events.at(-1)!.event).to.equal('error');
      expect(JSON.parse(events.at(-1)!.data)).to.deep.equal({
        error: { message: 'The AI provider is overloaded; try again later.', type: 'overloaded_error' },
      });
      const providerSaid = (await expectedFor('anthropic-error-midstream.sse')).error!;
      expect((await server.log()).logs.join('\n')).to.contain(providerSaid);
    });

    it('streams into <ai-chat> end to end: the widget shows the fixture text', async () => {
      const server = await setup({ provider: 'anthropic', upstream: { fixture: 'anthropic.sse', delayMs: 5 } });
      const el = await chatAt(server.url);
      const answer = await el.send('hi');
      expect(answer?.status, answer?.error).to.equal('done');
      expect(answer?.content).to.equal((await expectedFor('anthropic.sse')).text);
    });
  });

  describe('provider errors before streaming', () => {
    /** The server's log lines of one setup, one string. */
    const logOf = async (server: Setup) => (await server.log()).logs.join('\n');

    it('passes a 401 through with the provider code and a fixed sentence; the provider message goes to the log', async () => {
      const server = await setup({ provider: 'openai', upstream: { status: 401, message: 'Incorrect API key provided.' } });
      const error = await expectJsonError(await post(server.url, conversation()), 401, 'authentication_error');
      expect(error.message).to.equal('The AI provider refused the server’s credentials.');
      expect(await logOf(server)).to.contain('Incorrect API key provided.');
    });

    it('passes a 429 through with its Retry-After, for both providers', async () => {
      for (const provider of ['openai', 'anthropic'] as const) {
        const server = await setup({ provider, upstream: { status: 429, retryAfter: 7, message: 'Slow down.' } });
        const response = await post(server.url, conversation());
        expect(response.headers.get('retry-after'), provider).to.equal('7');
        const error = await expectJsonError(response, 429, 'rate_limit_error');
        expect(error.message).to.equal('The AI provider is over its rate limit; try again later.');
        expect(await logOf(server), provider).to.contain('Slow down.');
        expect((await server.log()).upstream, 'no SDK retries by default').to.have.length(1);
      }
    });

    it('answers 502 for a provider 500, naming the status but not the provider’s words', async () => {
      const server = await setup({ provider: 'anthropic', upstream: { status: 500, message: 'Internal failure.' } });
      const error = await expectJsonError(await post(server.url, conversation()), 502, 'upstream_error');
      expect(error.message).to.equal('The AI provider answered 500.');
      expect(await logOf(server)).to.contain('Internal failure.');
    });

    it('answers 502 when the provider cannot be reached', async () => {
      const server = await setup({ provider: 'openai', upstream: { unreachable: true } });
      const error = await expectJsonError(await post(server.url, conversation()), 502, 'upstream_error');
      expect(error.message).to.equal('The AI provider could not be reached.');
    });

    it('never shows the browser a gateway’s error page, its internal paths or hosts; the log keeps them', async () => {
      const page = `<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><pre>Traceback (most recent call last):
  File "/srv/llm-gateway/app/proxy.py", line 88, in forward
    upstream = pool.connect("10.12.0.7:8443")
ConnectionRefusedError: [Errno 111] Connection refused (upstream 10.12.0.7:8443, node gw-internal-3.corp.lan)</pre></body></html>`;
      for (const provider of ['openai', 'anthropic'] as const) {
        const server = await setup({ provider, upstream: { status: 502, body: page } });
        const response = await post(server.url, conversation());
        const text = await response.clone().text();
        const error = await expectJsonError(response, 502, 'upstream_error');
        expect(error.message, provider).to.equal('The AI provider answered 502.');
        for (const leak of ['<', 'Traceback', '/srv/', 'proxy.py', '10.12.0.7', 'corp.lan']) expect(text, `${provider}: ${leak}`).to.not.contain(leak);
        const log = await logOf(server);
        expect(log, provider).to.contain('10.12.0.7').and.contain('/srv/llm-gateway/app/proxy.py');
      }
    });

    it('leaks no part of a key of any shape: not to the browser, not to the log', async () => {
      const keys = {
        masked: 'gw-live-AbC1x****************7xQz',
        mailgun: 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0',
        google: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
        bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ',
        hex: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        base64: 'Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZkdISUpLTE1O',
      };
      const said =
        `Incorrect API key provided: ${keys.masked}. Mailgun said ${keys.mailgun}; google ${keys.google}; ` +
        `Authorization: Bearer ${keys.bearer}; digest ${keys.hex}; secret ${keys.base64}.`;
      for (const status of [401, 500]) {
        const server = await setup({ provider: 'openai', upstream: { status, message: said } });
        const response = await post(server.url, conversation());
        const seen = `${await response.text()}\n${await logOf(server)}`;
        expect(seen, `status ${status}`).to.contain('Incorrect API key provided').and.contain('[redacted]');
        for (const [shape, key] of Object.entries(keys)) {
          // Any 6 characters of a key in a row are a leak, and so is either visible end of a masked key.
          for (const piece of key.split(/\*+/)) {
            const windows = piece.length <= 6 ? [piece] : Array.from({ length: piece.length - 5 }, (_, at) => piece.slice(at, at + 6));
            for (const window of windows) expect(seen, `${status} ${shape}: ${window}`).to.not.contain(window);
          }
        }
      }
    });
  });

  describe('validation before any provider call', () => {
    let server: Setup;
    before(async () => {
      server = await setup({
        provider: 'openai',
        options: { maxMessages: 3, maxBodyBytes: 2000, allowedModels: ['gpt-4.1-nano'] },
        upstream: { fixture: 'openai-chat.sse' },
      });
    });
    after(async () => {
      expect((await server.log()).upstream, 'the provider is never called').to.have.length(0);
    });

    it('answers 405 with Allow for other methods', async () => {
      for (const method of ['GET', 'PUT', 'PATCH']) {
        const response = await fetch(server.url, { method });
        expect(response.headers.get('allow'), method).to.equal('POST, DELETE, OPTIONS');
        await expectJsonError(response, 405, 'method_not_allowed');
      }
    });

    it('answers 400 to a DELETE without the Idempotency-Key of the answer to stop', async () => {
      await expectJsonError(await fetch(server.url, { method: 'DELETE' }), 400, 'missing_idempotency_key');
    });

    it('answers 415 for a body that is not declared as JSON', async () => {
      await expectJsonError(await post(server.url, conversation(), { 'content-type': 'text/plain' }), 415);
    });

    it('answers 400 for a body that is not JSON', async () => {
      await expectJsonError(await post(server.url, '{"messages": [', {}), 400, 'invalid_json');
    });

    const badBodies: Array<[string, unknown]> = [
      ['a JSON array', [{ role: 'user', content: 'hi' }]],
      ['a JSON string', 'hi'],
      ['no messages', { stream: true }],
      ['messages not an array', { messages: { role: 'user', content: 'hi' } }],
      ['no message at all', { messages: [] }],
      ['a message that is not an object', { messages: ['hi'] }],
      ['an unknown role', { messages: [{ role: 'tool', content: 'hi' }] }],
      ['a missing role', { messages: [{ content: 'hi' }] }],
      ['content that is not a string', { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }],
      ['missing content', { messages: [{ role: 'user' }] }],
      ['a model that is not a string', { messages: [{ role: 'user', content: 'hi' }], model: 4 }],
    ];
    for (const [what, body] of badBodies) {
      it(`answers 400 for ${what}`, async () => {
        await expectJsonError(await post(server.url, JSON.stringify(body)), 400);
      });
    }

    it('answers 400 for a model outside the allow-list', async () => {
      const error = await expectJsonError(await post(server.url, conversation('hi', { model: 'gpt-4.1' })), 400, 'model_not_allowed');
      expect(error.message).to.contain('gpt-4.1');
    });

    it('answers 413 for too many messages', async () => {
      const messages = Array.from({ length: 4 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
      await expectJsonError(await post(server.url, { messages }), 413, 'too_many_messages');
    });

    it('answers 413 for a body over the size limit', async () => {
      await expectJsonError(await post(server.url, conversation('x'.repeat(3000))), 413, 'request_too_large');
    });

    it('answers 413 for a streamed body over the limit that declares no length', async () => {
      const big = new TextEncoder().encode(JSON.stringify(conversation('y'.repeat(5000))));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(big);
          controller.close();
        },
      });
      let response: Response | undefined;
      try {
        response = await post(server.url, '', {}, { body, duplex: 'half' } as RequestInit);
      } catch {
        // Chromium allows streamed uploads only over HTTP/2; over HTTP/1.1 this case cannot be sent.
        return;
      }
      await expectJsonError(response, 413, 'request_too_large');
    });
  });

  describe('slow and dropped uploads', () => {
    const body = JSON.stringify(conversation());

    it('answers 408 to clients that send their body too slowly, each at the deadline', async () => {
      const server = await setup({ provider: 'openai', options: { bodyTimeoutMs: 400 }, upstream: { fixture: 'openai-chat.sse' } });
      // 20 clients at 20 bytes/s: without a deadline they hold their sockets for the whole body.
      const results = await server.upload({ length: body.length, body, intervalMs: 50, clients: 20, waitMs: 4000 });
      expect(results.map((result) => result.status)).to.deep.equal(results.map(() => 408));
      for (const { elapsedMs } of results) expect(elapsedMs).to.be.within(350, 1500);
      const log = await server.log();
      expect(log.upstream, 'the provider is never called').to.have.length(0);
      expect(log.logs.filter((line) => line.startsWith('error '))).to.deep.equal([]);
    });

    it('still reads a body that arrives in pieces within the deadline', async () => {
      const server = await setup({ provider: 'openai', options: { bodyTimeoutMs: 3000 }, upstream: { fixture: 'openai-chat.sse' } });
      const [result] = await server.upload({ length: body.length, body, intervalMs: 2 });
      expect(result!.status).to.equal(200);
    });

    it('treats an upload the client broke off as the client’s doing: no 500, no error line', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
      await server.upload({ length: body.length, body: body.slice(0, 10), intervalMs: 5, drop: true });
      const [response] = await until(async () => {
        const { responses } = await server.log();
        return responses.length > 0 && responses;
      }, 'the handler to answer the dropped upload');
      expect(response!.status).to.equal(499);
      const log = await server.log();
      expect(log.logs.filter((line) => line.startsWith('error ') || line.startsWith('warn '))).to.deep.equal([]);
      expect(log.upstream).to.have.length(0);
    });
  });

  describe('CORS', () => {
    it('answers the preflight of a listed origin and lets it read the stream', async () => {
      const server = await setup({ provider: 'openai', options: { allowedOrigins: [location.origin] }, upstream: { fixture: 'openai-chat.sse' } });
      // The harness's second port makes this a real cross-origin request with a real preflight.
      const response = await post(server.crossOriginUrl, conversation(), { 'idempotency-key': 'cors-1' });
      expect(response.status).to.equal(200);
      expect(parseSse(await response.text()).events.at(-1)!.data).to.equal('[DONE]');

      const { responses, upstream } = await server.log();
      const preflight = responses.find((entry) => entry.method === 'OPTIONS')!;
      expect(preflight.status).to.equal(204);
      expect(preflight.headers['access-control-allow-origin']).to.equal(location.origin);
      expect(preflight.headers.vary).to.equal('Origin');
      const allowed = preflight.headers['access-control-allow-headers']!.toLowerCase().split(/,\s*/);
      expect(allowed).to.include.members(['content-type', 'idempotency-key', 'last-event-id']);
      expect(preflight.headers['access-control-allow-methods']).to.contain('POST');
      const actual = responses.find((entry) => entry.method === 'POST')!;
      expect(actual.headers['access-control-allow-origin']).to.equal(location.origin);
      expect(upstream).to.have.length(1);
    });

    it('gives an unlisted origin no CORS headers, and never calls the provider for it', async () => {
      const server = await setup({
        provider: 'openai',
        options: { allowedOrigins: ['https://allowed.example'] },
        upstream: { fixture: 'openai-chat.sse' },
      });
      let failed = false;
      try {
        await post(server.crossOriginUrl, conversation());
      } catch {
        failed = true;
      }
      expect(failed, 'the browser blocks the request').to.equal(true);
      // A "simple" request skips the preflight; the handler refuses it itself.
      await fetch(server.crossOriginUrl, { method: 'POST', mode: 'no-cors', body: JSON.stringify(conversation()) });

      const { responses, upstream } = await server.log();
      const preflight = responses.find((entry) => entry.method === 'OPTIONS')!;
      expect(preflight.status).to.equal(204);
      expect(preflight.headers).to.not.have.property('access-control-allow-origin');
      expect(preflight.headers.vary).to.equal('Origin');
      const simple = responses.find((entry) => entry.method === 'POST')!;
      expect(simple.status).to.equal(403);
      expect(simple.headers).to.not.have.property('access-control-allow-origin');
      expect(upstream).to.have.length(0);
    });

    it('sets no CORS headers at all without allowedOrigins', async () => {
      const server = await setup({ provider: 'mock', mock: { tokenDelayMs: 0, firstTokenDelayMs: 0 } });
      const response = await post(server.url, conversation());
      await response.text();
      const [entry] = (await server.log()).responses;
      expect(Object.keys(entry!.headers).filter((name) => name.startsWith('access-control-') || name === 'vary')).to.deep.equal([]);
    });
  });

  describe('keep-alive', () => {
    it('sends a ": ping" comment every pingIntervalMs while the provider is slow', async () => {
      const server = await setup({ provider: 'openai', options: { pingIntervalMs: 40 }, upstream: { fixture: 'openai-chat.sse', delayMs: 120 } });
      const text = await (await post(server.url, conversation())).text();
      const { events, comments } = parseSse(text);
      expect(comments.length).to.be.greaterThan(5);
      expect(comments.every((comment) => comment === ': ping')).to.equal(true);
      expect(text).to.contain('\n\n: ping\n\n');
      expectIdsAscending(events);
      expect(events.at(-1)!.data).to.equal('[DONE]');
    });
  });

  describe('client abort', () => {
    it('closes the provider connection when <ai-chat> stops', async () => {
      const server = await setup({
        provider: 'openai',
        // The widget sends an Idempotency-Key, so its answers wait this long for a resume.
        options: { resumeGraceMs: 100 },
        upstream: { fixture: 'openai-chat.sse', delayMs: 300 },
      });
      const el = await chatAt(server.url);
      const firstText = oneEvent(el, 'ai-chat-delta');
      const sending = el.send('hi');
      await firstText;
      el.abort();
      expect((await sending)?.status).to.equal('aborted');
      const request = await until(async () => (await server.log()).upstream.find((entry) => entry.closedByClient), 'the provider to see its connection close');
      expect(request.completed).to.equal(false);
    });

    it('closes the provider connection at once when a plain request goes away', async () => {
      const server = await setup({ provider: 'anthropic', upstream: { fixture: 'anthropic.sse', delayMs: 300 } });
      const controller = new AbortController();
      const response = await post(server.url, conversation(), {}, { signal: controller.signal });
      await readEvents(response, 1, controller).catch(() => []);
      await until(async () => (await server.log()).upstream.find((entry) => entry.closedByClient), 'the provider to see its connection close', 2000);
    });
  });

  describe('resume with Idempotency-Key and Last-Event-ID', () => {
    it('continues the same answer after a cut without calling the provider again', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse', delayMs: 120 } });
      const headers = { 'idempotency-key': 'resume-1' };
      const controller = new AbortController();
      const first = await readEvents(await post(server.url, conversation(), headers, { signal: controller.signal }), 3, controller);
      expectIdsAscending(first);

      // The provider is still streaming: the resume replays what it missed and then follows live.
      const resumed = await post(server.url, conversation(), { ...headers, 'last-event-id': first.at(-1)!.id! });
      expect(resumed.status).to.equal(200);
      const rest = parseSse(await resumed.text()).events;
      expectIdsAscending(rest, 4);
      expect(rest.at(-1)!.data).to.equal('[DONE]');

      const upstream = parseSse(await fixtureText('openai-chat.sse')).events.filter((event) => event.data !== '[DONE]');
      const all = [...first, ...rest.slice(0, -1)].map((event) => JSON.parse(event.data));
      expect(all).to.deep.equal(upstream.map((event) => JSON.parse(event.data)));
      const log = await server.log();
      expect(log.upstream).to.have.length(1);
      expect(log.upstream[0]!.completed, 'the provider stream ran to its end').to.equal(true);
    });

    it('replays a finished answer for a repeated key, from the start or after Last-Event-ID', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
      const headers = { 'idempotency-key': 'resume-2' };
      const original = await (await post(server.url, conversation(), headers)).text();
      expect(await (await post(server.url, conversation(), headers)).text()).to.equal(original);
      const tail = parseSse(await (await post(server.url, conversation(), { ...headers, 'last-event-id': '9' })).text()).events;
      expect(tail.map((event) => event.id)).to.deep.equal(['10', '11']);
      expect((await server.log()).upstream).to.have.length(1);
    });

    it('refuses a key reused for another conversation (422) and an unknown answer to resume (409)', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
      await (await post(server.url, conversation('one'), { 'idempotency-key': 'resume-3' })).text();
      await expectJsonError(await post(server.url, conversation('two'), { 'idempotency-key': 'resume-3' }), 422, 'idempotency_key_reused');
      await expectJsonError(
        await post(server.url, conversation(), { 'idempotency-key': 'never-seen', 'last-event-id': '4' }),
        409,
        'resume_unavailable',
      );
      await expectJsonError(await post(server.url, conversation(), { 'idempotency-key': 'resume-3', 'last-event-id': 'x' }), 400);
      expect((await server.log()).upstream).to.have.length(1);
    });

    it('answers a resume of another conversation’s key exactly like one of an unknown key', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
      await (await post(server.url, conversation('mine'), { 'idempotency-key': 'resume-known' })).text();
      // Someone else's conversation, guessing keys: whether the key exists must not show.
      const known = await post(server.url, conversation('probe'), { 'idempotency-key': 'resume-known', 'last-event-id': '2' });
      const unknown = await post(server.url, conversation('probe'), { 'idempotency-key': 'resume-unknown', 'last-event-id': '2' });
      expect(known.status).to.equal(409);
      expect(unknown.status).to.equal(409);
      expect(await known.text()).to.equal(await unknown.text());
      expect((await server.log()).upstream).to.have.length(1);
    });

    it('keeps an answer whose provider takes longer than resumeGraceMs to accept, while its client waits', async () => {
      const server = await setup({
        provider: 'openai',
        options: { resumeGraceMs: 100 },
        upstream: { fixture: 'openai-chat.sse', acceptDelayMs: 600 },
      });
      const response = await post(server.url, conversation(), { 'idempotency-key': 'slow-accept' });
      expect(response.status).to.equal(200);
      const { events } = parseSse(await response.text());
      expect(events.at(-1)!.data).to.equal('[DONE]');
      const [request] = (await server.log()).upstream;
      expect(request!.completed, 'the provider stream ran to its end').to.equal(true);
    });

    it('calls the provider again for a key whose first call the provider refused', async () => {
      const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse', status: 429, failTimes: 1 } });
      const headers = { 'idempotency-key': 'resume-4' };
      await expectJsonError(await post(server.url, conversation(), headers), 429);
      const { events } = parseSse(await (await post(server.url, conversation(), headers)).text());
      expect(events.at(-1)!.data).to.equal('[DONE]');
      expect((await server.log()).upstream).to.have.length(2);
    });

    it('stops a resumable answer nobody came back for after resumeGraceMs', async () => {
      const server = await setup({ provider: 'openai', options: { resumeGraceMs: 150 }, upstream: { fixture: 'openai-chat.sse', delayMs: 200 } });
      const headers = { 'idempotency-key': 'resume-5' };
      const controller = new AbortController();
      const first = await readEvents(await post(server.url, conversation(), headers, { signal: controller.signal }), 2, controller);
      await until(async () => (await server.log()).upstream.find((entry) => entry.closedByClient), 'the provider to be stopped');
      // A late resume gets the rest of what was stored and a clear end.
      const late = parseSse(await (await post(server.url, conversation(), { ...headers, 'last-event-id': first.at(-1)!.id! })).text()).events;
      expect(late.at(-1)!.event).to.equal('error');
      expect(JSON.parse(late.at(-1)!.data).error.type).to.equal('interrupted');
    });
  });

  describe('mock provider', () => {
    const quick = { tokenDelayMs: 2, firstTokenDelayMs: 0 };

    it('streams a scripted markdown reply word by word, the same every time', async () => {
      const server = await setup({ provider: 'mock', mock: { ...quick, script: ['Hello **there**, friend.'] } });
      const texts = [];
      for (let i = 0; i < 2; i++) {
        const { events } = parseSse(await (await post(server.url, conversation())).text());
        expectIdsAscending(events);
        expect(events.at(-1)!.data).to.equal('[DONE]');
        const deltas = events.slice(0, -1).map((event) => JSON.parse(event.data).choices[0].delta.content ?? '');
        expect(deltas.filter(Boolean)).to.deep.equal(['Hello ', '**there**, ', 'friend.']);
        texts.push(deltas.join(''));
      }
      expect(texts[0]).to.equal(texts[1]);
    });

    it('fails before streaming with ?fault=status:429:3', async () => {
      const server = await setup({ provider: 'mock' });
      const response = await post(`${server.url}?fault=status:429:3`, conversation());
      expect(response.headers.get('retry-after')).to.equal('3');
      await expectJsonError(response, 429);
      await expectJsonError(await post(`${server.url}?fault=status:503`, conversation()), 502);
      await expectJsonError(await post(`${server.url}?fault=explode`, conversation()), 400, 'invalid_fault');
    });

    it('ends with event: error after ?fault=error-after:3', async () => {
      const server = await setup({ provider: 'mock', mock: quick });
      const { events } = parseSse(await (await post(`${server.url}?fault=error-after:3`, conversation())).text());
      expect(events).to.have.length(4);
      expect(events[3]!.event).to.equal('error');
    });

    it('cuts the connection with ?fault=cut-after:4, and a resume finishes the answer', async () => {
      const server = await setup({ provider: 'mock', mock: { ...quick, script: ['one two three four five six seven'] } });
      const headers = { 'idempotency-key': 'mock-cut' };
      const response = await post(`${server.url}?fault=cut-after:4`, conversation(), headers);
      const reader = response.body!.getReader();
      let text = '';
      let cut = false;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      } catch {
        cut = true;
      }
      expect(cut, 'the connection fails rather than ending').to.equal(true);
      const first = parseSse(text).events;
      expect(first).to.have.length(4);
      const rest = parseSse(await (await post(server.url, conversation(), { ...headers, 'last-event-id': '4' })).text()).events;
      expectIdsAscending(rest, 5);
      const words = [...first, ...rest.slice(0, -1)].map((event) => JSON.parse(event.data).choices[0].delta.content ?? '').join('');
      expect(words).to.equal('one two three four five six seven');
    });

    it('lets <ai-chat> recover from a cut by resuming the same answer', async () => {
      const server = await setup({ provider: 'mock', mock: { ...quick, script: ['Recovered after the cut, every word once.'] } });
      const el = await chatAt(`${server.url}?fault=cut-after:3`);
      el.setAttribute('retry-delay', '50');
      const answer = await el.send('hi');
      expect(answer?.status).to.equal('done');
      expect(answer?.content).to.equal('Recovered after the cut, every word once.');
      const posts = (await server.log()).responses.filter((entry) => entry.method === 'POST');
      expect(posts.length, 'the first response and one resume').to.equal(2);
    });
  });

  describe('keys never leak', () => {
    it('keeps the key out of every body, header and log line', async () => {
      const { key } = await harnessInfo();
      const midStreamError = `data: ${JSON.stringify({ error: { message: `Key ${key} was revoked`, type: 'invalid_api_key' } })}\n\n`;
      const scenarios: SetupSpec[] = [
        { provider: 'openai', upstream: { status: 401, echoKey: true } },
        { provider: 'anthropic', upstream: { status: 401, echoKey: true } },
        { provider: 'openai', upstream: { status: 500, echoKey: true } },
        { provider: 'anthropic', upstream: { status: 429, echoKey: true, retryAfter: 1 } },
        { provider: 'openai', upstream: { body: midStreamError } },
        { provider: 'openai', upstream: { fixture: 'openai-chat.sse' } },
      ];
      const seen: string[] = [];
      for (const spec of scenarios) {
        const server = await setup(spec);
        const response = await post(server.url, conversation(), { 'idempotency-key': crypto.randomUUID() });
        seen.push(await response.text(), JSON.stringify([...response.headers]));
        const log = await server.log();
        expect(log.upstream[0]?.authorized, 'the provider did get the key').to.equal(true);
        seen.push(JSON.stringify(log.responses), ...log.logs);
      }
      const { console: lines } = await harnessInfo();
      seen.push(...lines);

      const all = seen.join('\n');
      expect(all).to.contain('[redacted]');
      expect(all).to.not.contain(key);
      expect(all).to.not.contain('do-not-leak');
      // The provider's words around the key are still there for the operator, not the browser.
      expect(seen[0]).to.not.contain('Incorrect API key provided.');
      expect(all).to.match(/^warn .*Incorrect API key provided\./m);
    });
  });
});
