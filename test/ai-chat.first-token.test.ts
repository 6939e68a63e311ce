import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { input, part, scenario, type, until } from './helpers.js';

describe('first-token-timeout', () => {
  it('gives up on a server that only pings, says how long is left while waiting, and keeps the question and the draft', async () => {
    // Keep-alive comments every 200 ms, never a word.
    const flow = await scenario({ delay: 200, chunks: Array.from({ length: 40 }, () => ': ping\n\n'), end: 'hang' });
    const el = await fixture<AiChat>(
      html`<ai-chat endpoint=${flow.url} first-token-timeout="1500" idle-timeout="30000" max-retries="0"></ai-chat>`,
    );
    expect(el.firstTokenTimeout).to.equal(1500);
    const failed = oneEvent(el, 'ai-chat-error');
    void el.send('Anyone there?');
    type(el, 'my next question');
    const notice = await until(() => part(el, 'notice')?.textContent, 'the waiting line');
    expect(notice).to.match(/Still waiting for the answer \(giving up in 1 s\)/);
    const { detail } = await failed;
    expect(detail.error.code).to.equal('first-token');
    await el.updateComplete;
    expect(el.messages.map((m) => [m.role, m.status])).to.deep.equal([
      ['user', 'done'],
      ['assistant', 'error'],
    ]);
    expect(el.messages[0]!.content).to.equal('Anyone there?');
    expect(part(el, 'error')?.textContent).to.equal(detail.message.error);
    expect(input(el).value).to.equal('my next question');
    expect(part(el, 'notice')).to.equal(null);
  });

  it('defaults to two minutes and can be turned off with 0', async () => {
    const el = await fixture<AiChat>(html`<ai-chat></ai-chat>`);
    expect(el.firstTokenTimeout).to.equal(120_000);
    el.setAttribute('first-token-timeout', '0');
    expect(el.firstTokenTimeout).to.equal(0);
  });
});
