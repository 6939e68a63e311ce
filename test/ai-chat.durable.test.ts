import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { setup } from './handler-helpers.js';
import { otherPage, reloadPage, until } from './helpers.js';

// The widget against the real handler (test/server/handler-harness.mjs) and
// its fake OpenAI provider, which counts the provider calls it receives.

const WORDS = Array.from({ length: 24 }, (_, i) => `word${i} `);
const FULL_TEXT = WORDS.join('');
const openAiBody = () =>
  [...WORDS.map((w) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: w } }] })}\n\n`), 'data: [DONE]\n\n'].join('');

let count = 0;
const freshKey = () => `test-durable-${Date.now()}-${++count}`;

/** A page with a persisted widget on the real handler, its answer streaming past `word`. */
async function streamingPage(word: string) {
  const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs: 120 } });
  const key = freshKey();
  const frame = await otherPage(`<ai-chat endpoint="${server.url}" persist="${key}"></ai-chat>`);
  const before = frame.contentDocument!.querySelector('ai-chat') as AiChat;
  void before.send('Count for me');
  await until(() => before.messages[1]?.content.includes(word), 'a few words');
  return { server, key, frame, before };
}

describe('durable answers', () => {
  afterEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('ai-chat:test-durable-')) localStorage.removeItem(key);
  });

  it('a reload mid-answer reads on from the server: same text, no word twice or lost, one provider call', async () => {
    const { server, frame, before } = await streamingPage('word5 ');
    try {
      const shownAtReload = before.messages[1]!.content;
      const after = await reloadPage(frame);
      // What was on screen is on screen at once…
      await after.updateComplete;
      expect(after.messages[1]!.content.startsWith(shownAtReload.slice(0, 'word0 word1 '.length))).to.equal(true);
      // …and the answer goes on streaming to its end.
      await until(() => after.messages[1]?.status === 'done', 'the resumed answer to finish', 8000);
      expect(after.messages[1]!.content).to.equal(FULL_TEXT);
      expect(after.messages.map((m) => m.role)).to.deep.equal(['user', 'assistant']);
      const log = await server.log();
      expect(log.upstream).to.have.length(1);
      // Saved as done, so the next reload shows it finished.
      const again = await reloadPage(frame);
      await again.updateComplete;
      expect(again.messages[1]).to.include({ content: FULL_TEXT, status: 'done' });
    } finally {
      frame.remove();
    }
  });

  it('falls back to the interrupted answer with Retry when the server no longer has it', async () => {
    const { key, frame } = await streamingPage('word3 ');
    try {
      // The turn saved as the page goes away names a key this server never saw.
      frame.contentWindow!.addEventListener('pagehide', () => {
        const turnKey = Object.keys(localStorage).find((name) => name.startsWith(`ai-chat:${key}:turn:`))!;
        const turn = JSON.parse(localStorage.getItem(turnKey)!);
        localStorage.setItem(turnKey, JSON.stringify({ ...turn, idempotencyKey: 'unknown-to-the-server' }));
      });
      const after = await reloadPage(frame);
      await until(() => after.messages[1]?.status === 'error', 'the interrupted answer', 8000);
      expect(after.messages[1]!.content).to.include('word0 ');
      expect(after.messages[1]!.error).to.match(/incomplete/);
      await after.updateComplete;
      expect(after.shadowRoot!.querySelector('[part~="retry-button"]')).to.exist;
    } finally {
      frame.remove();
    }
  });

  it('Stop cancels the provider call at once (DELETE with the turn key), and keeps the text', async () => {
    const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs: 200 } });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${server.url}></ai-chat>`);
    const sending = el.send('Count for me');
    await until(() => el.messages[1]?.content.includes('word1 '), 'the first words');
    const stoppedAt = performance.now();
    el.abort();
    const answer = await sending;
    expect(answer?.status).to.equal('aborted');
    expect(answer?.content).to.include('word1 ');
    const cancelled = await until(async () => {
      const log = await server.log();
      const deleted = log.responses.find((response) => response.method === 'DELETE');
      return deleted && log.upstream[0]?.closedByClient ? { deleted, log } : undefined;
    }, 'the DELETE and the provider call to close');
    expect(cancelled.deleted.status).to.be.within(200, 299);
    expect(performance.now() - stoppedAt).to.be.lessThan(2000);
    expect(cancelled.log.upstream[0]!.completed).to.equal(false);
  });

  it('a Stop whose cancel request fails still stops, and says so with debug', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere-that-accepts-delete" debug max-retries="0"></ai-chat>`);
    const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs: 200 } });
    el.endpoint = server.url;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    try {
      const sending = el.send('Count for me');
      await until(() => el.messages[1]?.content.includes('word0 '), 'the first word');
      el.endpoint = '/nowhere-that-accepts-delete';
      el.abort();
      expect((await sending)?.status).to.equal('aborted');
      await until(() => warnings.some((line) => line.includes('the cancel request failed')), 'the debug warning');
    } finally {
      console.warn = warn;
    }
  });
});
