import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { createAnswerReader, isSkipped } from '../src/stream/formats/index.js';
import { createPartsBuilder, MAX_CITATIONS, type ChatPart, type TextPart } from '../src/stream/parts.js';
import { markCitations, MARK, MARK_END } from '../src/render/citations.js';
import { DONE, part, scenario, shadow } from './helpers.js';
import { feedBody } from './parts-feed.js';
import { assertSafe, loadCorpus, PayloadWatch } from './xss-kit.js';

// Inline citation markers (#14): where a format says which words a source
// backs, a numbered marker after those words links to the source, numbered
// as in the sources list. Each family's positions (code points, UTF-8 bytes,
// a cited block), then the element from the scripted test server.

const SSE = 'text/event-stream';
const event = (value: unknown, name?: string) => `${name ? `event: ${name}\n` : ''}data: ${JSON.stringify(value)}\n\n`;
/** Code points, as OpenAI counts its indices. */
const codePoints = (text: string) => Array.from(text).length;
const utf8 = (text: string) => new TextEncoder().encode(text).length;

/** The parts a body leaves, read through the real splitting, whole or cut at every `step` bytes. */
function partsOf(body: string, step = 0): ChatPart[] {
  const bytes = new TextEncoder().encode(body);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += step || bytes.length) chunks.push(bytes.subarray(i, i + (step || bytes.length)));
  const reader = createAnswerReader({ format: 'auto', contentType: SSE });
  const builder = createPartsBuilder();
  feedBody(reader, SSE, chunks, (result) => {
    if (!isSkipped(result)) builder.add(result);
  });
  builder.end();
  return builder.parts;
}

/** The text with a `[n]` after each citation, numbered by source in order of arrival. */
function marked(parts: ChatPart[]): string {
  const urls = parts.flatMap((p) => (p.type === 'source' ? [p.url] : []));
  return parts
    .filter((p): p is TextPart => p.type === 'text')
    .map(({ text, citations = [] }) => {
      let out = text;
      const numbered = citations.map(({ url, end }) => ({ n: urls.indexOf(url) + 1, end }));
      // From the end, so earlier positions stay right; at one spot, the higher number first, so they read in order.
      for (const { n, end } of numbered.sort((a, b) => b.end - a.end || b.n - a.n)) out = `${out.slice(0, end)}[${n}]${out.slice(end)}`;
      return out;
    })
    .join('|');
}

// A search model's answer: the cited spans are markdown links, as OpenAI writes them, after an emoji (two UTF-16 units, one code point).
const SKY = 'The sky is blue 🌤 ([NASA](https://nasa.gov/sky)).';
const GRASS = ' Grass is green ([Wiki](https://en.wikipedia.org/wiki/Grass)).';
const OPENAI_TEXT = SKY + GRASS;
const openAiAnnotations = [
  { url: 'https://nasa.gov/sky', title: 'Why is the sky blue?', end: codePoints(SKY) - 1 },
  { url: 'https://en.wikipedia.org/wiki/Grass', title: 'Grass', end: codePoints(OPENAI_TEXT) - 1 },
].map(({ url, title, end }) => ({ type: 'url_citation', url_citation: { url, title, start_index: 0, end_index: end } }));

/** Chat Completions: content in pieces, then the annotations in the last delta (indices into the whole content). */
const openAiChat = (annotations = openAiAnnotations) =>
  [
    ...[SKY.slice(0, 10), SKY.slice(10), GRASS].map((content) =>
      event({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] }),
    ),
    event({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { annotations }, finish_reason: 'stop' }] }),
    DONE,
  ].join('');

