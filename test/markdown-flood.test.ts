import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import type { AiChat } from '../src/ai-chat.js';
import { MarkdownCache } from '../src/render/markdown-cache.js';
import { MAX_PIECES, parseMarkdown, type MarkdownSnapshot } from '../src/render/markdown.js';
import { renderMarkdown } from '../src/render/render-markdown.js';
import { DONE, openAiEvent, scenario, shadow, until } from './helpers.js';

// A flood of new blocks (4 KB of one-letter paragraphs is 1,365 of them) is
// shown over several renders, not built in one task (#13): each render shows
// a slice more, the cache asks for the next render until it has caught up,
// and the answer ends complete and identical to the whole text rendered at once.

const labels = { copy: 'Copy', copied: 'Copied', copyFailed: 'Press Ctrl+C' };
/** Lit's markers are comments: what the reader gets is the rest. */
const markup = (root: Element) => root.innerHTML.replace(/<!--[^]*?-->/g, '');
const whole = (text: string) => {
  const div = document.createElement('div');
  render(renderMarkdown(parseMarkdown(text), { labels }), div);
  return markup(div);
};

/** Renders `text` as the element does: once per call to `get`, and again while the cache asks for it. */
async function renderLikeTheElement(chunks: string[], selector = 'p') {
  let asked = 0;
  const cache = new MarkdownCache<object>(() => asked++);
  const key = {};
  const out = document.createElement('div');
  const shown: { count: number; rest: number }[] = [];
  const draw = (doc: MarkdownSnapshot) => {
    render(renderMarkdown(doc, { labels }), out);
    shown.push({ count: out.querySelectorAll(selector).length, rest: out.querySelectorAll('.rest').length });
  };
  let text = '';
  for (const [i, chunk] of chunks.entries()) {
    text += chunk;
    draw(cache.get(key, text, i === chunks.length - 1));
    // The request comes in a microtask, after the render that asked.
    await Promise.resolve();
  }
  for (let renders = 0; asked && renders < 1000; renders++) {
    asked = 0;
    draw(cache.get(key, text, true));
    await Promise.resolve();
  }
  return { out, shown, asked, cache, key, text };
}

describe('a flood of new blocks', () => {
  const floods = [
    { what: 'paragraphs', text: 'a\n\n'.repeat(1365), selector: 'p', count: 1365 },
    { what: 'table rows', text: '| a | b |\n|---|---|\n' + '| x | y |\n'.repeat(500), selector: 'tbody tr', count: 500 },
    { what: 'list items', text: '- a\n'.repeat(1000), selector: 'li', count: 1000 },
    { what: 'quoted paragraphs', text: '> a\n>\n'.repeat(1000), selector: 'blockquote p', count: 1000 },
    // A fence's lines come in chunks of 64, each its own box.
    { what: 'code lines', text: '```\n' + 'x\n'.repeat(64 * 500), selector: 'pre code > div', count: 500 },
  ];
  for (const { what, text, selector, count } of floods) {
    it(`of ${what} is shown a slice per render, and ends identical to the whole answer`, async () => {
      const { out, shown, asked } = await renderLikeTheElement([text.slice(0, text.length >> 1), text.slice(text.length >> 1)], selector);
      expect(shown[0]!.count).to.be.within(1, 200);
      for (let i = 1; i < shown.length; i++) expect(shown[i]!.count - shown[i - 1]!.count).to.be.within(0, 200);
      expect(shown.at(-1)!.count).to.equal(count);
      expect(asked, 'no render asked for once caught up').to.equal(0);
      expect(markup(out)).to.equal(whole(text));
    });
  }

  it('shows the plain text past the bounds only after every block before it', async () => {
    const text = 'a\n\n'.repeat(MAX_PIECES + 10) + 'b '.repeat(20000);
    const { out, shown } = await renderLikeTheElement([text]);
    expect(shown.length).to.be.above(2);
    const all = shown.at(-1)!.count;
    for (const { count, rest } of shown) if (rest) expect(count).to.equal(all);
    expect(shown.at(-1)!.rest).to.be.above(0);
    expect(markup(out)).to.equal(whole(text));
  });

  it('shows at once what it showed before when the text is parsed again (citations placed)', async () => {
    const { cache, key, text } = await renderLikeTheElement(['a\n\n'.repeat(1000)]);
    expect(cache.get(key, text, true, 1).blocks).to.have.length(1000);
  });

  it('is whole in every snapshot of a cache that cannot ask for another render', () => {
    const text = 'a\n\n'.repeat(1000);
    expect(new MarkdownCache<object>().get({}, text, false).blocks).to.have.length(1000);
  });

  it('ends complete in the element: every paragraph, in order, as rendered at once', async () => {
    const paragraphs = 1500;
    const text = Array.from({ length: paragraphs }, (_, i) => `p${i}\n\n`).join('');
    const flow = await scenario({ chunks: [openAiEvent(text), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('many paragraphs');
    const answer = () => shadow(el).querySelectorAll('.message .content')[1]!.querySelector('.md')!;
    await until(() => answer().querySelectorAll('p').length === paragraphs, 'every paragraph');
    expect(answer().querySelector('p:last-of-type')!.textContent).to.equal(`p${paragraphs - 1}`);
    expect(markup(answer().parentElement!)).to.equal(whole(text));
  });

  it('is built a slice per render in the element, not in one task', async () => {
    const paragraphs = 1500;
    const text = 'a\n\n'.repeat(paragraphs);
    const flow = await scenario({ chunks: [openAiEvent(text), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const seen: number[] = [];
    const observer = new MutationObserver(() => {
      const count = shadow(el).querySelectorAll('.md p').length;
      if (count !== seen.at(-1)) seen.push(count);
    });
    observer.observe(shadow(el), { subtree: true, childList: true });
    await el.send('many paragraphs');
    await until(() => shadow(el).querySelectorAll('.md p').length === paragraphs, 'every paragraph');
    observer.disconnect();
    expect(seen.at(-1)).to.equal(paragraphs);
    for (let i = 0; i < seen.length; i++) expect(seen[i]! - (seen[i - 1] ?? 0)).to.be.within(0, 200);
  });
});
