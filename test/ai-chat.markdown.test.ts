import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { DONE, openAiEvent, scenario, shadow, until, wordStream } from './helpers.js';

const answerContent = (el: AiChat) => shadow(el).querySelectorAll('.message .content')[1]!;
/** The answer's content, or undefined while it has not been rendered yet (for polling). */
const maybeAnswer = (el: AiChat): Element | undefined => shadow(el).querySelectorAll('.message .content')[1];

const MARKDOWN = [
  '# Title\n\n',
  'Some **bold**, *em*, ~~gone~~ and `code` with a [link](https://example.com/x).\n\n',
  '- one\n  - nested\n- [x] done task\n\n',
  '> quoted\n\n',
  '```js\nconst a = 1;\n```\n\n',
  '| a | b |\n|:--|--:|\n| 1 | 2 |\n\n',
  '---\n\n',
  'After <b>raw html</b> the end.',
];

describe('markdown answers', () => {
  it('renders CommonMark and GitHub tables, task lists and strikethrough', async () => {
    const flow = await scenario({ chunks: [...MARKDOWN.map(openAiEvent), DONE], delay: 5 });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('markdown please');
    const content = answerContent(el);
    expect(content.querySelector('h1')!.textContent).to.equal('Title');
    expect(content.querySelector('strong')!.textContent).to.equal('bold');
    expect(content.querySelector('em')!.textContent).to.equal('em');
    expect(content.querySelector('del')!.textContent).to.equal('gone');
    expect(content.querySelector('p code')!.textContent).to.equal('code');
    const link = content.querySelector('a')!;
    expect([link.getAttribute('href'), link.target, link.rel]).to.deep.equal(['https://example.com/x', '_blank', 'noopener noreferrer']);
    expect(content.querySelector('ul ul li')!.textContent!.trim()).to.equal('nested');
    const checkbox = content.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect([checkbox.checked, checkbox.disabled]).to.deep.equal([true, true]);
    expect(content.querySelector('blockquote')!.textContent!.trim()).to.equal('quoted');
    expect(content.querySelector('.code-lang')!.textContent).to.equal('js');
    expect(content.querySelector('pre code')!.textContent).to.equal('const a = 1;\n');
    expect(content.querySelector('.code-block button')!.textContent!.trim()).to.equal('Copy');
    expect([...content.querySelectorAll('th')].map((th) => th.className)).to.deep.equal(['left', 'right']);
    expect(content.querySelector('hr')).to.exist;
    // Raw HTML from the model is text.
    expect(content.querySelector('b')).to.equal(null);
    expect(content.textContent).to.contain('<b>raw html</b>');
  });

  it('renders plain text with no-markdown', async () => {
    const flow = await scenario({ chunks: [openAiEvent('# Not a heading\n\n**not bold**'), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} no-markdown></ai-chat>`);
    await el.send('q');
    expect(answerContent(el).children).to.have.length(0);
    expect(answerContent(el).textContent).to.equal('# Not a heading\n\n**not bold**');
  });

  it('never re-renders a finished block while the answer keeps streaming', async () => {
    const words = ['First ', 'paragraph ', 'here.\n\n', ...Array.from({ length: 40 }, (_, i) => `word${i} `)];
    const flow = await scenario(wordStream(words, 15));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const sending = el.send('go');
    await until(() => maybeAnswer(el)?.querySelectorAll('p').length === 2, 'the second paragraph');
    const first = answerContent(el).querySelector('p')!;
    expect(first.textContent).to.equal('First paragraph here.');
    let mutations = 0;
    const observer = new MutationObserver((records) => (mutations += records.length));
    observer.observe(first, { subtree: true, childList: true, characterData: true, attributes: true });
    await sending;
    observer.disconnect();
    expect(answerContent(el).querySelector('p')).to.equal(first);
    expect(mutations).to.equal(0);
    expect(answerContent(el).querySelectorAll('p')[1]!.textContent).to.contain('word39');
  });

  it('shows an open code fence as code while it streams, with Copy enabled once it closes', async () => {
    const flow = await scenario({
      chunks: [openAiEvent('```py\nprint(1)\n'), { text: openAiEvent('print(2)\n```\nDone.'), delay: 300 }, DONE],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const sending = el.send('code');
    await until(() => maybeAnswer(el)?.querySelector('pre code')?.textContent === 'print(1)\n', 'the open fence');
    expect(answerContent(el).querySelector<HTMLButtonElement>('.code-block button')!.disabled).to.equal(true);
    await sending;
    expect(answerContent(el).querySelector('pre code')!.textContent).to.equal('print(1)\nprint(2)\n');
    expect(answerContent(el).querySelector<HTMLButtonElement>('.code-block button')!.disabled).to.equal(false);
  });

  it('shows a half-written link as text until it completes', async () => {
    const flow = await scenario({
      chunks: [openAiEvent('See [the docs](https://exa'), { text: openAiEvent('mple.com/docs) now.'), delay: 300 }, DONE],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const sending = el.send('link');
    await until(() => maybeAnswer(el)?.textContent?.includes('https://exa'), 'the half link');
    expect(answerContent(el).querySelector('a')).to.equal(null);
    await sending;
    expect(answerContent(el).querySelector('a')!.getAttribute('href')).to.equal('https://example.com/docs');
  });

  it('labels the Copy button in the reader\'s language', async () => {
    const flow = await scenario({ chunks: [openAiEvent('```\nx\n```'), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} lang="de"></ai-chat>`);
    await el.send('q');
    expect(answerContent(el).querySelector('.code-block button')!.textContent!.trim()).to.equal('Kopieren');
  });
  it('shows a typing mark in the answer until its first word arrives, in markdown and text modes', async () => {
    for (const noMarkdown of [false, true]) {
      // The response opens at once, then the model takes its time.
      const flow = await scenario({ chunks: [': opened\n\n', { text: openAiEvent('Hello'), delay: 400 }, DONE] });
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} ?no-markdown=${noMarkdown}></ai-chat>`);
      const typingMark = () => getComputedStyle(answerContent(el), '::after').content;
      const sending = el.send('hi');
      await until(() => el.status === 'streaming' && maybeAnswer(el), 'the opened response');
      expect(typingMark(), `no-markdown=${noMarkdown}`).to.equal('"…"');
      await sending;
      expect(answerContent(el).textContent).to.equal('Hello');
      expect(typingMark(), `no-markdown=${noMarkdown}`).to.equal('none');
    }
  });
});

describe('reading comfort', () => {
  it('offers "Jump to latest" when the reader scrolls up, and sending scrolls to the newest message', async () => {
    const words = Array.from({ length: 150 }, (_, i) => `Line ${i}.\n\n`);
    const flow = await scenario(wordStream(words, 6), wordStream(['Short.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} style="--ai-chat-height: 300px"></ai-chat>`);
    const transcript = shadow(el).querySelector<HTMLElement>('.transcript')!;
    const jump = shadow(el).querySelector<HTMLButtonElement>('[part="jump-button"]')!;
    const sending = el.send('long');
    await until(() => transcript.scrollHeight > transcript.clientHeight * 2, 'a long answer');
    expect(jump.hidden).to.equal(true);
    transcript.scrollTop = 0;
    transcript.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    expect(jump.hidden).to.equal(false);
    await sending;
    expect(transcript.scrollTop).to.equal(0);
    jump.click();
    await until(() => transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 5, 'the bottom');
    await el.updateComplete;
    expect(jump.hidden).to.equal(true);

    transcript.scrollTop = 0;
    transcript.dispatchEvent(new Event('scroll'));
    await el.send('again');
    expect(transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight).to.be.below(5);
  });
});