describe('citation markers: where each format says the words are', () => {
  it('OpenAI Chat: end_index counts code points of the content; the marker goes after the cited link, whole and split at every 7 bytes', () => {
    for (const step of [0, 7]) {
      expect(marked(partsOf(openAiChat(), step)), `step ${step}`).to.equal(
        `${SKY.slice(0, -1)}[1].${GRASS.slice(0, -1)}[2].`,
      );
    }
  });

  it('OpenAI Responses: annotation.added places the marker; the same annotation again in output_item.done adds none', () => {
    const text = 'Lisbon is the capital 🇵🇹 of Portugal.';
    const end = codePoints('Lisbon is the capital 🇵🇹');
    const annotation = { type: 'url_citation', url: 'https://example.com/pt', title: 'Portugal', start_index: 0, end_index: end };
    const body = [
      event({ type: 'response.created', response: { id: 'r' } }, 'response.created'),
      event({ type: 'response.output_text.delta', delta: text.slice(0, 20) }, 'response.output_text.delta'),
      event({ type: 'response.output_text.delta', delta: text.slice(20) }, 'response.output_text.delta'),
      event({ type: 'response.output_text.annotation.added', annotation }, 'response.output_text.annotation.added'),
      event(
        { type: 'response.output_item.done', item: { type: 'message', content: [{ type: 'output_text', text, annotations: [annotation] }] } },
        'response.output_item.done',
      ),
      event({ type: 'response.completed', response: { id: 'r', status: 'completed' } }, 'response.completed'),
    ].join('');
    for (const step of [0, 5]) {
      expect(marked(partsOf(body, step)), `step ${step}`).to.equal('Lisbon is the capital 🇵🇹[1] of Portugal.');
    }
  });

  it('Anthropic: a citation backs its text block, so its marker goes after that block’s words, which arrive after it', () => {
    const citation = (url: string) => ({ type: 'web_search_result_location', url, title: url.slice(8), cited_text: '…' });
    const block = (index: number, words: string, cites: string[]) => [
      event({ type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: [] } }, 'content_block_start'),
      ...cites.map((url) =>
        event({ type: 'content_block_delta', index, delta: { type: 'citations_delta', citation: citation(url) } }, 'content_block_delta'),
      ),
      event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: words } }, 'content_block_delta'),
      event({ type: 'content_block_stop', index }, 'content_block_stop'),
    ];
    const body = [
      event({ type: 'message_start', message: { id: 'm', content: [] } }, 'message_start'),
      ...block(0, 'Per the docs, ', []),
      ...block(1, 'the sky is blue', ['https://a.example/sky', 'https://b.example/sky']),
      ...block(2, ', and water is wet', ['https://a.example/sky']),
      ...block(3, '.', []),
      event({ type: 'message_stop' }, 'message_stop'),
    ].join('');
    for (const step of [0, 11]) {
      expect(marked(partsOf(body, step)), `step ${step}`).to.equal('Per the docs, the sky is blue[1][2], and water is wet[1].');
    }
  });

  it('Gemini: groundingSupports end at a count of UTF-8 bytes; each support may name several sources', () => {
    const first = 'Café au lait is coffee with hot milk.';
    const text = `${first} Crème brûlée is a dessert.`;
    const chunk = (value: unknown) => event({ candidates: [value] });
    const body = [
      chunk({ index: 0, content: { role: 'model', parts: [{ text: text.slice(0, 15) }] } }),
      chunk({
        index: 0,
        content: { role: 'model', parts: [{ text: text.slice(15) }] },
        finishReason: 'STOP',
        groundingMetadata: {
          groundingChunks: [
            { web: { uri: 'https://example.com/coffee', title: 'coffee' } },
            { web: { uri: 'https://example.com/dessert', title: 'dessert' } },
          ],
          groundingSupports: [
            { segment: { startIndex: 0, endIndex: utf8(first), text: first }, groundingChunkIndices: [0] },
            { segment: { startIndex: utf8(first) + 1, endIndex: utf8(text), text: '' }, groundingChunkIndices: [1, 0] },
          ],
        },
      }),
    ].join('');
    expect(marked(partsOf(body))).to.equal(`${first}[1] Crème brûlée is a dessert.[1][2]`);
  });

  it('a position past the text waits for it, and one past the end of the answer lands at its end; bad ones place nothing', () => {
    const builder = createPartsBuilder();
    builder.add({ parts: [{ text: 'Early' }, { type: 'source', url: 'https://x.example/', title: null, at: 9 }] });
    builder.add({ text: ' bird.' });
    builder.add({ parts: [{ type: 'source', url: 'https://y.example/', title: null, at: 500 }] });
    builder.add({ parts: [{ type: 'source', url: 'javascript:alert(1)', title: null, at: 2 }] });
    builder.end();
    expect(marked(builder.parts)).to.equal('Early bir[1]d.[2]');
  });

  it(`places at most ${MAX_CITATIONS} markers in an answer; every source is still listed`, () => {
    const builder = createPartsBuilder();
    builder.add({ text: 'x'.repeat(1000) });
    for (let i = 0; i < 1000; i++) builder.add({ parts: [{ type: 'source', url: `https://e.example/${i}`, title: null, at: i }] });
    const text = builder.parts[0] as TextPart;
    expect(text.citations).to.have.length(MAX_CITATIONS);
    expect(builder.parts.filter((p) => p.type === 'source')).to.have.length(1000);
  });
});

