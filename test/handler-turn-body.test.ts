import { expect } from '@open-wc/testing';
import { createChatHandler, mockProvider, type ProviderRequest } from '../src/server/index.js';

// Cross-origin, the widget puts the turn's Idempotency-Key and Last-Event-ID
// in the JSON body (`idempotencyKey`, `lastEventId`) so that stock CORS
// settings need not allow the headers (docs/retries-and-resume.md#resume).
// The handler reads the header first, then the body field. It runs here in
// Chromium, with the web platform's own Request and Response.

function handler() {
  const calls: ProviderRequest[] = [];
  const mock = mockProvider({ script: ['One two three four five.'], tokenDelayMs: 0, firstTokenDelayMs: 0 });
  const provider = { name: 'counted', start: (request: ProviderRequest) => (calls.push(request), mock.start(request)) };
  return { calls, handle: createChatHandler({ provider, logger: false }) };
}

const post = (handle: (request: Request) => Promise<Response>, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  handle(
    new Request('https://chat.example/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Count.' }], stream: true, ...body }),
    }),
  );

const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));

describe('the turn in the request body', () => {
  it('resumes with idempotencyKey and lastEventId from the body, without calling the provider again', async () => {
    const { calls, handle } = handler();
    const whole = await (await post(handle, { idempotencyKey: 'body-key-1' })).text();
    const rest = await (await post(handle, { idempotencyKey: 'body-key-1', lastEventId: '3' })).text();
    expect(calls).to.have.length(1);
    expect(ids(rest)).to.deep.equal(ids(whole).filter((id) => id > 3));
    expect(whole.endsWith(rest)).to.equal(true);
  });

  it('prefers the headers to the body fields', async () => {
    const { calls, handle } = handler();
    await (await post(handle, { idempotencyKey: 'body-key-2' }, { 'idempotency-key': 'header-key-2' })).text();
    const replay = await post(handle, {}, { 'idempotency-key': 'header-key-2', 'last-event-id': '2' });
    expect(ids(await replay.text())[0]).to.equal(3);
    expect(calls).to.have.length(1);
  });

  it('answers 400 to a body key that is not a string or not printable ASCII', async () => {
    const { calls, handle } = handler();
    expect((await post(handle, { idempotencyKey: 7 })).status).to.equal(400);
    const bad = await post(handle, { idempotencyKey: 'two\nlines' });
    expect(bad.status).to.equal(400);
    expect((await bad.json()).error.type).to.equal('invalid_idempotency_key');
    expect((await post(handle, { idempotencyKey: 'k', lastEventId: 'x' })).status).to.equal(400);
    expect(calls).to.have.length(0);
  });
});
