import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { DONE, openAiEvent, scenario } from './helpers.js';
import { assertSafe, forbidImageFetches, frames, interact, loadCorpus, own, PayloadWatch, schemeOf, type Payload } from './xss-kit.js';

const corpus = await loadCorpus();

/** The whole shadow root, our own chrome included: nothing executable, no URL outside the allowed schemes. */
function assertShadowSafe(root: ShadowRoot, where: string): void {
  expect(root.querySelector('script, iframe, object, embed, frame, base, meta, link'), `${where}: forbidden element`).to.equal(null);
  for (const el of root.querySelectorAll('*')) {
    for (const { name, value } of el.attributes) {
      expect(name.startsWith('on') || name === 'srcdoc' || name === 'formaction', `${where}: ${name}`).to.equal(false);
      if (['href', 'src', 'action', 'xlink:href'].includes(name)) {
        expect(['http', 'https', 'mailto'], `${where}: ${name}=${value}`).to.include(schemeOf(value));
      }
    }
  }
}

describe('XSS corpus through the whole element, streamed over SSE', () => {
  const watch = new PayloadWatch();

  before(() => {
    window.addEventListener('click', watch.onClick, { capture: true });
    window.addEventListener('message', watch.onMessage);
    forbidImageFetches();
  });
  after(() => {
    window.removeEventListener('click', watch.onClick, { capture: true });
    window.removeEventListener('message', watch.onMessage);
  });

  async function run(el: AiChat, entry: Payload, split: boolean): Promise<void> {
    const where = `${entry.id} ${split ? 'split' : 'whole'} ${el.noMarkdown ? 'text' : 'markdown'}`;
    const pieces = split ? [entry.payload.slice(0, entry.split), entry.payload.slice(entry.split)] : [entry.payload];
    const flow = await scenario({ chunks: [...pieces.map((piece) => ({ text: openAiEvent(piece), delay: 20 })), DONE] });
    el.endpoint = flow.url;
    el.clear();
    watch.arm();
    const answer = await el.send('show me');
    expect(answer?.content, where).to.equal(entry.payload);
    const content = el.shadowRoot!.querySelectorAll('.message .content')[1]!;
    // In text mode the payload is one text node; in markdown mode only allowed tags and URLs.
    if (el.noMarkdown) expect(content.textContent, where).to.equal(entry.payload);
    assertSafe(content, where);
    assertShadowSafe(el.shadowRoot!, where);
    interact(content);
    await frames(2);
    watch.assertQuiet(where);
    delete window.__xss;
  }

  for (const [name, list] of [
    ['shared corpus', corpus],
    ['own payloads', own],
  ] as const) {
    it(`${name}: every payload, whole and split, in markdown and text modes (${list.length})`, async function () {
      this.timeout(240_000);
      const markdown = await fixture<AiChat>(html`<ai-chat></ai-chat>`);
      const text = await fixture<AiChat>(html`<ai-chat no-markdown></ai-chat>`);
      for (const entry of list) {
        for (const el of [markdown, text]) {
          await run(el, entry, false);
          await run(el, entry, true);
        }
      }
    });
  }

  it('keeps links only for http, https and mailto, opening in a new tab without referrer', async () => {
    const flow = await scenario({
      chunks: [openAiEvent('[web](https://example.com/a) [mail](mailto:a@example.com) [bad](javascript:alert(1)) [ftp](ftp://example.com)'), DONE],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('links');
    const links = [...el.shadowRoot!.querySelectorAll<HTMLAnchorElement>('.message a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/a', 'mailto:a@example.com']);
    expect(links.every((a) => a.target === '_blank' && a.rel === 'noopener noreferrer')).to.equal(true);
    const text = el.shadowRoot!.querySelectorAll('.message .content')[1]!.textContent!;
    expect(text).to.contain('bad');
    expect(text).to.contain('ftp');
  });

  it('shows no images unless allow-images, and then https only', async () => {
    const body = '![cat](https://example.com/cat.png) ![plain](http://example.com/dog.png)';
    const flow = await scenario({ chunks: [openAiEvent(body), DONE] });
    const off = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await off.send('img');
    expect(off.shadowRoot!.querySelectorAll('.message img')).to.have.length(0);
    const on = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} allow-images></ai-chat>`);
    await on.send('img');
    const images = [...on.shadowRoot!.querySelectorAll<HTMLImageElement>('.message img')];
    expect(images.map((img) => img.getAttribute('src'))).to.deep.equal(['https://example.com/cat.png']);
    expect(images[0]!.getAttribute('referrerpolicy')).to.equal('no-referrer');
  });
});
