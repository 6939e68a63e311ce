// Behaviour behind names that custom-elements.json documents and no other
// suite used by name (scripts/check-api-coverage.mjs lists them): each test
// sets or reads the name the way the docs tell an integrator to, and asserts
// what a reader or integrator then sees.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { AiChatErrorDetail, AiChatOpenDetail, AiChatRetryDetail } from '../src/events.js';
import { highlight } from '../src/render/highlight.js';
import type { ChatMessage } from '../src/types.js';
import {
  bubbleTexts,
  chatAt,
  DONE,
  input,
  openAiEvent,
  part,
  scenario,
  shadow,
  type,
  until,
  untilServerSeesClose,
  wordStream,
  textOnly,
} from './helpers.js';
import { forbidImageFetches } from './xss-kit.js';

/** The `code` of the failure an answer ends with, from `ai-chat-error`. */
function failureCode(el: AiChat): Promise<string> {
  return oneEvent(el, 'ai-chat-error').then((event) => (event as CustomEvent<AiChatErrorDetail>).detail.error.code);
}

const conversation = (): ChatMessage[] => [
  { id: 'q', role: 'user', content: 'Question', status: 'done' },
  { id: 'a', role: 'assistant', content: 'Answer.\n\n```js\nconst s = "s"; // c\nreturn 1;\n```\n', status: 'done' },
];

before(forbidImageFetches);

describe('documented limits: idle-timeout, timeout, max-response-bytes', () => {
  it('idle-timeout: an answer whose bytes stop fails that many ms after the last byte', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Half')], end: 'hang' });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} idle-timeout="400" max-retries="0"></ai-chat>`);
    expect(el.idleTimeout).to.equal(400);
    const code = failureCode(el);
    // ai-chat-delta fires as the text arrives, so it timestamps the last byte.
    let lastByte = Number.NaN;
    el.addEventListener('ai-chat-delta', () => (lastByte = performance.now()));
    const answer = await el.send('q');
    const silent = performance.now() - lastByte;
    expect(answer?.content).to.equal('Half');
    expect(answer?.status).to.equal('error');
    expect(await code).to.equal('idle');
    // Armed on the last byte: not before the limit, and not long after it.
    expect(silent).to.be.within(380, 3000);
    expect(part(el, 'error')!.textContent).to.contain('0.4 s');
    await untilServerSeesClose(flow);
  });

  it('timeout: an answer still streaming is stopped that many ms after it was asked for', async () => {
    const words = Array.from({ length: 40 }, (_, n) => `w${n} `);
    const flow = await scenario({ ...wordStream(words, 100), end: 'hang' });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} timeout="700"></ai-chat>`);
    el.maxRetries = 0;
    expect(el.timeout).to.equal(700);
    const code = failureCode(el);
    const started = performance.now();
    const answer = await el.send('q');
    const took = performance.now() - started;
    expect(answer?.status).to.equal('error');
    expect(await code).to.equal('timeout');
    expect(took).to.be.within(650, 3000);
    // Bytes kept arriving all along: the limit is on the whole answer, not on silence.
    expect(answer!.content).to.match(/^w0 w1 /);
    expect(answer!.content.length).to.be.below(words.join('').length);
    await untilServerSeesClose(flow);
  });

  it('max-response-bytes: a longer answer is cut off with an error and its connection closed', async () => {
    const flow = await scenario({ chunks: Array.from({ length: 20 }, () => openAiEvent('x'.repeat(100))), delay: 5, end: 'hang' });
    const el = await fixture<AiChat>(
      html`<ai-chat endpoint=${flow.url} max-response-bytes="1000" max-retries="0"></ai-chat>`,
    );
    expect(el.maxResponseBytes).to.equal(1000);
    const code = failureCode(el);
    const answer = await el.send('q');
    expect(answer?.status).to.equal('error');
    expect(await code).to.equal('too-large');
    expect(answer!.content.length).to.be.below(1000);
    await untilServerSeesClose(flow);
  });
});

describe('retries set as properties: maxRetries and retryDelay', () => {
  it('retries a failed attempt maxRetries times, each wait at most retryDelay · 2^(n-1)', async () => {
    const flow = await scenario({ status: 503 }, { status: 503 }, wordStream(['Finally.']));
    const el = await chatAt(flow.url);
    el.maxRetries = 2;
    el.retryDelay = 40;
    const retries: AiChatRetryDetail[] = [];
    el.addEventListener('ai-chat-retry', (event) => retries.push(event.detail));
    const answer = await el.send('q');
    expect(answer?.content).to.equal('Finally.');
    expect((await flow.requests()).length).to.equal(3);
    expect(retries.map((retry) => [retry.attempt, retry.maxRetries])).to.deep.equal([
      [1, 2],
      [2, 2],
    ]);
    for (const retry of retries) expect(retry.delay).to.be.within(0, 40 * 2 ** (retry.attempt - 1));
  });

  it('with maxRetries 1, the same failures end the answer after one retry', async () => {
    const flow = await scenario({ status: 503 }, { status: 503 }, wordStream(['Too late.']));
    const el = await chatAt(flow.url);
    el.maxRetries = 1;
    el.retryDelay = 20;
    const answer = await el.send('q');
    expect(answer?.status).to.equal('error');
    expect((await flow.requests()).length).to.equal(2);
  });
});

describe('custom states: retrying and error', () => {
  it(':state(retrying) holds while a retry waits, with the notice shown, and clears when the answer comes', async () => {
    const flow = await scenario({ status: 503, headers: { 'retry-after': '1' } }, wordStream(['Back.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} max-retries="1"></ai-chat>`);
    const sending = el.send('q');
    await until(() => el.matches(':state(retrying)'), 'the retrying state');
    expect(el.status).to.equal('retrying');
    await el.updateComplete;
    expect(part(el, 'notice')).to.exist;
    expect((await sending)?.content).to.equal('Back.');
    await el.updateComplete;
    expect(el.matches(':state(retrying)')).to.equal(false);
    expect(part(el, 'notice')).to.equal(null);
  });

  it(':state(error) holds after a failed answer and clears once the next one succeeds', async () => {
    const flow = await scenario({ status: 400 }, wordStream(['Fine now.']));
    const el = await chatAt(flow.url);
    expect(el.matches(':state(error)')).to.equal(false);
    expect((await el.send('first'))?.status).to.equal('error');
    await el.updateComplete;
    expect(el.matches(':state(error)')).to.equal(true);
    expect((await el.send('second'))?.content).to.equal('Fine now.');
    await el.updateComplete;
    expect(el.matches(':state(error)')).to.equal(false);
  });
});

