import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { ToolPart } from '../src/stream/parts.js';
import { part, scenario, shadow } from './helpers.js';
import { loadCorpus, PayloadWatch } from './xss-kit.js';

// Answers made of parts (#14): tool calls, sources and files, through the
// real element from the scripted test server.

const UI_STREAM = { 'x-vercel-ai-ui-message-stream': 'v1' };
const uiEvent = (value: Record<string, unknown>) => `data: ${JSON.stringify(value)}\n\n`;

/** An AI SDK UI message stream: text, a tool call with its result, two sources (one unsafe) and a file. */
const agentAnswer = () => [
  uiEvent({ type: 'start' }),
  uiEvent({ type: 'tool-input-start', toolCallId: 'call-1', toolName: 'getOrder' }),
  uiEvent({ type: 'tool-input-delta', toolCallId: 'call-1', inputTextDelta: '{"id":' }),
  uiEvent({ type: 'tool-input-delta', toolCallId: 'call-1', inputTextDelta: '7}' }),
  uiEvent({ type: 'tool-input-available', toolCallId: 'call-1', toolName: 'getOrder', input: { id: 7 } }),
  uiEvent({ type: 'tool-output-available', toolCallId: 'call-1', output: { status: 'shipped' } }),
  uiEvent({ type: 'text-start', id: 't1' }),
  uiEvent({ type: 'text-delta', id: 't1', delta: 'Your order has shipped.' }),
  uiEvent({ type: 'text-end', id: 't1' }),
  uiEvent({ type: 'source-url', sourceId: 's1', url: 'https://example.com/orders', title: 'Order help' }),
  uiEvent({ type: 'source-url', sourceId: 's2', url: 'javascript:alert(1)', title: 'Evil' }),
  uiEvent({ type: 'file', url: 'https://example.com/label.png', mediaType: 'image/png' }),
  uiEvent({ type: 'finish' }),
  'data: [DONE]\n\n',
];

interface ManifestEntry {
  file: string;
  contentType: string;
  expected: { tools: Array<{ id: string | null; name: string; input: unknown; output?: unknown }> };
}

