import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { bubbleTexts, input, openAiEvent, part, scenario, shadow, until, wordStream } from './helpers.js';

let keyCount = 0;
const freshKey = () => `test-${Date.now()}-${++keyCount}`;

/** A second page on the same origin (another tab, as far as storage is concerned) running the script-tag bundle. */
async function otherPage(body: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><script src="/dist/ai-chat.iife.js"></script>${body}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  return frame;
}

describe('saved conversations (persist)', () => {
  afterEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('ai-chat:test-')) localStorage.removeItem(key);
  });

  it('saves after an answer and restores on load', async () => {
    const key = freshKey();
    const flow = await scenario(wordStream(['Remembered.']));
    const first = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    await first.send('Remember me');
    first.remove();
    const second = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    expect(bubbleTexts(second)).to.deep.equal(['Remember me', 'Remembered.']);
    expect(second.messages.map((m) => m.status)).to.deep.equal(['done', 'done']);
  });

  it('saves failed and stopped answers too', async () => {
    const key = freshKey();
    const flow = await scenario({ status: 400, contentType: 'text/plain', chunks: ['Bad'] }, { chunks: [openAiEvent('Half')], end: 'hang' });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    await el.send('one');
    const sending = el.send('two');
    await until(() => el.messages[3]?.content === 'Half', 'text');
    el.abort();
    await sending;
    const saved = JSON.parse(localStorage.getItem(`ai-chat:${key}`)!);
    expect(saved.messages.map((m: { status: string }) => m.status)).to.deep.equal(['done', 'error', 'done', 'aborted']);
  });

  it('brings back an answer cut off by a reload as interrupted, not complete', async () => {
    const key = freshKey();
    const flow = await scenario({ chunks: [openAiEvent('Cut off by '), { text: openAiEvent('a reload'), delay: 5000 }], end: 'hang' });
    const frame = await otherPage(`<ai-chat endpoint="${flow.url}" persist="${key}"></ai-chat>`);
    const inFrame = frame.contentDocument!.querySelector('ai-chat') as AiChat;
    void inFrame.send('Go');
    await until(() => inFrame.messages[1]?.content === 'Cut off by ', 'the first text');
    // Saved while streaming (at most once a second), so a reload keeps the text.
    await until(() => localStorage.getItem(`ai-chat:${key}`)?.includes('Cut off by '), 'the streaming save', 6000);
    const reloaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.contentWindow!.location.reload();
    await reloaded;
    try {
      const restored = frame.contentDocument!.querySelector('ai-chat') as AiChat;
      await restored.updateComplete;
      const answer = restored.messages[1]!;
      expect(answer.content).to.equal('Cut off by ');
      expect(answer.status).to.equal('error');
      expect(answer.error).to.match(/incomplete/);
      // And the reader can ask for it again.
      await restored.updateComplete;
      expect(part(restored, 'retry-button')).to.exist;
    } finally {
      frame.remove();
    }
  });

  it('keeps working in memory when the saved copy is corrupt, and warns once with debug', async () => {
    const key = freshKey();
    localStorage.setItem(`ai-chat:${key}`, '{not json');
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const flow = await scenario(wordStream(['Still fine.']));
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key} debug></ai-chat>`);
      expect(el.messages).to.deep.equal([]);
      localStorage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages: [{ id: 1, role: 'hacker' }] }));
      el.persist = `${key}`;
      expect((await el.send('hello'))?.content).to.equal('Still fine.');
    } finally {
      console.warn = warn;
    }
    expect(warnings.filter((args) => String(args[1]).includes('could not restore'))).to.have.length(1);
  });

  it('keeps working when storage is full', async () => {
    const key = freshKey();
    const filler: string[] = [];
    const block = 'x'.repeat(1024 * 1024);
    try {
      // Fill this origin's quota for real.
      for (let i = 0; i < 64; i++) {
        try {
          localStorage.setItem(`ai-chat:test-filler-${i}`, block);
          filler.push(`ai-chat:test-filler-${i}`);
        } catch {
          break;
        }
      }
      const small = 'y'.repeat(64 * 1024);
      for (let i = 0; i < 64; i++) {
        try {
          localStorage.setItem(`ai-chat:test-small-${i}`, small);
          filler.push(`ai-chat:test-small-${i}`);
        } catch {
          break;
        }
      }
      const flow = await scenario(wordStream(['Answer ', 'that ', 'cannot ', 'be ', 'saved.']));
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
      const message = await el.send(`A question too long to store ${'z'.repeat(70 * 1024)}`);
      expect(message?.content).to.equal('Answer that cannot be saved.');
      expect(localStorage.getItem(`ai-chat:${key}`)).to.equal(null);
    } finally {
      for (const name of filler) localStorage.removeItem(name);
    }
  });

  it('keeps two tabs with the same key consistent', async () => {
    const key = freshKey();
    const flow = await scenario(wordStream(['Shared answer.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    const frame = await otherPage(`<ai-chat persist="${key}"></ai-chat>`);
    try {
      const other = frame.contentDocument!.querySelector('ai-chat') as AiChat;
      await el.send('From tab one');
      await until(() => other.messages.length === 2 && other.messages[1]!.status === 'done', 'the other tab to update');
      expect(other.messages.map((m) => m.content)).to.deep.equal(['From tab one', 'Shared answer.']);
      // Clearing in one tab clears the other.
      other.clear();
      await until(() => el.messages.length === 0, 'the first tab to clear');
    } finally {
      frame.remove();
    }
  });

  it('clear() and the New chat action clear the saved copy', async () => {
    const key = freshKey();
    const flow = await scenario(wordStream(['Gone soon.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    await el.send('one');
    expect(localStorage.getItem(`ai-chat:${key}`)).to.not.equal(null);
    const newChat = part<HTMLButtonElement>(el, 'new-chat-button')!;
    expect(newChat.hidden).to.equal(false);
    newChat.click();
    await el.updateComplete;
    expect(el.messages).to.deep.equal([]);
    expect(localStorage.getItem(`ai-chat:${key}`)).to.equal(null);
    expect(shadow(el).activeElement).to.equal(input(el));
  });
});