describe('welcome, allowImages and format as properties', () => {
  it('welcome is shown as the first assistant message and never sent to the endpoint', async () => {
    const flow = await scenario(wordStream(['Sure.']));
    const el = await chatAt(flow.url);
    el.welcome = 'Hi! Ask me about billing.';
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(['Hi! Ask me about billing.']);
    expect(part(el, 'message-assistant')!.textContent!.trim()).to.equal('Hi! Ask me about billing.');
    await el.send('Question');
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(['Hi! Ask me about billing.', 'Question', 'Sure.']);
    expect(textOnly(JSON.parse((await flow.requests())[0]!.body).messages)).to.deep.equal([{ role: 'user', content: 'Question' }]);
  });

  it('allowImages shows an https image from an answer only once it is set', async () => {
    const flow = await scenario({ chunks: [openAiEvent('![chart](https://images.invalid/chart.png)'), DONE] });
    const el = await chatAt(flow.url);
    await el.send('without');
    expect(shadow(el).querySelectorAll('.message img')).to.have.length(0);
    el.allowImages = true;
    await el.send('with');
    await el.updateComplete;
    const images = [...shadow(el).querySelectorAll('.message img')].map((img) => img.getAttribute('src'));
    expect(images).to.include('https://images.invalid/chart.png');
  });

  it('format set as a property is the format the stream is read as, reported when it opens', async () => {
    const anthropic = [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[]}}\n\n`,
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Pinned."}}\n\n`,
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    ];
    const flow = await scenario({ chunks: anthropic });
    const el = await chatAt(flow.url);
    el.format = 'anthropic';
    const opened = oneEvent(el, 'ai-chat-open');
    expect((await el.send('q'))?.content).to.equal('Pinned.');
    expect(((await opened) as CustomEvent<AiChatOpenDetail>).detail.format).to.equal('anthropic');
  });
});

