import { expect } from '@open-wc/testing';
import { isRetryable, StreamFailureError } from '../src/errors.js';
import { createBodyReader } from '../src/stream/body-reader.js';
import { openResponse, type OpenedResponse } from '../src/stream/transport.js';
import type { ChatRequest, RequestMessage } from '../src/types.js';
import { DONE, openAiEvent, scenario, untilServerSeesClose } from './helpers.js';

/** The one message every request here carries, in the request shape. */
const GO: RequestMessage = { id: 'm1', role: 'user', content: 'go', parts: [{ type: 'text', text: 'go' }] };

const request = (url: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  url,
  headers: {},
  body: { messages: [GO], stream: true },
  withCredentials: false,
  ...extra,
});

/** The whole body, as the pieces deliver it. */
async function bodyText(opened: OpenedResponse): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const piece of opened.pieces) text += decoder.decode(piece, { stream: true });
  return text + decoder.decode();
}

/** The failure `promise` rejects with (it must reject with one). */
async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(StreamFailureError);
    return error as StreamFailureError;
  }
  throw new Error('expected a StreamFailureError, but it resolved');
}

describe('transport: openResponse over loopback', () => {
  it('sends the POST with JSON, Accept: text/event-stream and lower-cased headers, and hands the body back unread', async () => {
    const body = openAiEvent('Hi') + DONE;
    const flow = await scenario({ contentType: 'text/event-stream; charset=UTF-8', chunks: [body] });
    const opened = await openResponse(
      request(flow.url, { headers: { 'X-Custom': 'one', Accept: 'text/html' } }),
      new AbortController().signal,
    );
    // The media type is parsed once, here: parameters gone, lower case.
    expect(opened).to.deep.include({ status: 200, contentType: 'text/event-stream', kind: 'sse' });
    expect(await bodyText(opened)).to.equal(body);
    const [sent] = await flow.requests();
    expect(sent!.method).to.equal('POST');
    expect(sent!.headers['content-type']).to.equal('application/json');
    expect(sent!.headers['accept']).to.equal('text/event-stream');
    expect(sent!.headers['x-custom']).to.equal('one');
    expect(JSON.parse(sent!.body)).to.deep.equal({ messages: [GO], stream: true });
  });

  it('tells the body kind by content type: NDJSON, JSON, text', async () => {
    for (const [contentType, kind] of [
      ['application/x-ndjson', 'ndjson'],
      ['application/json', 'json'],
      ['text/plain; charset=utf-8', 'plain'],
    ] as const) {
      const flow = await scenario({ contentType, chunks: ['{}'] });
      const opened = await openResponse(request(flow.url), new AbortController().signal);
      expect(opened.kind, contentType).to.equal(kind);
      expect(await bodyText(opened)).to.equal('{}');
    }
  });

  it('rejects an error status with the server’s words and its Retry-After as sent', async () => {
    const flow = await scenario({
      status: 429,
      headers: { 'retry-after': '7' },
      contentType: 'application/json',
      chunks: ['{"error":{"message":"slow down"}}'],
    });
    const error = await failureOf(openResponse(request(flow.url), new AbortController().signal));
    expect(error.failure).to.deep.include({ code: 'http', status: 429, message: 'The server answered 429 Too Many Requests: slow down' });
    expect(error.retryAfter).to.equal('7');
  });

  it('rejects a body that is not a stream, and a server that is not there', async () => {
    const flow = await scenario({ contentType: 'text/html', chunks: ['<html></html>'] });
    const html = await failureOf(openResponse(request(flow.url), new AbortController().signal));
    expect(html.failure).to.deep.include({ code: 'not-a-stream', status: 200 });
    expect(html.failure.params.contentType).to.equal('text/html');
    // Port 9 (discard) is closed on loopback.
    const nobody = await failureOf(openResponse(request('http://127.0.0.1:9/chat'), new AbortController().signal));
    expect(nobody.failure.code).to.equal('unreachable');
  });

  it('a body cut mid-stream throws connection-lost from the pieces, after what arrived', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Half')], end: 'cut' });
    const opened = await openResponse(request(flow.url), new AbortController().signal);
    const decoder = new TextDecoder();
    let text = '';
    const error = await failureOf(
      (async () => {
        for await (const piece of opened.pieces) text += decoder.decode(piece, { stream: true });
      })(),
    );
    expect(error.failure.code).to.equal('connection-lost');
    expect(text).to.equal(openAiEvent('Half'));
  });

  it('leaving the loop early closes the connection, so a server that hangs on keeps nobody waiting', async () => {
    const flow = await scenario({ chunks: [openAiEvent('a'), DONE], end: 'hang' });
    const opened = await openResponse(request(flow.url), new AbortController().signal);
    for await (const piece of opened.pieces) {
      expect(piece.byteLength).to.be.above(0);
      break;
    }
    await untilServerSeesClose(flow);
  });

  it('sends nothing when the signal is already aborted, and rejects with its reason', async () => {
    const flow = await scenario({ chunks: [DONE] });
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    let reason: unknown;
    await openResponse(request(flow.url), stop.signal).catch((error: unknown) => (reason = error));
    expect((reason as Error).message).to.equal('stopped');
    expect(await flow.requests()).to.have.length(0);
  });

  it('aborting while the body is read closes the connection and ends the pieces', async () => {
    const flow = await scenario({ chunks: [openAiEvent('a')], end: 'hang' });
    const stop = new AbortController();
    const opened = await openResponse(request(flow.url), stop.signal);
    const reading = (async () => {
      for await (const piece of opened.pieces) if (piece.byteLength) stop.abort();
    })();
    await reading.catch(() => undefined);
    await untilServerSeesClose(flow);
  });
});

