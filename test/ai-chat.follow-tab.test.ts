import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { setup, type HarnessLog, type Setup } from './handler-helpers.js';
import { bubbleTexts, part, until } from './helpers.js';

// Two tabs with one `persist` key, against the real handler
// (test/server/handler-harness.mjs) and its fake OpenAI provider, which
// counts the provider calls. The tab that asks is this test page; the other
// tab is a same-origin frame, which gets this page's storage events as
// another tab would.

const WORDS = Array.from({ length: 24 }, (_, i) => `word${i} `);
const FULL_TEXT = WORDS.join('');
const openAiBody = () =>
  [...WORDS.map((w) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: w } }] })}\n\n`), 'data: [DONE]\n\n'].join('');

let count = 0;
const freshKey = () => `test-follow-${Date.now()}-${++count}`;

/**
 * The other tab: a frame running the element from source. Frames of one tab
 * share its `sessionStorage`, where the element keeps the tab's name (which
 * tells a reload of this tab from another tab); a real second tab has its
 * own, so the frame gets a name of its own before its element starts.
 */
async function otherTab(endpoint: string, key: string): Promise<{ frame: HTMLIFrameElement; chat: AiChat }> {
  sessionStorage.removeItem('ai-chat-tab');
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><script type="module" src="/src/index.ts"></script><ai-chat endpoint="${endpoint}" persist="${key}"></ai-chat>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const chat = frame.contentDocument!.querySelector('ai-chat') as AiChat;
  await until(() => chat.shadowRoot, 'the element in the other tab');
  await chat.updateComplete;
  return { frame, chat };
}

/** The chat requests (POST) and cancels (DELETE) the handler answered. */
const requests = (log: HarnessLog, method: string) => log.responses.filter((response) => response.method === method);

const stored = (key: string) =>
  (JSON.parse(localStorage.getItem(`ai-chat:${key}`)!) as { messages: Array<{ role: string; content: string; status: string }> }).messages;

/** Each message's text and status, and what each bubble shows: what a reader compares between the tabs. */
const seen = (el: AiChat) => ({ messages: el.messages.map((m) => [m.role, m.content, m.status]), bubbles: bubbleTexts(el) });

/**
 * Both tabs end showing the whole answer, done, message for message and
 * bubble for bubble; the provider was called once, and the handler answered
 * only the POSTs with `statuses` (the leader's, then the follower's): nothing else.
 */
async function expectSameEnding(server: Setup, leader: AiChat, follower: AiChat, statuses: number[]): Promise<void> {
  await until(() => follower.messages[1]?.status === 'done' && follower.status === 'idle', 'the follower to end', 8000);
  await Promise.all([leader.updateComplete, follower.updateComplete]);
  expect(seen(follower)).to.deep.equal(seen(leader));
  expect(follower.messages[1]!.content).to.equal(FULL_TEXT);
  const log = await server.log();
  expect(log.upstream, 'provider calls').to.have.length(1);
  expect(requests(log, 'POST').map((response) => response.status)).to.deep.equal(statuses);
  expect(log.responses).to.have.length(statuses.length);
}

describe('a second tab follows the answer the first one streams', () => {
  let frame: HTMLIFrameElement | undefined;
  /**
   * The real handler with a paced answer (`delayMs` before each event), the
   * tab that asks (this page) and the other tab; `first` runs in the asking
   * tab before the other one opens.
   */
  async function twoTabs<T>(delayMs = 120, first?: (leader: AiChat, key: string) => Promise<T>) {
    const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs } });
    const key = freshKey();
    const leader = await fixture<AiChat>(html`<ai-chat endpoint=${server.url} persist=${key}></ai-chat>`);
    const before = await first?.(leader, key);
    const other = await otherTab(server.url, key);
    frame = other.frame;
    return { server, key, leader, follower: other.chat, first: before };
  }

  afterEach(() => {
    frame?.remove();
    frame = undefined;
    for (const key of Object.keys(localStorage)) if (key.startsWith('ai-chat:test-follow-')) localStorage.removeItem(key);
  });

  it('shows it live from the server, ends with exactly the same text and status, with one provider call', async () => {
    const { server, key, leader, follower } = await twoTabs();

    const asking = leader.send('Count for me');
    // Live: the follower reads the answer itself (busy, streaming) while the leader is still streaming it.
    await until(() => follower.status === 'streaming' && follower.messages[1]?.content.includes('word10 '), 'the follower to stream', 8000);
    expect(leader.messages[1]!.status).to.equal('streaming');
    const midway = follower.messages[1]!.content;
    expect(midway).to.not.equal(FULL_TEXT);
    expect(FULL_TEXT.startsWith(midway)).to.equal(true);
    await follower.updateComplete;
    expect(bubbleTexts(follower)[1]).to.include('word10');

    // No parallel turn: the follower's composer offers Stop, and send() does nothing.
    expect(part(follower, 'stop-button')).to.exist;
    expect(part(follower, 'send-button')).to.equal(null);
    expect(await follower.send('Me too')).to.equal(undefined);

    expect((await asking)?.content).to.equal(FULL_TEXT);
    // The leader's request and the follower's one resume read; no cancel, no second turn.
    await expectSameEnding(server, leader, follower, [200, 200]);
    // The leader's save stands.
    expect(stored(key).map((m) => [m.content, m.status])).to.deep.equal([
      ['Count for me', 'done'],
      [FULL_TEXT, 'done'],
    ]);

    // Once the answer has ended, the follower asks its own question, and both tabs show it.
    expect((await follower.send('Once more'))?.content).to.equal(FULL_TEXT);
    expect((await server.log()).upstream).to.have.length(2);
    await until(() => leader.messages.length === 4 && leader.messages[3]!.status === 'done', 'the leader to show the new turn');
    expect(leader.messages.map((m) => m.content)).to.deep.equal(['Count for me', FULL_TEXT, 'Once more', FULL_TEXT]);
  });

  it('a tab opened while the answer streams follows it from where storage has it, no word twice or lost', async () => {
    const { server, leader, follower, first } = await twoTabs(120, async (leader, key) => {
      const asking = leader.send('Count for me');
      await until(() => Object.keys(localStorage).some((name) => name.startsWith(`ai-chat:${key}:turn:`)), 'the leader to save its turn');
      return { asking };
    });
    const { asking } = first!;
    await until(() => follower.status === 'streaming', 'the follower to stream');
    expect(leader.messages[1]!.status).to.equal('streaming');
    expect(FULL_TEXT.startsWith(follower.messages[1]!.content)).to.equal(true);

    await asking;
    await expectSameEnding(server, leader, follower, [200, 200]);
  });

  it("when the server cannot resume it, shows what storage holds and takes the leader's saves", async () => {
    const { server, leader, follower } = await twoTabs();
    // A page that changes the conversation it sends makes the follower's
    // request another conversation's, which the handler refuses to resume (409).
    follower.addEventListener('ai-chat-send', (event) => event.detail.request.body.messages.push({ ...event.detail.request.body.messages[0]! }));

    const asking = leader.send('Count for me');
    await until(async () => requests(await server.log(), 'POST').length === 2, 'the follow attempt');
    // Storage as the leader saves it: streaming, then growing.
    await until(() => follower.messages[1]?.status === 'streaming' && follower.status === 'idle', 'the stored answer');
    const shown = follower.messages[1]!.content;
    await until(() => follower.messages[1]!.content.length > shown.length, "the leader's next save");

    await asking;
    // One refused follow, never tried again for that turn.
    await expectSameEnding(server, leader, follower, [200, 409]);
  });

  it("the follower's Stop stops the answer for both tabs (the cancel), and both end the same", async () => {
    const { server, leader, follower } = await twoTabs(150);

    const asking = leader.send('Count for me');
    await until(() => follower.status === 'streaming' && follower.messages[1]?.content.includes('word9 '), 'the follower to stream', 8000);
    await follower.updateComplete;
    part(follower, 'stop-button')!.click();
    const stopped = await asking;
    expect(stopped?.content).to.not.equal(FULL_TEXT);

    const log = await until(async () => {
      const current = await server.log();
      return current.upstream[0]?.closedByClient ? current : undefined;
    }, 'the provider call to close');
    expect(log.upstream).to.have.length(1);
    expect(log.upstream[0]!.completed).to.equal(false);
    expect(requests(log, 'DELETE').map((response) => response.status)).to.deep.equal([204]);
    await until(() => follower.messages[1]?.status === stopped?.status && follower.messages[1]?.content === stopped?.content, 'the same ending');
    await Promise.all([leader.updateComplete, follower.updateComplete]);
    expect(seen(follower)).to.deep.equal(seen(leader));
  });

  it("when the leader's tab closes mid-answer, the follower reads it to the end and saves that ending", async () => {
    const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs: 120 } });
    const key = freshKey();
    // This time the other tab asks, and this page follows.
    const follower = await fixture<AiChat>(html`<ai-chat endpoint=${server.url} persist=${key}></ai-chat>`);
    const other = await otherTab(server.url, key);
    frame = other.frame;
    void other.chat.send('Count for me');
    await until(() => follower.status === 'streaming' && follower.messages[1]?.content.includes('word8 '), 'the follower to stream', 8000);
    frame.remove();
    frame = undefined;

    await until(() => follower.messages[1]?.status === 'done', 'the follower to end', 8000);
    expect(follower.messages[1]!.content).to.equal(FULL_TEXT);
    expect(stored(key).map((m) => [m.content, m.status])).to.deep.equal([
      ['Count for me', 'done'],
      [FULL_TEXT, 'done'],
    ]);
    // Its next turn keeps the whole answer, on screen and saved.
    expect((await follower.send('Once more'))?.content).to.equal(FULL_TEXT);
    const contents = ['Count for me', FULL_TEXT, 'Once more', FULL_TEXT];
    expect(follower.messages.map((m) => [m.content, m.status])).to.deep.equal(contents.map((content) => [content, 'done']));
    expect(stored(key).map((m) => [m.content, m.status])).to.deep.equal(contents.map((content) => [content, 'done']));
    expect((await server.log()).upstream, 'provider calls').to.have.length(2);
  });

  it("a duplicated tab (a copy of this tab's sessionStorage, name included) follows the answer as another tab's", async () => {
    const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs: 120 } });
    const key = freshKey();
    const leader = await fixture<AiChat>(html`<ai-chat endpoint=${server.url} persist=${key}></ai-chat>`);
    const asking = leader.send('Count for me');
    const turnKeys = () => Object.keys(localStorage).filter((name) => name.startsWith(`ai-chat:${key}:turn:`));
    await until(() => turnKeys().length === 1, 'the leader to save its turn');
    const [leaderTurn] = turnKeys();
    // A frame shares this page's sessionStorage as a duplicated tab starts with a copy of
    // it: holding the leader's tab name (earlier tests' frames wrote theirs).
    sessionStorage.setItem('ai-chat-tab', leaderTurn!.slice(`ai-chat:${key}:turn:`.length));
    frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><meta charset="utf-8"><script type="module" src="/src/index.ts"></script><ai-chat endpoint="${server.url}" persist="${key}"></ai-chat>`;
    const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const copy = frame.contentDocument!.querySelector('ai-chat') as AiChat;
    await until(() => copy.status === 'streaming', 'the copy to follow');
    // It took a name of its own, and left the leader's turn alone.
    expect(`ai-chat:${key}:turn:${sessionStorage.getItem('ai-chat-tab')}`).to.not.equal(leaderTurn);
    expect(turnKeys()).to.deep.equal([leaderTurn]);
    expect((await asking)?.content).to.equal(FULL_TEXT);
    await expectSameEnding(server, leader, copy, [200, 200]);
  });

  it('removes the turns tabs closed mid-answer left a day ago, and follows none of them', async () => {
    const server = await setup({ provider: 'openai', upstream: { body: openAiBody(), delayMs: 10 } });
    const key = freshKey();
    localStorage.setItem(
      `ai-chat:${key}`,
      JSON.stringify({ v: 1, messages: [{ id: 'q', role: 'user', content: 'Old question', status: 'done' }, { id: 'a', role: 'assistant', content: 'Half', status: 'streaming' }] }),
    );
    const endpoint = new URL(server.url, location.href).href;
    const turn = (savedAt?: number) => JSON.stringify({ messageId: 'a', idempotencyKey: `k-${savedAt}`, lastEventId: '3', endpoint, length: 4, savedAt });
    localStorage.setItem(`ai-chat:${key}:turn:closed-yesterday`, turn(Date.now() - 25 * 60 * 60_000));
    localStorage.setItem(`ai-chat:${key}:turn:older-version`, turn());
    const chat = await fixture<AiChat>(html`<ai-chat endpoint=${server.url} persist=${key}></ai-chat>`);
    await chat.updateComplete;
    expect(Object.keys(localStorage).filter((name) => name.startsWith(`ai-chat:${key}:turn:`))).to.deep.equal([]);
    // Shown as it was left, interrupted; nothing was asked of the server.
    expect(chat.messages.map((m) => [m.content, m.status])).to.deep.equal([
      ['Old question', 'done'],
      ['Half', 'error'],
    ]);
    expect((await server.log()).responses).to.have.length(0);
  });

  it('takes no storage event a later write has replaced (a late follower write never wins over the writer)', async () => {
    const key = freshKey();
    const chat = await fixture<AiChat>(html`<ai-chat persist=${key}></ai-chat>`);
    frame = document.createElement('iframe');
    const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const write = (storage: Storage, content: string) =>
      storage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages: [{ id: 'elsewhere', role: 'user', content, status: 'done' }] }));
    // What the element shows as each event arrives (this listener runs after its own).
    const shownAtEvent = new Map<string, string[]>();
    const record = (event: StorageEvent) => shownAtEvent.set(event.newValue ?? '', chat.messages.map((m) => m.content));
    addEventListener('storage', record);
    try {
      write(frame.contentWindow!.localStorage, 'older');
      // This page writes before the frame's event reaches it (no event here for its own write).
      write(localStorage, 'newer');
      write(frame.contentWindow!.localStorage, 'newest');
      await until(() => chat.messages[0]?.content === 'newest', "the frame's last write");
      const [older] = [...shownAtEvent].find(([value]) => value.includes('"older"')) ?? [];
      expect(older, 'the event of the replaced write arrived').to.be.a('string');
      expect(shownAtEvent.get(older!)).to.deep.equal([]);
    } finally {
      removeEventListener('storage', record);
    }
  });
});
