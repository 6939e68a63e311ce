import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import {
  bubbleTexts, chatAt, DONE, input, lastBubble, openAiEvent, pressKey, scenario, shadow, sleep, type, until,
  untilServerSeesClose, wordStream,
} from './helpers.js';

/** An answer that starts, then stays open until the client leaves. */
const startsThenHangs = () => ({ chunks: [openAiEvent('Partial '), openAiEvent('answer')], delay: 10, end: 'hang' as const });

describe('stopping an answer', () => {
  it('the stop button aborts the fetch, keeps the text and marks it aborted', async () => {
    const flow = await scenario(startsThenHangs());
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    await until(() => bubbleTexts(el)[1] === 'Partial answer', 'the partial answer');
    const stop = shadow(el).querySelector<HTMLButtonElement>('[part="stop-button"]');
    expect(stop).to.exist;
    const aborted = oneEvent(el, 'ai-chat-abort');
    stop!.click();
    const message = await sending;
    expect(message?.status).to.equal('aborted');
    expect(message?.content).to.equal('Partial answer');
    expect((await aborted).detail.message).to.equal(message);
    await untilServerSeesClose(flow);
    await el.updateComplete;
    expect(bubbleTexts(el)[1]).to.equal('Partial answer');
    expect(lastBubble(el).dataset.status).to.equal('aborted');
    expect(el.status).to.equal('idle');
    // Focus goes back to the text box, ready for the next question.
    expect(shadow(el).activeElement).to.equal(input(el));
    expect(shadow(el).querySelector('[part="send-button"]')).to.exist;
  });

  it('Escape in the text box aborts', async () => {
    const flow = await scenario(startsThenHangs());
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    await until(() => bubbleTexts(el)[1] === 'Partial answer', 'the partial answer');
    pressKey(el, 'Escape');
    expect((await sending)?.status).to.equal('aborted');
    await untilServerSeesClose(flow);
  });

  it('abort() aborts, and the promise from send() resolves with the aborted message', async () => {
    const flow = await scenario(startsThenHangs());
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    await until(() => el.status === 'streaming' && el.messages[1]!.content.length > 0, 'streaming');
    el.abort();
    const message = await sending;
    expect(message).to.equal(el.messages[1]);
    expect(message?.status).to.equal('aborted');
    await untilServerSeesClose(flow);
    // Stop also cancels the turn on the server, named by the request's Idempotency-Key.
    const [cancel] = await until(async () => ((await flow.cancels()).length ? flow.cancels() : undefined), 'the cancel');
    expect(cancel!.headers['idempotency-key']).to.equal((await flow.requests())[0]!.headers['idempotency-key']);
  });

  it('abort() before the response arrives sends nothing more and ends aborted', async () => {
    const flow = await scenario({ chunks: [{ text: openAiEvent('late'), delay: 300 }, DONE] });
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    el.abort();
    const message = await sending;
    expect(message?.status).to.equal('aborted');
    expect(message?.content).to.equal('');
    await sleep(400);
    expect(el.messages[1]!.content).to.equal('');
  });

  it('removing the element mid-stream aborts the request', async () => {
    const flow = await scenario(startsThenHangs());
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    await until(() => el.messages[1]?.content === 'Partial answer', 'the partial answer');
    el.remove();
    expect((await sending)?.status).to.equal('aborted');
    await untilServerSeesClose(flow);
  });

  it('refuses a second send while one streams: one request in flight', async () => {
    const flow = await scenario(wordStream(['one ', 'answer'], 40));
    const el = await chatAt(flow.url);
    const first = el.send('first');
    const second = await el.send('second');
    expect(second).to.equal(undefined);
    // A double Enter in the text box is refused the same way.
    type(el, 'third');
    pressKey(el, 'Enter');
    pressKey(el, 'Enter');
    expect((await first)?.content).to.equal('one answer');
    expect(await flow.requests()).to.have.length(1);
    expect(el.messages.map((m) => m.content)).to.deep.equal(['first', 'one answer']);
    // The refused text is still in the box, not lost.
    expect(input(el).value).to.equal('third');
  });

  it('hiding and showing the tab never re-sends the POST', async () => {
    const flow = await scenario(wordStream(['visible ', 'then ', 'hidden ', 'then ', 'back'], 60));
    const el = await chatAt(flow.url);
    const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!;
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    const setHidden = (value: boolean) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      const sending = el.send('go');
      await until(() => el.messages[1]?.content.startsWith('visible'), 'the first token');
      setHidden(true);
      await sleep(100);
      setHidden(false);
      const message = await sending;
      expect(message?.content).to.equal('visible then hidden then back');
      expect(await flow.requests()).to.have.length(1);
    } finally {
      delete (document as { hidden?: boolean }).hidden;
      delete (document as { visibilityState?: string }).visibilityState;
      expect(Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')).to.deep.equal(hidden);
      expect(Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')).to.deep.equal(visibility);
    }
  });

  it('with max-retries="0" a failed request is made exactly once', async () => {
    const flow = await scenario({ status: 503, contentType: 'application/json', chunks: ['{"error":{"message":"busy"}}'] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} max-retries="0" retry-delay="10"></ai-chat>`);
    expect((await el.send('go'))?.status).to.equal('error');
    // The turn is over (send() resolved): every request it made is in the log.
    expect(await flow.requests()).to.have.length(1);
  });

  it('a new answer can start right after a stop', async () => {
    const flow = await scenario(startsThenHangs(), { chunks: [openAiEvent('Fresh.'), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const first = el.send('one');
    await until(() => el.messages[1]?.content === 'Partial answer', 'the partial answer');
    el.abort();
    const second = await el.send('two');
    expect((await first)?.status).to.equal('aborted');
    expect(second?.content).to.equal('Fresh.');
    expect(bubbleTexts(el)).to.deep.equal(['one', 'Partial answer', 'two', 'Fresh.']);
  });
});
