import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { AiChatOpenDetail } from '../src/events.js';
import { DONE, openAiEvent, scenario, shadow, type ScriptedChunk } from './helpers.js';
import { canonical, sourcesOf, toolsOf } from './parts-feed.js';

interface ManifestEntry {
  file: string;
  format: string;
  contentType: string;
  expected: { text: string; reasoning: string; error: string | null; tools: unknown[]; sources: unknown[] };
}

let manifest: ManifestEntry[] = [];
const bodies = new Map<string, Uint8Array>();

const toBase64 = (bytes: Uint8Array) => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
};

/** The body cut into `pieces` chunks at awkward, deterministic offsets. */
function chunked(bytes: Uint8Array, pieces: number): ScriptedChunk[] {
  const cuts = new Set<number>();
  for (let i = 1; i < pieces; i++) cuts.add(Math.floor((bytes.length * i) / pieces) + (i % 3) - 1);
  const offsets = [0, ...[...cuts].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  return offsets.slice(1).map((end, i) => ({ base64: toBase64(bytes.slice(offsets[i], end)), delay: 3 }));
}

/** AI SDK servers say which protocol they speak in a header; the manifest lists only the content type. */
function headersFor(entry: ManifestEntry): Record<string, string> {
  if (entry.file.startsWith('vercel-data-stream')) return { 'x-vercel-ai-data-stream': 'v1' };
  if (entry.file.startsWith('vercel-ui-message-stream')) return { 'x-vercel-ai-ui-message-stream': 'v1' };
  return {};
}

describe('every provider format, end to end', () => {
  before(async () => {
    manifest = (await (await fetch(new URL('./fixtures/manifest.json', import.meta.url))).json()) as ManifestEntry[];
    for (const entry of manifest) {
      const response = await fetch(new URL(`./fixtures/${entry.file}`, import.meta.url));
      bodies.set(entry.file, new Uint8Array(await response.arrayBuffer()));
    }
  });

  it('renders exactly the expected text, reasoning, error, tool calls and sources of every fixture, whole and in odd chunks', async function () {
    this.timeout(120_000);
    expect(manifest.length).to.be.at.least(39);
    const failures: string[] = [];
    for (const entry of manifest) {
      for (const pieces of [1, 7]) {
        const bytes = bodies.get(entry.file)!;
        const flow = await scenario({
          contentType: entry.contentType,
          headers: headersFor(entry),
          chunks: pieces === 1 ? [{ base64: toBase64(bytes) }] : chunked(bytes, pieces),
        });
        // Plain-text rendering, so what is shown can be compared byte for byte.
        const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} max-retries="0" no-markdown></ai-chat>`);
        const message = (await el.send('question'))!;
        const where = `${entry.file} (${pieces} chunk${pieces > 1 ? 's' : ''})`;
        const { text, reasoning, error } = entry.expected;
        const shown = shadow(el).querySelectorAll('.message .content')[1]?.textContent ?? '';
        if (message.content !== text) failures.push(`${where}: text ${JSON.stringify(message.content.slice(0, 80))}`);
        if (shown !== text) failures.push(`${where}: shown text differs`);
        if ((message.reasoning ?? '') !== reasoning) failures.push(`${where}: reasoning differs`);
        if (error !== null) {
          if (message.status !== 'error' || message.error !== error) failures.push(`${where}: error ${message.error}`);
        } else if (message.status !== 'done') {
          failures.push(`${where}: status ${message.status} ${message.error ?? ''}`);
        }
        // Tool calls and sources, as the manifest gives them: an answer made only of calls ends done.
        const parts = message.parts ?? [];
        if (canonical(toolsOf(parts)) !== canonical(entry.expected.tools)) failures.push(`${where}: tools differ`);
        if (canonical(sourcesOf(parts)) !== canonical(entry.expected.sources)) failures.push(`${where}: sources differ`);
        const steps = shadow(el).querySelectorAll('[part~="tool-name"]');
        if (steps.length !== entry.expected.tools.length) failures.push(`${where}: ${steps.length} tool steps shown`);
        el.remove();
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});

describe('format handling in the element', () => {
  it('shows reasoning in a collapsed Thinking section, apart from the answer', async () => {
    const flow = await scenario({
      chunks: [
        'data: {"choices":[{"delta":{"reasoning_content":"Let me think. "}}]}\n\n',
        'data: {"choices":[{"delta":{"content":"The answer."}}]}\n\n',
        DONE,
      ],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const message = await el.send('q');
    expect(message?.content).to.equal('The answer.');
    expect(message?.reasoning).to.equal('Let me think. ');
    const details = shadow(el).querySelector<HTMLDetailsElement>('[part="reasoning"]')!;
    expect(details.open).to.equal(false);
    expect(details.querySelector('summary')!.textContent).to.equal('Thinking');
    expect(shadow(el).querySelectorAll('.message .content')[1]!.textContent).to.equal('The answer.');
  });

  it('reports the response once with ai-chat-open: status and detected format', async () => {
    const flow = await scenario({
      chunks: ['event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n'],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const opens: AiChatOpenDetail[] = [];
    el.addEventListener('ai-chat-open', (event) => opens.push(event.detail));
    await el.send('q');
    expect(opens).to.deep.equal([{ status: 200, format: 'anthropic', contentType: 'text/event-stream' }]);
  });

  it('calls parseEvent first for every event with { data, event, id }, as documented: event names given and not given', async () => {
    const flow = await scenario({
      chunks: ['id: 7\nevent: token\ndata: one\n\n', 'event: token\ndata: two\n\n', 'data: {"content":"!"}\n\n', 'event: end\ndata: x\n\n'],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const seen: Array<[event: string, data: string, id: string]> = [];
    // Written exactly as the README's parseEvent example destructures it.
    el.parseEvent = ({ data, event, id }) => {
      seen.push([event, data, id]);
      if (event === 'token') return { text: `${data} ` };
      if (event === 'end') return { done: true };
      return undefined; // built-in detection reads {"content":"!"}
    };
    const message = await el.send('q');
    expect(message?.content).to.equal('one two !');
    expect(message?.status).to.equal('done');
    expect(seen).to.deep.equal([
      ['token', 'one', '7'],
      ['token', 'two', '7'],
      // No `event:` field: the SSE default name, never undefined.
      ['message', '{"content":"!"}', '7'],
      ['end', 'x', '7'],
    ]);
  });

  it('parseEvent gets only the documented names: no second name for the event field', async () => {
    const flow = await scenario({ chunks: ['data: plain\n\n', 'event: custom\ndata: named\n\n', DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const keys: string[][] = [];
    el.parseEvent = (event) => {
      keys.push(Object.keys(event).sort());
      if (event.data === '[DONE]') return undefined; // the built-in end marker
      return { text: event.event === 'custom' ? `[${event.data}]` : event.data };
    };
    expect((await el.send('q'))?.content).to.equal('plain[named]');
    expect(keys[0]).to.deep.equal(['data', 'event', 'id']);
    expect(keys.every((names) => names.join() === 'data,event,id')).to.equal(true);
  });

  it('a pinned format falls back to detection for events that do not match it', async () => {
    const flow = await scenario({ chunks: [openAiEvent('OpenAI '), 'data: {"content":"and generic"}\n\n', DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} format="anthropic"></ai-chat>`);
    expect((await el.send('q'))?.content).to.equal('OpenAI and generic');
  });

  it('with debug, logs each raw event, the format and what was extracted, and why an event was skipped', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Logged'), 'data: {broken\n\n', DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} debug></ai-chat>`);
    const logs: unknown[][] = [];
    const debug = console.debug;
    console.debug = (...args: unknown[]) => logs.push(args);
    try {
      await el.send('q');
    } finally {
      console.debug = debug;
    }
    const read = logs.find((args) => args[1] === 'read');
    expect(read).to.exist;
    expect(JSON.stringify(read)).to.contain('Logged');
    expect(String(read![3])).to.contain('openai');
    const skipped = logs.find((args) => args[1] === 'skipped' && JSON.stringify(args).includes('{broken'));
    expect(skipped, 'a log line for the broken event').to.exist;
    // Without debug, nothing is logged.
    logs.length = 0;
    el.debug = false;
    console.debug = (...args: unknown[]) => logs.push(args);
    try {
      await el.send('again');
    } finally {
      console.debug = debug;
    }
    expect(logs).to.deep.equal([]);
  });

  it('streams a text/plain body in raw chunks', async () => {
    const flow = await scenario({ contentType: 'text/plain; charset=utf-8', chunks: ['Plain ', 'text ', 'answer.'], delay: 10 });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    const opened = oneEvent(el, 'ai-chat-open');
    expect((await el.send('q'))?.content).to.equal('Plain text answer.');
    expect((await opened).detail.format).to.equal('text');
  });

  it('retries a provider stream that closes before its end marker, resuming by id', async () => {
    const start = `id: 1\nevent: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[]}}\n\n`;
    const delta = (id: number, text: string) =>
      `id: ${id}\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${text}"}}\n\n`;
    const stop = `id: 9\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`;
    const flow = await scenario({ chunks: [start, delta(2, 'Cut ')] }, { chunks: [delta(3, 'cleanly.'), stop] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} retry-delay="10"></ai-chat>`);
    const message = await el.send('q');
    expect(message?.content).to.equal('Cut cleanly.');
    expect(message?.status).to.equal('done');
    const requests = await flow.requests();
    expect(requests).to.have.length(2);
    expect(requests[1]!.headers['last-event-id']).to.equal('2');
  });
});
