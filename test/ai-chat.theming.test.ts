import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { AiChat } from '../src/ai-chat.js';
import { chatAt, DONE, openAiEvent, part, scenario, shadow, until, wordStream } from './helpers.js';

const color = (node: Element, property = 'background-color') => getComputedStyle(node).getPropertyValue(property);
const panel = (el: AiChat) => part(el, 'panel')!;

/** WCAG relative luminance contrast of two `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const lum = (rgb: string) => {
    const [r, g, bl] = rgb.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('theming', () => {
  it('switches between light and dark live, without losing the conversation', async () => {
    const flow = await scenario(wordStream(['Kept.']));
    const el = await chatAt(flow.url);
    el.theme = 'light';
    await el.send('hi');
    const lightBg = color(panel(el));
    el.theme = 'dark';
    await el.updateComplete;
    const darkBg = color(panel(el));
    expect(lightBg).to.equal('rgb(255, 255, 255)');
    expect(darkBg).to.not.equal(lightBg);
    expect(el.messages.map((m) => m.content)).to.deep.equal(['hi', 'Kept.']);
  });

  it('follows the system colour scheme live in auto, and turns animation off for reduced motion', async () => {
    const el = await fixture<AiChat>(html`<ai-chat></ai-chat>`);
    expect(el.theme).to.equal('auto');
    try {
      await emulateMedia({ colorScheme: 'light' });
      expect(color(panel(el))).to.equal('rgb(255, 255, 255)');
      await emulateMedia({ colorScheme: 'dark' });
      expect(color(panel(el))).to.equal('rgb(21, 23, 28)');
      el.theme = 'light';
      await el.updateComplete;
      expect(color(panel(el))).to.equal('rgb(255, 255, 255)');

      el.mode = 'launcher';
      el.open = true;
      await el.updateComplete;
      expect(getComputedStyle(panel(el)).animationName).to.equal('ai-chat-rise');
      await emulateMedia({ reducedMotion: 'reduce' });
      expect(getComputedStyle(panel(el)).animationName).to.equal('none');
    } finally {
      await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    }
  });

  it('lets a page custom property win over either theme', async () => {
    const style = document.createElement('style');
    style.textContent = 'ai-chat.branded { --ai-chat-accent: rgb(0, 119, 85); --ai-chat-background: rgb(250, 240, 230); }';
    document.head.append(style);
    try {
      const el = await fixture<AiChat>(html`<ai-chat class="branded" theme="dark"></ai-chat>`);
      expect(color(panel(el))).to.equal('rgb(250, 240, 230)');
      const send = part(el, 'send-button')!;
      expect(color(send)).to.equal('rgb(0, 119, 85)');
    } finally {
      style.remove();
    }
  });

  it('meets 4.5:1 text contrast in the default light and dark themes', async () => {
    for (const theme of ['light', 'dark']) {
      const flow = await scenario({ chunks: [openAiEvent('Answer text'), DONE] });
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} theme=${theme}></ai-chat>`);
      await el.send('Question text');
      const [user, assistant] = [...shadow(el).querySelectorAll<HTMLElement>('.message')] as [HTMLElement, HTMLElement];
      const pairs: Array<[string, Element, Element]> = [
        ['user bubble', user, user],
        ['assistant bubble', assistant, assistant],
        ['panel text', panel(el), panel(el)],
      ];
      for (const [what, fg, bg] of pairs) {
        const ratio = contrast(color(fg, 'color'), color(bg));
        expect(ratio, `${theme} ${what}`).to.be.at.least(4.5);
      }
    }
  });

  it('exposes parts and custom states for status', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Streaming…')], end: 'hang' });
    const el = await chatAt(flow.url);
    const sending = el.send('go');
    await until(() => el.messages[1]?.content === 'Streaming…', 'text');
    await el.updateComplete;
    expect(el.matches(':state(streaming)')).to.equal(true);
    for (const name of ['panel', 'header', 'transcript', 'composer', 'input', 'stop-button']) {
      expect(part(el, name), name).to.exist;
    }
    expect(shadow(el).querySelector('[part~="message"][part~="message-user"]')).to.exist;
    expect(shadow(el).querySelector('[part~="message"][part~="message-assistant"]')).to.exist;
    el.abort();
    await sending;
    await el.updateComplete;
    expect(el.matches(':state(streaming)')).to.equal(false);
  });

  it('shows slots with default content: header, empty and footer', async () => {
    const el = await fixture<AiChat>(html`<ai-chat heading="Support">
      <a slot="footer" href="/terms">Terms</a>
    </ai-chat>`);
    expect(shadow(el).querySelector('.heading')!.textContent!.trim()).to.equal('Support');
    expect(shadow(el).querySelector('.empty')!.textContent!.trim()).to.equal('Ask a question to start the conversation.');
    const footer = shadow(el).querySelector<HTMLSlotElement>('slot[name="footer"]')!;
    expect(footer.assignedElements()[0]!.textContent).to.equal('Terms');

    const custom = await fixture<AiChat>(html`<ai-chat>
      <strong slot="header">Custom header</strong>
      <p slot="empty">Nothing yet</p>
    </ai-chat>`);
    await custom.updateComplete;
    expect(shadow(custom).querySelector('header')!.hidden).to.equal(false);
    expect(shadow(custom).querySelector<HTMLSlotElement>('slot[name="empty"]')!.assignedElements()[0]!.textContent).to.equal(
      'Nothing yet',
    );
  });
});