describe('citation markers in the text', () => {
  const source = (url: string, title: string | null = null): ChatPart => ({ type: 'source', url, title });
  const markers = (text: string) => text.replace(/\uE000(\d+)\uE001/g, '[$1]');

  it('numbers markers as the sources list does: an unsafe source is not listed, so the next one is 1', () => {
    const parts: ChatPart[] = [
      { type: 'text', text: 'Alpha beta.', citations: [{ url: 'https://b.example/', end: 5 }, { url: 'javascript:x', end: 11 }] },
      source('javascript:x'),
      source('https://b.example/'),
    ];
    const cited = markCitations('Alpha beta.', parts)!;
    expect(markers(cited.text)).to.equal('Alpha[1] beta.');
    expect(cited.sources.map((s) => s.href)).to.deep.equal(['https://b.example/']);
  });

  it('finds each text part after a tool step’s paragraph break, and moves a marker back over the line break after the cited words', () => {
    const parts: ChatPart[] = [
      { type: 'text', text: 'First.\n' , citations: [{ url: 'https://a.example/', end: 7 }] },
      { type: 'tool', id: 't', name: 'search', input: {}, state: 'output-available', output: 1 },
      { type: 'text', text: 'Second.', citations: [{ url: 'https://a.example/', end: 7 }] },
      source('https://a.example/'),
    ];
    expect(markers(markCitations('First.\n\n\nSecond.', parts)!.text)).to.equal('First.[1]\n\n\nSecond.[1]');
    expect(markers(markCitations('First.\nSecond.', parts)!.text)).to.equal('First.[1]\nSecond.[1]');
  });

  it('the model cannot forge a marker: its own private-use pair is dropped once markers are placed', () => {
    const forged = `Claim${MARK}1${MARK_END} proven.`;
    const parts: ChatPart[] = [{ type: 'text', text: forged, citations: [{ url: 'https://a.example/', end: forged.length }] }, source('https://a.example/')];
    expect(markers(markCitations(forged, parts)!.text)).to.equal('Claim1 proven.[1]');
  });

  it('positions from storage are checked: not a whole number, negative, past the end, or inside a surrogate pair', () => {
    const text = 'ab😀cd';
    const citations = [1.5, Number.NaN, -4, 99, 3].map((end) => ({ url: 'https://a.example/', end }));
    const parts = [{ type: 'text', text, citations }, source('https://a.example/')] as ChatPart[];
    expect(markers(markCitations(text, parts)!.text)).to.equal('[1]ab😀[1]cd[1]');
  });
});

