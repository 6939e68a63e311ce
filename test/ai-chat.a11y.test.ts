import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AiChat } from '../src/ai-chat.js';
import { input, openAiEvent, part, scenario, shadow, until, wordStream } from './helpers.js';

const liveRegion = (el: AiChat) => shadow(el).querySelector('[role="status"]')!;

describe('accessibility', () => {
  it('the transcript is a labelled log, and the answer being written is aria-busy', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Writing')], end: 'hang' });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const transcript = part(el, 'transcript')!;
    expect(transcript.getAttribute('role')).to.equal('log');
    expect(transcript.getAttribute('aria-label')).to.equal('Conversation');
    const sending = el.send('go');
    await until(() => el.messages[1]?.content === 'Writing', 'text');
    await el.updateComplete;
    expect(shadow(el).querySelectorAll('[aria-busy="true"]')).to.have.length(1);
    el.abort();
    await sending;
  });

  it('announces a finished answer once, not each token, and announces errors', async () => {
    const flow = await scenario(wordStream(['One ', 'two ', 'three.'], 40), { status: 400, contentType: 'text/plain', chunks: ['Bad'] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const announced: string[] = [];
    const observer = new MutationObserver(() => announced.push(liveRegion(el).textContent!.trim()));
    observer.observe(liveRegion(el), { childList: true, characterData: true, subtree: true });
    await el.send('count');
    await el.updateComplete;
    await el.send('fail');
    await el.updateComplete;
    observer.disconnect();
    expect(announced.filter(Boolean)).to.deep.equal(['Answer: One two three.', 'Error: The server answered 400 Bad Request: Bad']);
    expect(liveRegion(el).getAttribute('aria-live')).to.equal('polite');
  });

  it('works by keyboard alone: type, Enter, Escape to stop, focus stays in the text box', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Long answer')], end: 'hang' });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    input(el).focus();
    await sendKeys({ type: 'Keyboard question' });
    await sendKeys({ press: 'Enter' });
    await until(() => el.messages[1]?.content === 'Long answer', 'text');
    expect(shadow(el).activeElement).to.equal(input(el));
    await sendKeys({ press: 'Escape' });
    await until(() => el.messages[1]?.status === 'aborted', 'the stop');
    expect(shadow(el).activeElement).to.equal(input(el));
  });

  it('shows a visible focus ring on controls', async () => {
    const el = await fixture<AiChat>(html`<ai-chat></ai-chat>`);
    input(el).focus();
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    await sendKeys({ press: 'Tab' });
    const send = part(el, 'send-button')!;
    expect(shadow(el).activeElement).to.equal(send);
    expect(getComputedStyle(send).outlineStyle).to.equal('solid');
  });

  describe('axe', () => {
    for (const theme of ['light', 'dark'] as const) {
      it(`passes when empty, finished and failed (${theme})`, async () => {
        const flow = await scenario(wordStream(['A finished answer.']), { status: 500, contentType: 'text/plain', chunks: ['boom'] });
        const el = await fixture<AiChat>(
          html`<ai-chat endpoint=${flow.url} theme=${theme} heading="Help" max-retries="0"></ai-chat>`,
        );
        await expect(el).to.be.accessible();
        await el.send('question');
        await expect(el).to.be.accessible();
        await el.send('another');
        expect(el.status).to.equal('error');
        await expect(el).to.be.accessible();
      });

      it(`passes while streaming and while retrying (${theme})`, async () => {
        const flow = await scenario(
          { status: 503, contentType: 'text/plain', chunks: ['busy'], headers: { 'retry-after': '2' } },
          { chunks: [openAiEvent('Streaming now')], end: 'hang' },
        );
        const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} theme=${theme}></ai-chat>`);
        const sending = el.send('go');
        await until(() => el.status === 'retrying', 'retrying');
        await el.updateComplete;
        await expect(el).to.be.accessible();
        await until(() => el.messages[1]?.content === 'Streaming now', 'streaming', 4000);
        await el.updateComplete;
        await expect(el).to.be.accessible();
        el.abort();
        await sending;
      });

      it(`passes in launcher mode, closed and open (${theme})`, async () => {
        const el = await fixture<AiChat>(html`<ai-chat mode="launcher" theme=${theme} welcome="Hello!"></ai-chat>`);
        await expect(el).to.be.accessible();
        el.open = true;
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });
    }
  });
});