describe('answers made of parts', () => {
  it('an answer that only calls a tool ends done, with its tool step on screen', async () => {
    const manifest = (await (await fetch('/test/fixtures/manifest.json')).json()) as ManifestEntry[];
    const entry = manifest.find((e) => e.file === 'openai-chat-tool-calls.sse')!;
    const body = await (await fetch(`/test/fixtures/${entry.file}`)).text();
    const flow = await scenario({ contentType: entry.contentType, chunks: [body] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const firstPart = oneEvent(el, 'ai-chat-part');
    const answer = await el.send('What is the weather?');
    expect(answer?.status, answer?.error).to.equal('done');
    expect((await firstPart).detail.part.type).to.equal('tool');
    const tools = (answer!.parts ?? []).filter((p): p is ToolPart => p.type === 'tool');
    expect(tools.map(({ id, name, input }) => ({ id, name, input }))).to.deep.equal(entry.expected.tools);
    await el.updateComplete;
    expect(part(el, 'tool-name')?.textContent).to.equal(entry.expected.tools[0]!.name);
    expect(part(el, 'error')).to.equal(null);
  });

  it('shows a tool step with its state, input and output as text, numbered safe sources, and a file as a link', async () => {
    const flow = await scenario({ headers: UI_STREAM, delay: 5, chunks: agentAnswer() });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const seen: string[] = [];
    el.addEventListener('ai-chat-part', (event) => {
      const { part: p } = event.detail;
      seen.push(p.type === 'tool' ? `tool:${p.state}` : p.type);
    });
    const done = oneEvent(el, 'ai-chat-done');
    const answer = await el.send('Where is my order?');
    expect(answer?.content).to.equal('Your order has shipped.');
    expect((await done).detail.message.parts?.map((p: { type: string }) => p.type)).to.deep.equal(['tool', 'text', 'source', 'file']);
    expect(seen).to.include.members(['tool:input-streaming', 'tool:output-available', 'source', 'file']);
    await el.updateComplete;
    expect(part(el, 'tool-name')!.textContent).to.equal('getOrder');
    expect(part(el, 'tool-status')!.textContent).to.equal('Done');
    expect(JSON.parse(part(el, 'tool-input')!.textContent!)).to.deep.equal({ id: 7 });
    expect(JSON.parse(part(el, 'tool-output')!.textContent!)).to.deep.equal({ status: 'shipped' });
    const links = [...shadow(el).querySelectorAll<HTMLAnchorElement>('[part~="source"] a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).to.deep.equal([['Order help', 'https://example.com/orders']]);
    expect(part(el, 'sources')!.localName).to.equal('ol');
    // Without allow-images, a file is a link, never a fetched image.
    expect(part(el, 'file')!.localName).to.equal('a');
    expect(shadow(el).querySelector('img')).to.equal(null);
    // The step's end was spoken once.
    expect(shadow(el).querySelector('[role="status"]')!.textContent).to.match(/Answer: Your order has shipped\./);
  });

  it('keeps parts with persist and shows them again after a reload', async () => {
    const key = `test-parts-${Date.now()}`;
    try {
      const flow = await scenario({ headers: UI_STREAM, chunks: agentAnswer() });
      const first = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
      await first.send('Where is my order?');
      first.remove();
      const second = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
      expect(second.messages[1]!.parts?.map((p) => p.type)).to.deep.equal(['tool', 'text', 'source', 'file']);
      expect(part(second, 'tool-name')!.textContent).to.equal('getOrder');
      expect(shadow(second).querySelectorAll('[part~="source"]')).to.have.length(1);
    } finally {
      localStorage.removeItem(`ai-chat:${key}`);
    }
  });

  it('links a file or a source only where a link may go: a data: file and a planted javascript: link in storage show as text', async () => {
    const flow = await scenario({
      headers: UI_STREAM,
      chunks: [
        uiEvent({ type: 'start' }),
        uiEvent({ type: 'file', url: 'data:text/html;base64,PHNjcmlwdD4=', mediaType: 'text/html' }),
        uiEvent({ type: 'finish' }),
        'data: [DONE]\n\n',
      ],
    });
    const streamed = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await streamed.send('Send me the page');
    await streamed.updateComplete;
    expect(part(streamed, 'file')!.localName).to.equal('span');
    expect(part(streamed, 'file')!.textContent).to.equal('text/html');

    // Whatever can write to the origin's storage may plant parts: they are shown through the same check.
    const key = `test-parts-planted-${Date.now()}`;
    localStorage.setItem(
      `ai-chat:${key}`,
      JSON.stringify({
        v: 1,
        messages: [
          { id: 'u1', role: 'user', content: 'q', status: 'done' },
          {
            id: 'a1',
            role: 'assistant',
            content: 'a',
            status: 'done',
            parts: [
              { type: 'text', text: 'a' },
              { type: 'source', url: 'javascript:alert(1)', title: 'Evil' },
              { type: 'source', url: 'https://example.com/ok', title: 'Fine' },
              { type: 'file', url: 'JaVaScRiPt:alert(1)', mediaType: 'image/png', filename: 'x.png' },
            ],
          },
        ],
      }),
    );
    try {
      const restored = await fixture<AiChat>(html`<ai-chat persist=${key} allow-images></ai-chat>`);
      await restored.updateComplete;
      const links = [...shadow(restored).querySelectorAll<HTMLAnchorElement>('[part~="source"] a')];
      expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/ok']);
      expect(part(restored, 'file')!.localName).to.equal('span');
      expect(shadow(restored).querySelector('img')).to.equal(null);
    } finally {
      localStorage.removeItem(`ai-chat:${key}`);
    }
  });

  for (const markdown of [true, false]) {
    it(`runs the XSS corpus through tool names, inputs, outputs, errors, and source titles and URLs${markdown ? '' : ' (no-markdown)'}: nothing runs, nothing unsafe is made`, async function () {
      this.timeout(120_000);
      const corpus = await loadCorpus();
      const watch = new PayloadWatch();
      watch.arm();
      window.addEventListener('message', watch.onMessage);
      try {
        // In answers of 40 steps each: a page of agent steps, not one of hundreds.
        for (let start = 0; start < corpus.length; start += 40) {
          const batch = corpus.slice(start, start + 40);
          const events = batch.flatMap(({ payload }, i) => [
            uiEvent({ type: 'tool-input-start', toolCallId: `c${i}`, toolName: payload }),
            uiEvent({ type: 'tool-input-available', toolCallId: `c${i}`, toolName: payload, input: { q: payload } }),
            i % 2
              ? uiEvent({ type: 'tool-output-available', toolCallId: `c${i}`, output: payload })
              : uiEvent({ type: 'tool-output-error', toolCallId: `c${i}`, errorText: payload }),
            // Every other source is the payload as its URL: dropped, never a link.
            uiEvent({ type: 'source-url', sourceId: `s${i}`, url: i % 2 ? payload : `https://example.com/${i}`, title: payload }),
            uiEvent({ type: 'file', url: payload, mediaType: 'image/png', filename: payload }),
          ]);
          const flow = await scenario({ headers: UI_STREAM, chunks: [uiEvent({ type: 'start' }), ...events, 'data: [DONE]\n\n'] });
          const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} allow-images ?no-markdown=${!markdown}></ai-chat>`);
          el.addEventListener('click', watch.onClick);
          const answer = await el.send('go');
          expect(answer?.status, answer?.error).to.equal('done');
          await el.updateComplete;
          const root = shadow(el);
          const made = [...root.querySelectorAll('[part~="tool"], [part~="sources"], [part~="file"]')];
          expect(root.querySelectorAll('[part~="tool"]')).to.have.length(batch.length);
          // Element names only, so a failure message never carries a live node.
          const tags = new Set(made.flatMap((node) => [node, ...node.querySelectorAll('*')]).map((node) => node.localName));
          expect([...tags].filter((tag) => !['details', 'summary', 'span', 'div', 'pre', 'ol', 'li', 'a'].includes(tag))).to.deep.equal([]);
          for (const node of made.flatMap((n) => [n, ...n.querySelectorAll('*')])) {
            for (const { name } of node.attributes) expect(name.startsWith('on'), `${name} on <${node.localName}>`).to.equal(false);
          }
          for (const link of root.querySelectorAll<HTMLAnchorElement>('[part~="source"] a, a[part~="file"]')) {
            expect(['http:', 'https:'], link.getAttribute('href') ?? '').to.include(new URL(link.href).protocol);
          }
          // Every name is there, as text.
          const names = [...root.querySelectorAll('[part~="tool-name"]')].map((n) => n.textContent);
          const missing = batch.filter((p, i) => names[i] !== p.payload).map((p) => p.id);
          expect(missing, 'tool names not shown as written').to.deep.equal([]);
          for (const details of root.querySelectorAll<HTMLDetailsElement>('[part~="tool"]')) details.open = true;
          await el.updateComplete;
          watch.assertQuiet(`tool and source fields, payloads ${start + 1}-${start + batch.length}`);
          el.remove();
        }
      } finally {
        window.removeEventListener('message', watch.onMessage);
      }
    });
  }
});
