import { expect, fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { AiChat } from '../src/ai-chat.js';
import { MAX_HISTORY_BYTES, recentHistory } from '../src/request.js';
import type { ChatMessage } from '../src/types.js';
import { textOnly } from './helpers.js';

const conversation = (count: number, size = 10): ChatMessage[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `h${i}`,
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `${i}:`.padEnd(size, 'x'),
    status: 'done',
  }));

describe('recentHistory', () => {
  it('keeps system prompts and the newest `limit` messages, in order', () => {
    const system: ChatMessage = { id: 's', role: 'system', content: 'Be brief.', status: 'done' };
    const { messages, leftOut } = recentHistory([system, ...conversation(10)], 4);
    expect(messages.map((m) => m.id)).to.deep.equal(['s', 'h6', 'h7', 'h8', 'h9']);
    expect(leftOut).to.equal(6);
  });

  it('stays under the byte budget counted in UTF-8, and always keeps the newest message', () => {
    // 3 bytes per character: 40 messages of 1,000 "€" are 120 KB of UTF-8,
    // twice over as sent (the content, and the same text as a part): about 6 KB each.
    const heavy = conversation(40).map((m) => ({ ...m, content: '€'.repeat(1000) }));
    const { messages } = recentHistory(heavy, 100, 20_000);
    expect(messages).to.have.length(3);
    expect(messages.at(-1)!.id).to.equal('h39');
    const huge = [{ ...heavy[0]!, id: 'big', content: 'x'.repeat(2 * MAX_HISTORY_BYTES) }];
    expect(recentHistory(huge, 100).messages.map((m) => m.id)).to.deep.equal(['big']);
  });

  it('leaves a short conversation whole', () => {
    const all = conversation(7);
    expect(recentHistory(all, 100)).to.deep.equal({ messages: all, leftOut: 0 });
  });
});

interface Setup {
  url: string;
}
const setupHandler = async (): Promise<Setup> =>
  (await (
    await fetch('/__handler/setup', {
      method: 'POST',
      body: JSON.stringify({ provider: 'mock', mock: { tokenDelayMs: 0, firstTokenDelayMs: 0 } }),
    })
  ).json()) as Setup;

describe('history-limit against the real handler', () => {
  it('answers after 2,000 messages of history (the handler takes 200 by default), and says in the debug log what was left out', async () => {
    const handler = await setupHandler();
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${handler.url} debug></ai-chat>`);
    expect(el.historyLimit).to.equal(100);
    el.messages = [{ id: 's', role: 'system', content: 'Be brief.', status: 'done' }, ...conversation(2000, 500)];
    const sent: unknown[] = [];
    el.addEventListener('ai-chat-send', (event) => sent.push(event.detail.request.body.messages));
    const logged: string[] = [];
    const debug = console.debug;
    console.debug = (...args: unknown[]) => logged.push(args.map(String).join(' '));
    try {
      const answer = await el.send('And now?');
      expect(answer?.status, answer?.error).to.equal('done');
      expect(answer?.content.length).to.be.greaterThan(0);
    } finally {
      console.debug = debug;
    }
    const messages = sent[0] as Array<{ role: string; content: string }>;
    expect(messages).to.have.length(101);
    expect(textOnly(messages)[0]).to.deep.equal({ role: 'system', content: 'Be brief.' });
    expect(textOnly(messages).at(-1)).to.deep.equal({ role: 'user', content: 'And now?' });
    expect(logged.some((line) => line.includes('the 1901 before them were left out (history-limit 100'))).to.equal(true);
    // Everything stays on screen.
    expect(el.messages).to.have.length(2003);
  });

  it('sends what history-limit says', async () => {
    const handler = await setupHandler();
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${handler.url} history-limit="3"></ai-chat>`);
    el.messages = conversation(10);
    const sent: Array<Array<{ content: string }>> = [];
    el.addEventListener('ai-chat-send', (event) => sent.push(event.detail.request.body.messages));
    await el.send('Q');
    expect(sent[0]!.map((m) => m.content)).to.deep.equal([conversation(10)[8]!.content, conversation(10)[9]!.content, 'Q']);
  });
});