describe('citation markers on screen', () => {
  it('a finished answer shows a numbered link after the cited words, in the same paragraph, pointing at the listed source', async () => {
    const flow = await scenario({ contentType: SSE, chunks: [openAiChat()] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const answer = await el.send('Why is the sky blue?');
    expect(answer?.content).to.equal(OPENAI_TEXT);
    await el.updateComplete;
    const root = shadow(el);
    const cites = [...root.querySelectorAll<HTMLElement>('[part~="citation"]')];
    expect(cites.map((c) => c.textContent)).to.deep.equal(['1', '2']);
    const links = cites.map((c) => c.querySelector('a')!);
    const listed = [...root.querySelectorAll<HTMLAnchorElement>('[part~="source"] a')].map((a) => a.href);
    expect(links.map((a) => a.href)).to.deep.equal(listed);
    expect(listed).to.deep.equal(['https://nasa.gov/sky', 'https://en.wikipedia.org/wiki/Grass']);
    expect(links[0]!.getAttribute('aria-label')).to.equal('1: Why is the sky blue?');
    // After the cited link, before the full stop, in the paragraph: the markdown link is still a link.
    const paragraph = cites[0]!.closest('p')!;
    expect(paragraph.textContent).to.equal('The sky is blue 🌤 (NASA)1. Grass is green (Wiki)2.');
    expect(paragraph.querySelectorAll('a:not(sup a)')).to.have.length(2);
    assertSafe(root.querySelector('.md')!, 'cited answer');
  });

  it('keeps the markers with persist: a reload shows them again', async () => {
    const key = `test-citations-${Date.now()}`;
    try {
      const flow = await scenario({ contentType: SSE, chunks: [openAiChat()] });
      const first = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
      await first.send('Why is the sky blue?');
      first.remove();
      const second = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
      await second.updateComplete;
      expect([...shadow(second).querySelectorAll('[part~="citation"]')].map((c) => c.textContent)).to.deep.equal(['1', '2']);
    } finally {
      localStorage.removeItem(`ai-chat:${key}`);
    }
  });

  it('inside code the marker is left out, and with no-markdown there is none', async () => {
    const code = 'Run `npm test` now.';
    const annotations = [{ type: 'url_citation', url_citation: { url: 'https://docs.example/', title: 'Docs', start_index: 0, end_index: 8 } }];
    const body = [event({ choices: [{ index: 0, delta: { content: code } }] }), event({ choices: [{ index: 0, delta: { annotations }, finish_reason: 'stop' }] }), DONE].join('');
    const flow = await scenario({ contentType: SSE, chunks: [body] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('How?');
    await el.updateComplete;
    expect(shadow(el).querySelector('.md code')!.textContent).to.equal('npm test');
    expect(part(el, 'citation')).to.equal(null);
    const plain = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} no-markdown></ai-chat>`);
    const answer = await plain.send('How?');
    await plain.updateComplete;
    expect(part(plain, 'citation')).to.equal(null);
    expect(shadow(plain).querySelector('[part~="message-assistant"] .content')!.textContent).to.equal(answer!.content);
  });

  it('runs the XSS corpus through cited words and source titles and URLs: nothing runs, nothing unsafe is made', async function () {
    this.timeout(60_000);
    const corpus = await loadCorpus();
    const watch = new PayloadWatch();
    watch.arm();
    window.addEventListener('message', watch.onMessage);
    try {
      for (let start = 0; start < corpus.length; start += 50) {
        const batch = corpus.slice(start, start + 50);
        let content = '';
        const annotations = batch.map(({ payload }, i) => {
          content += `${payload}\n\n`;
          const url = i % 2 ? payload : `https://example.com/${i}`;
          return { type: 'url_citation', url_citation: { url, title: payload, start_index: 0, end_index: codePoints(content) - 2 } };
        });
        const body = [event({ choices: [{ index: 0, delta: { content } }] }), event({ choices: [{ index: 0, delta: { annotations } }] }), DONE].join('');
        const flow = await scenario({ contentType: SSE, chunks: [body] });
        const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
        el.addEventListener('click', watch.onClick);
        const answer = await el.send('go');
        expect(answer?.status, answer?.error).to.equal('done');
        await el.updateComplete;
        const root = shadow(el);
        expect(root.querySelectorAll('[part~="citation"]').length).to.be.greaterThan(0);
        assertSafe(root.querySelector('.md')!, `payloads ${start + 1}-${start + batch.length}`);
        for (const link of root.querySelectorAll<HTMLAnchorElement>('[part~="citation"] a')) link.click();
        watch.assertQuiet(`citations, payloads ${start + 1}-${start + batch.length}`);
        el.remove();
      }
    } finally {
      window.removeEventListener('message', watch.onMessage);
    }
  });
});