/** The same scripted endpoint, on the other loopback name: another origin than the page's. */
function otherOrigin(url: string): string {
  const cross = new URL(url, location.href);
  cross.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return cross.href;
}

describe('transport: cross-origin', () => {
  const turn = { 'idempotency-key': 'turn-1', 'last-event-id': '7', authorization: 'Bearer t' };

  it('same-origin, sends the turn’s Idempotency-Key and Last-Event-ID as headers', async () => {
    const flow = await scenario({ contentType: 'text/plain', chunks: ['ok'] });
    await bodyText(await openResponse(request(flow.url, { headers: turn }), new AbortController().signal));
    const [sent] = await flow.requests();
    expect(sent!.headers['idempotency-key']).to.equal('turn-1');
    expect(sent!.headers['last-event-id']).to.equal('7');
    expect(JSON.parse(sent!.body)).to.deep.equal({ messages: [GO], stream: true });
  });

  it('cross-origin, carries them in the JSON body, so the preflight asks only for Content-Type and the page’s own headers', async () => {
    const flow = await scenario({ contentType: 'text/plain', chunks: ['ok'], cors: 'plain' });
    const opened = await openResponse(request(otherOrigin(flow.url), { headers: turn }), new AbortController().signal);
    expect(await bodyText(opened)).to.equal('ok');
    const [sent] = await flow.requests();
    expect(sent!.headers['idempotency-key']).to.equal(undefined);
    expect(sent!.headers['last-event-id']).to.equal(undefined);
    expect(sent!.headers['authorization']).to.equal('Bearer t');
    expect(JSON.parse(sent!.body)).to.deep.equal({
      messages: [GO],
      stream: true,
      idempotencyKey: 'turn-1',
      lastEventId: '7',
    });
  });

  it('cross-origin to an endpoint that allows them (opted in), sends them as headers', async () => {
    const flow = await scenario({ contentType: 'text/plain', chunks: ['ok'], cors: 'plain' });
    const url = otherOrigin(flow.url);
    await bodyText(await openResponse(request(url, { headers: turn }), new AbortController().signal, { turnHeadersCrossOrigin: true }));
    const [sent] = await flow.requests();
    expect(sent!.headers['idempotency-key']).to.equal('turn-1');
    expect(JSON.parse(sent!.body).idempotencyKey).to.equal(undefined);
  });

  it('a refused cross-origin request names the origin and the headers to allow, not the connection', async () => {
    // No CORS headers at all: the preflight fails, the POST is never sent.
    const flow = await scenario({ contentType: 'text/plain', chunks: ['never shown'] });
    const error = await failureOf(openResponse(request(otherOrigin(flow.url), { headers: turn }), new AbortController().signal));
    expect(error.failure.code).to.equal('cross-origin');
    expect(error.failure.message).to.equal(
      `The browser refused the cross-origin request: the server's CORS settings must allow the origin ${location.origin} and the headers Authorization, Content-Type.`,
    );
    expect(isRetryable(error.failure)).to.equal(false);
    // What reached the server: the probe, never the POST.
    expect((await flow.requests()).map((sent) => sent.method)).to.deep.equal(['HEAD']);
  });

  it('a cross-origin server that is not there is still unreachable (and retried)', async () => {
    const nobody = await failureOf(openResponse(request('http://localhost:9/chat'), new AbortController().signal));
    expect(nobody.failure.code).to.equal('unreachable');
    expect(isRetryable(nobody.failure)).to.equal(true);
  });
});

