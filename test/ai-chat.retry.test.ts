import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { AiChatRetryDetail } from '../src/events.js';
import {
  bubbleTexts, DONE, input, lastBubble, openAiEvent, scenario, shadow, sleep, type, until, wordStream,
  type ScriptedResponse,
  textOnly,
} from './helpers.js';

/** A widget with fast, deterministic-enough retries for tests. */
async function chat(url: string, attributes: Record<string, string> = {}): Promise<AiChat> {
  const el = await fixture<AiChat>(html`<ai-chat endpoint=${url} retry-delay="20"></ai-chat>`);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await el.updateComplete;
  return el;
}

const jsonError = (status: number, message: string, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers,
  contentType: 'application/json',
  chunks: [JSON.stringify({ error: { message } })],
});

/** An event with an id, as a resumable backend sends it. */
const withId = (id: number, text: string) => `id: ${id}\n${openAiEvent(text)}`;

const noticeText = (el: AiChat) => shadow(el).querySelector('[part="notice"]')?.textContent?.replace(/\s+/g, ' ').trim();

describe('retries', () => {
  it('retries a 503 transparently: same Idempotency-Key, a visible notice, ai-chat-retry', async () => {
    // Retry-After sets a floor of 1 s, so the notice is on screen whatever the jitter draws.
    const flow = await scenario(jsonError(503, 'busy', { 'retry-after': '1' }), wordStream(['Second ', 'time ', 'lucky.']));
    const el = await chat(flow.url, { 'retry-delay': '400' });
    const retried = oneEvent(el, 'ai-chat-retry');
    const sending = el.send('hello');
    const { detail } = (await retried) as CustomEvent<AiChatRetryDetail>;
    expect(detail).to.include({ attempt: 1, maxRetries: 3 });
    expect(detail.error).to.deep.include({ code: 'http', status: 503 });
    expect(detail.delay).to.be.within(1000, 1400);
    expect(el.status).to.equal('retrying');
    await el.updateComplete;
    expect(noticeText(el)).to.match(/^Reconnecting \(1 of 3\) in [12] s…$/);
    const message = await sending;
    expect(message?.content).to.equal('Second time lucky.');
    expect(message?.status).to.equal('done');
    expect(noticeText(el)).to.equal(undefined);
    const requests = await flow.requests();
    expect(requests).to.have.length(2);
    const keys = requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).to.match(/^[0-9a-f-]{36}$/);
    expect(keys[1]).to.equal(keys[0]);
    expect(requests[1]!.body).to.equal(requests[0]!.body);
  });

  it('uses a fresh Idempotency-Key for each turn', async () => {
    const flow = await scenario(wordStream(['a']));
    const el = await chat(flow.url);
    await el.send('one');
    await el.send('two');
    const [first, second] = await flow.requests();
    expect(first!.headers['idempotency-key']).to.not.equal(second!.headers['idempotency-key']);
  });

  it('waits at least Retry-After before retrying a 429', async () => {
    const flow = await scenario(jsonError(429, 'slow down', { 'retry-after': '1' }), wordStream(['ok']));
    const el = await chat(flow.url);
    expect((await el.send('go'))?.content).to.equal('ok');
    const [first, second] = await flow.requests();
    expect(second!.receivedAt - first!.receivedAt).to.be.at.least(1000);
  });

  it('never retries a 401: one request, the server message shown', async () => {
    const flow = await scenario(jsonError(401, 'Invalid API key'), wordStream(['never']));
    const el = await chat(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(lastBubble(el).querySelector('[part="error"]')!.textContent).to.equal(
      'The server answered 401 Unauthorized: Invalid API key',
    );
    // The turn is over (send() resolved): every request it made is in the log.
    expect(el.status).to.equal('error');
    expect(await flow.requests()).to.have.length(1);
  });

  it('retries a network drop before the first byte', async () => {
    const flow = await scenario({ chunks: [], end: 'cut' }, wordStream(['Back.']));
    const el = await chat(flow.url);
    expect((await el.send('go'))?.content).to.equal('Back.');
    expect(await flow.requests()).to.have.length(2);
  });

  it('resumes a cut stream with Last-Event-ID, dropping what it already has', async () => {
    const flow = await scenario(
      { chunks: [withId(1, 'One '), withId(2, 'two '), withId(3, 'three ')], delay: 10, end: 'cut' },
      // This server replays from the id before the one it was given: the
      // widget must drop event 3 rather than show "three" twice.
      { chunks: [withId(3, 'three '), withId(4, 'four.'), DONE], delay: 10 },
    );
    const el = await chat(flow.url);
    const message = await el.send('count');
    expect(message?.status).to.equal('done');
    expect(message?.content).to.equal('One two three four.');
    expect(bubbleTexts(el)[1]).to.equal('One two three four.');
    const [first, second] = await flow.requests();
    expect(first!.headers['last-event-id']).to.equal(undefined);
    expect(second!.headers['last-event-id']).to.equal('3');
    expect(second!.headers['idempotency-key']).to.equal(first!.headers['idempotency-key']);
  });

  it('on resume drops only replayed events that carry their own id:, never the id-less ones after them or the end marker', async () => {
    const flow = await scenario(
      { chunks: [withId(1, 'One '), withId(2, 'two ')], delay: 10, end: 'cut' },
      // Resumed from 2: id 3, then id-less events and an id-less [DONE]. By
      // the spec each of them carries last event id 3, which is rendered by then.
      { chunks: [withId(2, 'two '), withId(3, 'three '), openAiEvent('four '), openAiEvent('five.'), DONE], delay: 10 },
    );
    const el = await chat(flow.url);
    const message = await el.send('count');
    expect(message?.content).to.equal('One two three four five.');
    expect(message?.status).to.equal('done');
    // The id-less end marker ended the answer: no third request.
    const requests = await flow.requests();
    expect(requests).to.have.length(2);
    expect(requests[1]!.headers['last-event-id']).to.equal('2');
  });

  it('max-response-bytes bounds the whole answer across resumes, not each response', async () => {
    // Each response is ~1.4 kB of provider chunks and closes without its end
    // marker (incomplete): a resumable server that never finishes. Alone,
    // each fits in 2000 bytes.
    const providerChunk = (id: number) =>
      `id: ${id}\ndata: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `${id} `.padEnd(60, '.') } }] })}\n\n`;
    const part = (from: number) => ({ chunks: Array.from({ length: 10 }, (_, i) => providerChunk(from + i)), delay: 2 });
    const flow = await scenario(part(0), part(10), part(20), part(30));
    const el = await chat(flow.url, { 'max-response-bytes': '2000' });
    const failed = oneEvent(el, 'ai-chat-error');
    const message = await el.send('go');
    expect((await failed).detail.error.code).to.equal('too-large');
    expect(message?.error).to.equal('The answer was stopped: it was larger than 2 KiB.');
    expect(new TextEncoder().encode(message!.content).length).to.be.below(2000);
    expect(await flow.requests()).to.have.length(2);
  });

  it('keeps a cut answer without ids, marked interrupted, and Retry replaces it', async () => {
    const flow = await scenario(
      { chunks: [openAiEvent('Half of '), openAiEvent('it')], delay: 10, end: 'cut' },
      wordStream(['A ', 'whole ', 'answer.']),
    );
    const el = await chat(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(message?.content).to.equal('Half of it');
    expect(lastBubble(el).querySelector('[part="error"]')!.textContent).to.match(/incomplete/);
    expect(await flow.requests()).to.have.length(1);

    const retry = shadow(el).querySelector<HTMLButtonElement>('[part="retry-button"]');
    expect(retry).to.exist;
    const done = oneEvent(el, 'ai-chat-done');
    retry!.click();
    expect((await done).detail.message.content).to.equal('A whole answer.');
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(['go', 'A whole answer.']);
    const second = JSON.parse((await flow.requests())[1]!.body);
    expect(textOnly(second.messages)).to.deep.equal([{ role: 'user', content: 'go' }]);
  });

  it('treats a stall with no bytes as dead after idle-timeout, then retries', async () => {
    const flow = await scenario({ chunks: [], end: 'hang' }, wordStream(['Awake.']));
    const el = await chat(flow.url, { 'idle-timeout': '300' });
    const retried = oneEvent(el, 'ai-chat-retry');
    const sending = el.send('go');
    expect(((await retried) as CustomEvent<AiChatRetryDetail>).detail.error).to.deep.include({
      code: 'idle',
      message: 'The server went silent for 0.3 s.',
    });
    expect((await sending)?.content).to.equal('Awake.');
    const [stalled] = await flow.requests();
    expect(stalled!.clientClosed).to.equal(true);
  });

  it('does not time out a stream kept alive by : ping comments', async () => {
    const pings = Array.from({ length: 8 }, () => ({ text: ': ping\n\n', delay: 100 }));
    const flow = await scenario({ chunks: [...pings, openAiEvent('Slow but alive.'), DONE] });
    const el = await chat(flow.url, { 'idle-timeout': '300' });
    let retries = 0;
    el.addEventListener('ai-chat-retry', () => (retries += 1));
    expect((await el.send('go'))?.content).to.equal('Slow but alive.');
    expect(retries).to.equal(0);
    expect(await flow.requests()).to.have.length(1);
  });

  it('stopping during a backoff wait cancels it: no further request', async () => {
    const flow = await scenario(jsonError(503, 'busy', { 'retry-after': '1' }), wordStream(['never']));
    const el = await chat(flow.url);
    const sending = el.send('go');
    await until(() => el.status === 'retrying', 'the backoff wait');
    await el.updateComplete;
    shadow(el).querySelector<HTMLButtonElement>('[part="stop-button"]')!.click();
    expect((await sending)?.status).to.equal('aborted');
    await sleep(1300);
    expect(await flow.requests()).to.have.length(1);
  });

  it('removing the element during a backoff wait sends nothing more', async () => {
    const flow = await scenario(jsonError(503, 'busy', { 'retry-after': '1' }), wordStream(['never']));
    const el = await chat(flow.url);
    const sending = el.send('go');
    await until(() => el.status === 'retrying', 'the backoff wait');
    el.remove();
    expect((await sending)?.status).to.equal('aborted');
    await sleep(1300);
    expect(await flow.requests()).to.have.length(1);
  });

  it('after abort() no request is ever sent for that turn', async () => {
    // The server asks for a 2 s wait before reconnecting, then the connection drops.
    const flow = await scenario({ chunks: ['retry: 2000\n\n'], end: 'cut' }, wordStream(['never']));
    const el = await chat(flow.url);
    const retried = oneEvent(el, 'ai-chat-retry');
    const sending = el.send('go');
    expect(((await retried) as CustomEvent<AiChatRetryDetail>).detail.delay).to.be.at.least(2000);
    el.abort();
    expect((await sending)?.status).to.equal('aborted');
    await sleep(500);
    expect(await flow.requests()).to.have.length(1);
  });

  it('obeys a server retry: 0 without a hot loop (clamped to 1 s)', async () => {
    const flow = await scenario({ chunks: ['retry: 0\n\n'], end: 'cut' }, wordStream(['Back.']));
    const el = await chat(flow.url);
    const retried = oneEvent(el, 'ai-chat-retry');
    const sending = el.send('go');
    // Fails if the widget never retries (no event, no second request) …
    expect(((await retried) as CustomEvent<AiChatRetryDetail>).detail.delay).to.equal(1000);
    expect((await sending)?.content).to.equal('Back.');
    const [first, second] = await flow.requests();
    expect(second, 'a second request').to.exist;
    // … and if it retries sooner than 1 s after the connection was cut.
    expect(second!.receivedAt - first!.receivedAt).to.be.at.least(1000);
  });

  it('ignores retry: -1 and stays within max-retries', async () => {
    const flow = await scenario({ chunks: ['retry: -1\n\n'], end: 'cut' });
    const el = await chat(flow.url, { 'max-retries': '2', 'retry-delay': '10' });
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    // The turn is over (send() resolved): every request it made is in the log.
    expect(await flow.requests()).to.have.length(3);
  });

  it('gives up after max-retries with a clear error, keeping the question and the draft', async () => {
    const flow = await scenario(jsonError(503, 'Service Unavailable for now'));
    const el = await chat(flow.url, { 'max-retries': '2', 'retry-delay': '10' });
    type(el, 'sent question');
    await el.updateComplete;
    shadow(el).querySelector<HTMLButtonElement>('[part="send-button"]')!.click();
    await until(() => el.status !== 'idle', 'the send');
    type(el, 'unsent draft');
    await until(() => el.status === 'error', 'the final error');
    await el.updateComplete;
    expect(await flow.requests()).to.have.length(3);
    expect(bubbleTexts(el)[0]).to.equal('sent question');
    expect(lastBubble(el).querySelector('[part="error"]')!.textContent).to.equal(
      'The server answered 503 Service Unavailable: Service Unavailable for now',
    );
    expect(input(el).value).to.equal('unsent draft');
  });

  it('ends an answer over max-response-bytes with a clear error, not retried', async () => {
    const flow = await scenario({ chunks: Array.from({ length: 40 }, (_, i) => openAiEvent(`chunk ${i} `.padEnd(100, '.'))), delay: 5 });
    const el = await chat(flow.url, { 'max-response-bytes': '2000' });
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(message?.error).to.match(/larger than/);
    expect(message?.content.length).to.be.above(0);
    expect(await flow.requests()).to.have.length(1);
  });

  it('ends an event longer than 1 MiB with a clear error', async () => {
    const huge = `data: {"content":"${'x'.repeat(1024 * 1024 + 10)}"}\n\n`;
    const flow = await scenario({ chunks: [openAiEvent('Before. '), huge, DONE] });
    const el = await chat(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(message?.error).to.match(/one event was longer than 1 MiB/);
    expect(message?.content).to.equal('Before. ');
  });

  it('stops an answer that takes longer than timeout, and says so', async () => {
    const flow = await scenario(wordStream(['slow ', 'slow ', 'slow ', 'slow ', 'slow'], 150));
    const el = await chat(flow.url, { timeout: '300' });
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(message?.error).to.equal('The answer took longer than 0.3 s and was stopped.');
    expect(message?.content).to.match(/^slow/);
    expect(await flow.requests()).to.have.length(1);
  });

  it('waits for the browser to come back online instead of spending attempts', async () => {
    const flow = await scenario({ chunks: [], end: 'cut' }, wordStream(['Online again.']));
    const el = await chat(flow.url, { 'max-retries': '1' });
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      const sending = el.send('go');
      await until(() => noticeText(el)?.includes('offline'), 'the offline notice');
      expect(el.status).to.equal('retrying');
      await sleep(300);
      expect(await flow.requests()).to.have.length(1);
      Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
      window.dispatchEvent(new Event('online'));
      expect((await sending)?.content).to.equal('Online again.');
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
    }
  });

  it('retry() regenerates a stopped answer and replaces it', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Stopped half')], end: 'hang' }, wordStream(['Regenerated.']));
    const el = await chat(flow.url);
    const first = el.send('go');
    await until(() => el.messages[1]?.content === 'Stopped half', 'text');
    el.abort();
    await first;
    const again = await el.retry();
    expect(again?.content).to.equal('Regenerated.');
    expect(el.messages.map((m) => m.content)).to.deep.equal(['go', 'Regenerated.']);
    expect(textOnly(JSON.parse((await flow.requests())[1]!.body).messages)).to.deep.equal([{ role: 'user', content: 'go' }]);
  });

  it('a regenerated answer starts with its Thinking section closed, whatever the reader opened before', async () => {
    const thought = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: text } }] })}\n\n`;
    const flow = await scenario(
      { chunks: [thought('First thoughts'), openAiEvent('First answer'), DONE] },
      { chunks: [thought('Second thoughts'), openAiEvent('Second answer'), DONE] },
    );
    const el = await chat(flow.url);
    await el.send('go');
    lastBubble(el).querySelector('details')!.open = true;
    await el.retry();
    const details = lastBubble(el).querySelector('details')!;
    expect(details.textContent).to.contain('Second thoughts');
    expect(details.open).to.equal(false);
  });

  it('renders a stream that arrives all at once, and warns with debug', async () => {
    const whole = ['All ', 'at ', 'once ', 'from ', 'a ', 'buffering ', 'proxy.'].map(openAiEvent).join('') + DONE;
    const flow = await scenario({ chunks: [whole] });
    const el = await chat(flow.url);
    el.debug = true;
    const warnings: unknown[][] = [];
    const warn = console.warn;
    const debug = console.debug;
    console.warn = (...args: unknown[]) => warnings.push(args);
    console.debug = () => undefined;
    try {
      expect((await el.send('go'))?.content).to.equal('All at once from a buffering proxy.');
    } finally {
      console.warn = warn;
      console.debug = debug;
    }
    expect(warnings.some((args) => String(args[1]).includes('buffering'))).to.equal(true);
  });
});
