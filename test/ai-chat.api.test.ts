import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { AiChat } from '../src/ai-chat.js';
import type { ChatMessage } from '../src/types.js';
import { bubbleTexts, chatAt, openAiEvent, scenario, until, wordStream, textOnly } from './helpers.js';

describe('public API', () => {
  it('walks status through connecting and streaming back to idle', async () => {
    const flow = await scenario({ chunks: [{ text: openAiEvent('a'), delay: 150 }, { text: openAiEvent('b'), delay: 150 }, 'data: [DONE]\n\n'] });
    const el = await chatAt(flow.url);
    expect(el.status).to.equal('idle');
    const sending = el.send('go');
    expect(el.status).to.equal('connecting');
    await until(() => el.messages[1]?.content === 'a', 'the first token');
    expect(el.status).to.equal('streaming');
    await sending;
    expect(el.status).to.equal('idle');
  });

  it('exposes messages with id, role, content and status, and moves the answer from pending to done', async () => {
    const flow = await scenario({ chunks: [{ text: openAiEvent('Hi'), delay: 200 }, 'data: [DONE]\n\n'] });
    const el = await chatAt(flow.url);
    const sending = el.send('Hello');
    await el.updateComplete;
    const [user, answer] = el.messages as [ChatMessage, ChatMessage];
    expect(user).to.include({ role: 'user', content: 'Hello', status: 'done' });
    expect(answer).to.include({ role: 'assistant', content: '' });
    expect(['pending', 'streaming']).to.include(answer.status);
    expect(user.id).to.be.a('string').and.not.equal(answer.id);
    await sending;
    expect(answer.status).to.equal('done');
  });

  it('renders and continues a conversation set through the messages property', async () => {
    const flow = await scenario(wordStream(['Continued.']));
    const el = await chatAt(flow.url);
    el.messages = [
      { id: 'a', role: 'system', content: 'Be brief.', status: 'done' },
      { id: 'b', role: 'user', content: 'Earlier question', status: 'done' },
      { id: 'c', role: 'assistant', content: 'Earlier answer', status: 'done' },
    ];
    await el.updateComplete;
    // System messages are sent, never shown.
    expect(bubbleTexts(el)).to.deep.equal(['Earlier question', 'Earlier answer']);
    await el.send('Next');
    expect(textOnly(JSON.parse((await flow.requests())[0]!.body).messages)).to.deep.equal([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Earlier question' },
      { role: 'assistant', content: 'Earlier answer' },
      { role: 'user', content: 'Next' },
    ]);
  });

  it('clear() empties the conversation and stops a running answer', async () => {
    const flow = await scenario({ chunks: [openAiEvent('x')], end: 'hang' });
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    await until(() => el.messages[1]?.content === 'x', 'text');
    el.clear();
    expect((await sending)?.status).to.equal('aborted');
    await el.updateComplete;
    expect(el.messages).to.deep.equal([]);
    expect(bubbleTexts(el)).to.deep.equal([]);
    expect(el.status).to.equal('idle');
  });

  it('refuses blank text', async () => {
    const flow = await scenario(wordStream(['x']));
    const el = await chatAt(flow.url);
    expect(await el.send('   \n ')).to.equal(undefined);
    expect(await flow.requests()).to.have.length(0);
  });

  it('fires bubbling, composed events that reach the page through shadow roots', async () => {
    const flow = await scenario(wordStream(['ok']));
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const inner = host.attachShadow({ mode: 'open' });
    const el = document.createElement('ai-chat');
    el.endpoint = flow.url;
    inner.append(el);
    const names: string[] = [];
    for (const name of ['ai-chat-send', 'ai-chat-delta', 'ai-chat-done'] as const) {
      document.addEventListener(name, () => names.push(name));
    }
    const done = oneEvent(document, 'ai-chat-done');
    await el.send('q');
    await done;
    expect(names).to.deep.equal(['ai-chat-send', 'ai-chat-delta', 'ai-chat-done']);
  });

  it('is registered as ai-chat, and defining it again does not throw', () => {
    expect(customElements.get('ai-chat')).to.equal(AiChat);
    expect(() => AiChat.define()).to.not.throw();
    AiChat.define('ai-chat-scoped');
    expect(customElements.get('ai-chat-scoped')?.prototype).to.be.instanceOf(AiChat);
  });
});

describe('the script-tag bundle', () => {
  /** A page that holds nothing but the classic script and the element, as a site owner writes it. */
  async function scriptTagPage(body: string): Promise<{ frame: HTMLIFrameElement; errors: string[] }> {
    const frame = document.createElement('iframe');
    const errors: string[] = [];
    frame.srcdoc = `<!doctype html><meta charset="utf-8">${body}`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    frame.contentWindow!.addEventListener('error', (event) => errors.push(event.message));
    await loaded;
    return { frame, errors };
  }

  it('works from a plain <script src> with only an endpoint attribute', async () => {
    const flow = await scenario(wordStream(['From ', 'the ', 'IIFE.']));
    const { frame, errors } = await scriptTagPage(
      `<script src="/dist/ai-chat.iife.js"></script><ai-chat endpoint="${flow.url}"></ai-chat>`,
    );
    try {
      const el = frame.contentDocument!.querySelector('ai-chat') as AiChat;
      expect(frame.contentWindow!.customElements.get('ai-chat')).to.exist;
      const message = await el.send('hello');
      expect(message?.content).to.equal('From the IIFE.');
      expect(el.shadowRoot!.querySelectorAll('.message .content')[1]!.textContent).to.equal('From the IIFE.');
      expect(errors).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });

  it('loading the bundle twice on one page does not throw', async () => {
    const { frame, errors } = await scriptTagPage(
      `<script src="/dist/ai-chat.iife.js"></script><script src="/dist/ai-chat.iife.js?again"></script><ai-chat></ai-chat>`,
    );
    try {
      expect(errors).to.deep.equal([]);
      expect(frame.contentWindow!.customElements.get('ai-chat')).to.exist;
      expect(frame.contentDocument!.querySelector('ai-chat')!.shadowRoot).to.exist;
    } finally {
      frame.remove();
    }
  });
  it('ships its styles as written: the documented z-index and a narrow-screen rule older engines read', async () => {
    const { frame } = await scriptTagPage(`<script src="/dist/ai-chat.iife.js"></script><ai-chat mode="launcher"></ai-chat>`);
    try {
      const root = frame.contentDocument!.querySelector('ai-chat')!.shadowRoot!;
      await until(() => root.querySelector('.launcher'), 'the launcher');
      expect(getComputedStyle(root.querySelector('.launcher')!).zIndex).to.equal('2147483000');
      const media = root.adoptedStyleSheets
        .flatMap((sheet) => [...sheet.cssRules])
        .filter((rule) => rule.constructor.name === 'CSSMediaRule')
        .map((rule) => (rule as CSSMediaRule).conditionText);
      // Range syntax, `(width <= 480px)`, needs Chrome 104 and Safari 16.4.
      expect(media).to.include('(max-width: 480px)');
    } finally {
      frame.remove();
    }
  });
});