describe('parts a reader uses: input, composer, new-chat-button, close-button', () => {
  it('text typed into the input part is sent when the composer part is submitted', async () => {
    const flow = await scenario(wordStream(['Got it.']));
    const el = await chatAt(flow.url);
    expect(part(el, 'input')).to.equal(input(el));
    type(el, 'Typed question');
    await el.updateComplete;
    const done = oneEvent(el, 'ai-chat-done');
    part<HTMLFormElement>(el, 'composer')!.requestSubmit();
    await done;
    expect(textOnly(JSON.parse((await flow.requests())[0]!.body).messages)).to.deep.equal([{ role: 'user', content: 'Typed question' }]);
    expect(input(el).value).to.equal('');
  });

  it('the new-chat-button part appears with a conversation and clears it', async () => {
    const el = await fixture<AiChat>(html`<ai-chat></ai-chat>`);
    expect(part(el, 'new-chat-button')!.hidden).to.equal(true);
    el.messages = conversation();
    await el.updateComplete;
    const button = part(el, 'new-chat-button')!;
    expect(button.hidden).to.equal(false);
    button.click();
    await el.updateComplete;
    expect(el.messages).to.deep.equal([]);
    expect(bubbleTexts(el)).to.deep.equal([]);
    expect(part(el, 'new-chat-button')!.hidden).to.equal(true);
  });

  it('the close-button part closes the launcher panel and returns focus to the launcher', async () => {
    const el = await fixture<AiChat>(html`<ai-chat mode="launcher" open></ai-chat>`);
    expect(part(el, 'panel')!.hidden).to.equal(false);
    part(el, 'close-button')!.click();
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(part(el, 'panel')!.hidden).to.equal(true);
    expect(shadow(el).activeElement).to.equal(part(el, 'launcher'));
  });

  it('a page styles the header, composer, input, footer and buttons through ::part()', async () => {
    const names = ['header', 'new-chat-button', 'close-button', 'composer', 'input', 'footer'];
    const style = document.createElement('style');
    style.textContent = names
      .map((name, n) => `ai-chat.parts::part(${name}) { outline: ${n + 1}px solid rgb(0, 0, ${n + 1}); }`)
      .join('\n');
    document.head.append(style);
    try {
      const el = await fixture<AiChat>(html`<ai-chat class="parts" mode="launcher" open heading="Help"></ai-chat>`);
      el.messages = conversation();
      await el.updateComplete;
      expect(getComputedStyle(part(el, 'header')!).outlineColor).to.equal('rgb(0, 0, 1)');
      expect(getComputedStyle(part(el, 'new-chat-button')!).outlineColor).to.equal('rgb(0, 0, 2)');
      expect(getComputedStyle(part(el, 'close-button')!).outlineColor).to.equal('rgb(0, 0, 3)');
      expect(getComputedStyle(part(el, 'composer')!).outlineColor).to.equal('rgb(0, 0, 4)');
      expect(getComputedStyle(part(el, 'input')!).outlineColor).to.equal('rgb(0, 0, 5)');
      expect(getComputedStyle(part(el, 'footer')!).outlineColor).to.equal('rgb(0, 0, 6)');
      expect(part(el, 'footer')!.querySelector('slot[name="footer"]')).to.exist;
    } finally {
      style.remove();
    }
  });
});

/** A custom property, a value for it, and how to read the style it should change. */
type StyleCase = [property: string, value: string, read: () => string];

/** Sets each custom property on the element in turn; what it changes must read the value then, and not before. */
async function expectEachRestyles(el: AiChat, cases: StyleCase[]): Promise<void> {
  for (const [property, value, read] of cases) {
    const before = read();
    el.style.setProperty(property, value);
    await el.updateComplete;
    const after = read();
    el.style.removeProperty(property);
    expect(before, `${property} before it is set`).to.not.equal(value);
    expect(after, property).to.equal(value);
  }
}