describe('body reader', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('marks which events carry an id: of their own', () => {
    const reader = createBodyReader('sse', 200);
    const inputs = reader.read(bytes('id: 4\ndata: a\n\ndata: b\n\nretry: 10\n\n'));
    expect(inputs).to.deep.equal([
      { event: { data: 'a', event: 'message', id: '4' }, carriesId: true },
      { event: { data: 'b', event: 'message', id: '4' }, carriesId: false },
      { retry: 10 },
    ]);
    expect(reader.end()).to.deep.equal([{ end: true }]);
  });

  it('holds back only a text/plain start that may be HTML, and refuses an HTML page', () => {
    const text = createBodyReader('plain', 200);
    expect(text.read(bytes('Hello'))).to.deep.equal([{ text: 'Hello' }]);
    const maybe = createBodyReader('plain', 200);
    expect(maybe.read(bytes(' <b'))).to.deep.equal([]);
    expect(maybe.read(bytes('>bold</b> text'))).to.deep.equal([{ text: ' <b>bold</b> text' }]);
    const page = createBodyReader('plain', 200);
    expect(page.read(bytes('<!doc'))).to.deep.equal([]);
    expect(() => page.read(bytes('type html><p>Login'))).to.throw(StreamFailureError, /text\/html, not an event stream/);
  });

  it('notices a stream that arrived in one read: SSE events, NDJSON lines, plain-text words', () => {
    const bodies = [
      ['sse', 'data: a\n\ndata: b\n\ndata: c\n\n', '3 events'],
      ['ndjson', '{"response":"a"}\n{"response":"b"}\n{"response":"c"}\n', '3 lines'],
      ['plain', 'A whole answer at once.', '5 words'],
    ] as const;
    for (const [kind, body, pieces] of bodies) {
      const buffered = createBodyReader(kind, 200);
      buffered.read(bytes(body));
      buffered.end();
      expect(buffered.bufferedNotice(1), kind).to.equal(
        `the response arrived in one piece (${pieces} at once): a proxy or compression is buffering the stream (send Cache-Control: no-transform)`,
      );
      // The same body over several reads streamed.
      expect(buffered.bufferedNotice(2), kind).to.equal(undefined);
    }
    // Two pieces fit in one packet by chance; a JSON body is whole by design.
    const short = createBodyReader('plain', 200);
    short.read(bytes('Hi there'));
    expect(short.bufferedNotice(1)).to.equal(undefined);
    const json = createBodyReader('json', 200);
    json.read(bytes('{"choices":[{"message":{"content":"one two three four"}}]}'));
    json.end();
    expect(json.bufferedNotice(1)).to.equal(undefined);
  });

  it('refuses an NDJSON line or SSE event longer than the limit, and unreadable JSON', () => {
    expect(() => createBodyReader('ndjson', 200, 10).read(bytes('{"a":"0123456789"}\n'))).to.throw(/longer than/);
    expect(() => createBodyReader('sse', 200, 10).read(bytes('data: 0123456789abc'))).to.throw(/longer than/);
    const json = createBodyReader('json', 200);
    json.read(bytes('{"a":'));
    expect(() => json.end()).to.throw(StreamFailureError, /JSON that could not be read/);
  });
});