describe('documented CSS custom properties', () => {
  const style = (node: Element | null, property: string) => getComputedStyle(node!).getPropertyValue(property);

  it('each colour, font and size of the inline chat follows its --ai-chat-* property', async () => {
    const flow = await scenario({ status: 400 });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} theme="light" max-retries="0"></ai-chat>`);
    el.highlighter = highlight;
    el.messages = conversation();
    await el.send('Fails');
    await el.updateComplete;
    const root = shadow(el);
    const cases: StyleCase[] = [
      ['--ai-chat-accent-text', 'rgb(1, 2, 3)', () => style(part(el, 'send-button'), 'color')],
      ['--ai-chat-surface', 'rgb(4, 5, 6)', () => style(root.querySelector('.code-bar'), 'background-color')],
      ['--ai-chat-text', 'rgb(7, 8, 9)', () => style(part(el, 'panel'), 'color')],
      ['--ai-chat-muted-text', 'rgb(10, 11, 12)', () => style(part(el, 'footer'), 'color')],
      ['--ai-chat-border', 'rgb(13, 14, 15)', () => style(part(el, 'panel'), 'border-top-color')],
      ['--ai-chat-user-bubble', 'rgb(16, 17, 18)', () => style(part(el, 'message-user'), 'background-color')],
      ['--ai-chat-user-text', 'rgb(19, 20, 21)', () => style(part(el, 'message-user'), 'color')],
      ['--ai-chat-assistant-bubble', 'rgb(22, 23, 24)', () => style(part(el, 'message-assistant'), 'background-color')],
      ['--ai-chat-assistant-text', 'rgb(25, 26, 27)', () => style(part(el, 'message-assistant'), 'color')],
      ['--ai-chat-error', 'rgb(28, 29, 30)', () => style(part(el, 'error'), 'color')],
      ['--ai-chat-font-family', 'Georgia, serif', () => style(part(el, 'panel'), 'font-family')],
      ['--ai-chat-font-size', '19px', () => style(part(el, 'panel'), 'font-size')],
      ['--ai-chat-radius', '7px', () => style(part(el, 'panel'), 'border-top-left-radius')],
      ['--ai-chat-spacing', '10px', () => style(part(el, 'transcript'), 'padding-top')],
      ['--ai-chat-code-keyword', 'rgb(31, 32, 33)', () => style(root.querySelector('.tok-keyword'), 'color')],
      ['--ai-chat-code-string', 'rgb(34, 35, 36)', () => style(root.querySelector('.tok-string'), 'color')],
      ['--ai-chat-code-comment', 'rgb(37, 38, 39)', () => style(root.querySelector('.tok-comment'), 'color')],
      ['--ai-chat-code-number', 'rgb(40, 41, 42)', () => style(root.querySelector('.tok-number'), 'color')],
    ];
    await expectEachRestyles(el, cases);
  });

  it('the launcher and its panel follow their size, offset and stacking properties, in the corner position names', async () => {
    const el = await fixture<AiChat>(html`<ai-chat mode="launcher" open position="bottom-left"></ai-chat>`);
    const launcher = part(el, 'launcher')!;
    const panel = part(el, 'panel')!;
    const cases: StyleCase[] = [
      ['--ai-chat-panel-width', '300px', () => `${panel.getBoundingClientRect().width}px`],
      ['--ai-chat-panel-height', '333px', () => `${panel.getBoundingClientRect().height}px`],
      ['--ai-chat-launcher-size', '44px', () => `${launcher.getBoundingClientRect().width}px`],
      ['--ai-chat-launcher-offset', '33px', () => `${launcher.getBoundingClientRect().left}px`],
      ['--ai-chat-z-index', '77', () => style(launcher, 'z-index')],
    ];
    await expectEachRestyles(el, cases);
    // bottom-left is measured from the left edge; bottom-right from the right one.
    el.style.setProperty('--ai-chat-launcher-offset', '33px');
    expect(Math.round(launcher.getBoundingClientRect().left)).to.equal(33);
    el.position = 'bottom-right';
    await el.updateComplete;
    const right = document.documentElement.clientWidth - launcher.getBoundingClientRect().right;
    expect(Math.round(right)).to.equal(33);
    expect(Math.round(document.documentElement.clientWidth - panel.getBoundingClientRect().right)).to.equal(33);
  });
});
