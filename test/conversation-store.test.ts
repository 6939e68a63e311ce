import { expect } from '@open-wc/testing';
import { nextStreamingSave } from '../src/controllers/conversation-sync.js';
import { ConversationStore, newMessageId, unsavedFiles } from '../src/conversation-store.js';
import type { ChatPart } from '../src/stream/parts.js';
import { fillStorageBut } from './fill-storage.js';
import type { ChatMessage, MessageStatus } from '../src/types.js';

// The store on its own, against the browser's real localStorage. Two stores
// on one key stand for two tabs; the element's tests do it with real pages.
let count = 0;
const freshKey = () => `test-store-${Date.now()}-${++count}`;
const INTERRUPTED = 'Interrupted.';
const message = (role: 'user' | 'assistant', content: string, status: MessageStatus = 'done'): ChatMessage => ({
  id: newMessageId(),
  role,
  content,
  status,
});
const storedOf = (store: ConversationStore) =>
  (JSON.parse(localStorage.getItem(store.key)!) as { messages: ChatMessage[] }).messages.map((m) => [m.content, m.status]);

describe('ConversationStore', () => {
  afterEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith('ai-chat:test-store-')) localStorage.removeItem(key);
  });

  it('saves and loads a conversation under ai-chat:<key>, without UI-only fields', () => {
    const key = freshKey();
    const store = new ConversationStore(key);
    const q = message('user', 'Hi');
    const a = { ...message('assistant', 'Hello'), reasoning: 'think', extra: 'dropped' } as ChatMessage;
    expect(store.save([q, a])).to.deep.equal([q, a]);
    expect(store.key).to.equal(`ai-chat:${key}`);
    const loaded = new ConversationStore(key).load(INTERRUPTED);
    expect(loaded).to.deep.equal({
      ok: true,
      messages: [
        { id: q.id, role: 'user', content: 'Hi', status: 'done' },
        { id: a.id, role: 'assistant', content: 'Hello', status: 'done', reasoning: 'think' },
      ],
    });
  });

  it('reports empty, corrupt and wrong-version data instead of throwing', () => {
    const key = freshKey();
    const store = new ConversationStore(key);
    expect(store.load(INTERRUPTED)).to.deep.equal({ ok: false, reason: 'empty' });
    localStorage.setItem(store.key, '{oops');
    expect(store.load(INTERRUPTED)).to.include({ ok: false, reason: 'corrupt' });
    localStorage.setItem(store.key, JSON.stringify({ v: 2, messages: [] }));
    expect(store.load(INTERRUPTED)).to.include({ ok: false, reason: 'corrupt' });
    localStorage.setItem(store.key, JSON.stringify({ v: 1, messages: [{ id: 'x', role: 'user', content: 3, status: 'done' }] }));
    expect(store.load(INTERRUPTED)).to.include({ ok: false, reason: 'corrupt' });
  });

  it('reports unavailable storage, and a failed save, without throwing', () => {
    const blocked = new ConversationStore(freshKey(), () => {
      throw new DOMException('blocked', 'SecurityError');
    });
    expect(blocked.load(INTERRUPTED)).to.deep.equal({ ok: false, reason: 'unavailable' });
    expect(blocked.save([message('user', 'x')])).to.equal(undefined);
    expect(() => blocked.remove()).not.to.throw();
  });

  it('restores an answer whose page went away mid-stream as interrupted, and leaves its turn out of context', () => {
    const key = freshKey();
    const q = message('user', 'Q');
    const a = message('assistant', 'Half', 'streaming');
    // Saved by "another page": the ids are this page's, so write the JSON directly with foreign ids.
    localStorage.setItem(
      `ai-chat:${key}`,
      JSON.stringify({ v: 1, messages: [{ ...q, id: 'other-1' }, { ...a, id: 'other-2' }] }),
    );
    const store = new ConversationStore(key);
    const loaded = store.load(INTERRUPTED);
    if (!loaded.ok) throw new Error('not loaded');
    expect(loaded.messages[1]).to.include({ content: 'Half', status: 'error', error: INTERRUPTED });
    expect(store.isUnfinishedElsewhere(loaded.messages[1])).to.equal(true);
    expect(store.isUnfinishedElsewhere(loaded.messages[0])).to.equal(false);
  });

  it("merges per message: one tab's stale copy never overwrites another tab's answer", () => {
    const key = freshKey();
    const tabA = new ConversationStore(key);
    const qA = message('user', 'Question A');
    const aA = message('assistant', '', 'pending');
    tabA.save([qA, aA]);

    // Tab B opens while A's answer is pending: it shows it as interrupted.
    const tabB = new ConversationStore(key);
    const loaded = tabB.load(INTERRUPTED);
    if (!loaded.ok) throw new Error('not loaded');
    const qB = message('user', 'Question B');
    const aB = message('assistant', 'Answer B');
    tabB.save([...loaded.messages, qB, aB]);

    // A finishes, unaware of B's turn: B's messages are kept, after A's.
    aA.content = 'Answer A';
    aA.status = 'done';
    tabA.save([qA, aA]);
    expect(storedOf(tabA)).to.deep.equal([
      ['Question A', 'done'],
      ['Answer A', 'done'],
      ['Question B', 'done'],
      ['Answer B', 'done'],
    ]);

    // B saves again with its stale copy of A's answer: A's stays, and B is handed the merged list.
    const merged = tabB.save([...loaded.messages, qB, aB]);
    expect(storedOf(tabB)).to.deep.equal([
      ['Question A', 'done'],
      ['Answer A', 'done'],
      ['Question B', 'done'],
      ['Answer B', 'done'],
    ]);
    expect(merged?.map((m) => m.content)).to.deep.equal(['Question A', 'Answer A', 'Question B', 'Answer B']);
  });

  it('a message this tab removed stays removed; one another tab added is kept', () => {
    const key = freshKey();
    const tabA = new ConversationStore(key);
    const q = message('user', 'Q');
    const failed = message('assistant', 'Failed', 'error');
    tabA.save([q, failed]);
    const tabB = new ConversationStore(key);
    const loaded = tabB.load(INTERRUPTED);
    if (!loaded.ok) throw new Error('not loaded');
    // B retries: the failed answer is replaced by a new one.
    const retried = message('assistant', 'Retried');
    tabB.save([loaded.messages[0]!, retried]);
    expect(storedOf(tabB)).to.deep.equal([
      ['Q', 'done'],
      ['Retried', 'done'],
    ]);
  });

  it('hands back the same objects for messages that did not change, so their rendering is kept', () => {
    const key = freshKey();
    const tabA = new ConversationStore(key);
    const q = message('user', 'Q');
    const a = message('assistant', 'A');
    tabA.save([q, a]);
    const tabB = new ConversationStore(key);
    const first = tabB.parse(localStorage.getItem(tabA.key)!);
    tabA.save([q, a, message('user', 'More')]);
    const second = tabB.parse(localStorage.getItem(tabA.key)!);
    if (!first.ok || !second.ok) throw new Error('not parsed');
    expect(second.messages[0]).to.equal(first.messages[0]);
    expect(second.messages[1]).to.equal(first.messages[1]);
    expect(second.messages).to.have.length(3);
  });

  it('never stores or restores system messages', () => {
    const key = freshKey();
    const store = new ConversationStore(key);
    const system: ChatMessage = { id: 's', role: 'system', content: 'Be terse.', status: 'done' };
    const q = message('user', 'Q');
    expect(store.save([system, q])).to.deep.equal([system, q]);
    expect(storedOf(store)).to.deep.equal([['Q', 'done']]);
    localStorage.setItem(store.key, JSON.stringify({ v: 1, messages: [{ ...system, content: 'Planted' }, q] }));
    const loaded = new ConversationStore(key).load(INTERRUPTED);
    expect(loaded.ok && loaded.messages.map((m) => m.role)).to.deep.equal(['user']);
  });

  describe('versions and feedback', () => {
    // A conversation after Regenerate on an answer whose question had been
    // edited before: versions inside a version, the shape message actions make.
    const conversation = () => {
      const oldQuestion = message('user', 'First wording');
      const oldAnswer = { ...message('assistant', 'Old answer'), feedback: 'bad' } as ChatMessage;
      const olderAnswer = message('assistant', 'Older answer');
      const middleAnswer: ChatMessage = { ...message('assistant', 'Middle answer'), versions: { before: [[olderAnswer]], after: [] } };
      const question: ChatMessage = {
        ...message('user', 'Second wording'),
        versions: { before: [[oldQuestion, oldAnswer]], after: [] },
      };
      const answer: ChatMessage = {
        ...message('assistant', 'New answer'),
        feedback: 'good',
        versions: { before: [[middleAnswer]], after: [[message('assistant', 'Later answer'), message('user', 'More')]] },
      };
      return [question, answer];
    };

    it('saves and restores versions, nested ones and feedback as they were', () => {
      const key = freshKey();
      const messages = conversation();
      new ConversationStore(key).save(messages);
      const loaded = new ConversationStore(key).load(INTERRUPTED);
      expect(loaded).to.deep.equal({ ok: true, messages });
      if (!loaded.ok) throw new Error('not loaded');
      const middle = loaded.messages[1]!.versions!.before[0]![0]!;
      expect(middle.versions!.before[0]![0]!.content).to.equal('Older answer');
      expect(loaded.messages[0]!.versions!.before[0]![1]!.feedback).to.equal('bad');
    });

    it('stores only known fields inside versions, and no system message there', () => {
      const key = freshKey();
      const answer = message('assistant', 'Shown');
      const kept = { ...message('assistant', 'Kept aside'), extra: 'dropped', versions: undefined } as ChatMessage;
      const system: ChatMessage = { id: 's', role: 'system', content: 'Be terse.', status: 'done' };
      answer.versions = { before: [[kept, system]], after: [[system]] };
      new ConversationStore(key).save([message('user', 'Q'), answer]);
      const stored = JSON.parse(localStorage.getItem(`ai-chat:${key}`)!) as { messages: ChatMessage[] };
      // The version that held only a system message is gone: a version is never empty.
      expect(stored.messages[1]!.versions).to.deep.equal({
        before: [[{ id: kept.id, role: 'assistant', content: 'Kept aside', status: 'done' }]],
        after: [],
      });
    });

    it('drops planted system messages inside versions on restore', () => {
      const key = freshKey();
      const planted = { id: 'p', role: 'system', content: 'Planted', status: 'done' };
      const kept = { id: 'k', role: 'assistant', content: 'Kept', status: 'done', versions: { before: [[planted]], after: [] } };
      const shown = { id: 'a', role: 'assistant', content: 'A', status: 'done', versions: { before: [[kept, planted]], after: [] } };
      const question = { id: 'q', role: 'user', content: 'Q', status: 'done' };
      localStorage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages: [question, shown] }));
      const loaded = new ConversationStore(key).load(INTERRUPTED);
      if (!loaded.ok) throw new Error('not loaded');
      expect(loaded.messages[1]!.versions).to.deep.equal({
        before: [[{ id: 'k', role: 'assistant', content: 'Kept', status: 'done', versions: { before: [], after: [] } }]],
        after: [],
      });
    });

    it('restores an answer kept aside mid-stream as interrupted, like one in the conversation', () => {
      const key = freshKey();
      const cutOff = { id: 'o', role: 'assistant', content: 'Half', status: 'streaming' };
      const first = { id: 'q1', role: 'user', content: 'Q', status: 'done' };
      const shown = { id: 'q2', role: 'user', content: 'Edited', status: 'done', versions: { before: [[first, cutOff]], after: [] } };
      localStorage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages: [shown] }));
      const loaded = new ConversationStore(key).load(INTERRUPTED);
      if (!loaded.ok) throw new Error('not loaded');
      expect(loaded.messages[0]!.versions!.before[0]![1]).to.include({ status: 'error', error: INTERRUPTED, content: 'Half' });
    });

    it('merges tabs as before: a message with versions is one message', () => {
      const key = freshKey();
      const tabA = new ConversationStore(key);
      const [question, answer] = conversation();
      tabA.save([question!, answer!]);
      const tabB = new ConversationStore(key);
      const loaded = tabB.load(INTERRUPTED);
      if (!loaded.ok) throw new Error('not loaded');
      tabB.save([...loaded.messages, message('user', 'From B')]);
      // A rates its answer again (a new object, as actions make) without having seen B's question.
      const rated = { ...answer!, feedback: 'bad' } as ChatMessage;
      const merged = tabA.save([question!, rated]);
      expect(merged?.map((m) => m.content)).to.deep.equal(['Second wording', 'New answer', 'From B']);
      const again = new ConversationStore(key).load(INTERRUPTED);
      if (!again.ok) throw new Error('not loaded');
      expect(again.messages[1]).to.deep.equal(rated);
      expect(again.messages[0]!.versions).to.deep.equal(question!.versions);
    });

    it('reports hostile versions and feedback as corrupt', () => {
      const key = freshKey();
      const store = new ConversationStore(key);
      const valid = { id: 'x', role: 'assistant', content: 'A', status: 'done' };
      for (const hostile of [
        { ...valid, feedback: 'meh' },
        { ...valid, feedback: 1 },
        { ...valid, versions: null },
        { ...valid, versions: [] },
        { ...valid, versions: { before: [] } },
        { ...valid, versions: { before: [valid], after: [] } },
        { ...valid, versions: { before: [[{ ...valid, content: 3 }]], after: [] } },
        { ...valid, versions: { before: [], after: [[{ ...valid, versions: { before: [[{ ...valid, status: 'x' }]], after: [] } }]] } },
      ]) {
        localStorage.setItem(store.key, JSON.stringify({ v: 1, messages: [hostile] }));
        expect(store.load(INTERRUPTED), JSON.stringify(hostile)).to.include({ ok: false, reason: 'corrupt' });
      }
    });

    it('refuses versions nested 10,000 deep quickly, without a stack overflow', () => {
      const key = freshKey();
      const depth = 10_000;
      const open = '{"id":"x","role":"assistant","content":"A","status":"done","versions":{"before":[[';
      const close = ']],"after":[]}}';
      const deepest = '{"id":"y","role":"assistant","content":"B","status":"done"}';
      const raw = `{"v":1,"messages":[${open.repeat(depth)}${deepest}${close.repeat(depth)}]}`;
      localStorage.setItem(`ai-chat:${key}`, raw);
      const store = new ConversationStore(key);
      const started = performance.now();
      let loaded: ReturnType<ConversationStore['load']> | undefined;
      expect(() => (loaded = store.load(INTERRUPTED))).not.to.throw();
      // Refused for its depth, not a RangeError caught on the way out.
      expect(loaded).to.deep.equal({ ok: false, reason: 'corrupt', detail: 'unexpected shape' });
      // A save over it must not throw either: it replaces what it cannot read.
      expect(store.save([message('user', 'Fresh start')])).to.have.length(1);
      expect(performance.now() - started).to.be.below(1000);
    });

    it('saves versions nested past the depth it reads by leaving out the deepest, so the conversation still loads', () => {
      const key = freshKey();
      let deepest: ChatMessage = message('assistant', 'Deepest');
      for (let i = 0; i < 40; i++) deepest = { ...message('assistant', `Level ${i}`), versions: { before: [[deepest]], after: [] } };
      new ConversationStore(key).save([message('user', 'Q'), deepest]);
      const loaded = new ConversationStore(key).load(INTERRUPTED);
      if (!loaded.ok) throw new Error(`not loaded: ${loaded.reason}`);
      let levels = 0;
      for (let at: ChatMessage | undefined = loaded.messages[1]; at?.versions; at = at.versions.before[0]?.[0]) levels++;
      expect(levels).to.equal(32);
    });
  });

  describe('saving a long conversation while an answer streams', () => {
    const rawOf = (store: ConversationStore) => localStorage.getItem(store.key)!;

    it('stores exactly the text JSON.stringify writes, however the message looks', () => {
      const store = new ConversationStore(freshKey());
      const kept = { ...message('assistant', 'Kept "aside"\n\u2028'), feedback: 'bad' } as ChatMessage;
      const answer: ChatMessage = {
        ...message('assistant', 'Shown </script> ✓', 'streaming'),
        reasoning: 'hm',
        parts: [{ type: 'text', text: 'Shown' }],
        versions: { before: [[kept, message('user', 'Then')]], after: [[message('assistant', 'Later')]] },
      };
      store.save([message('user', 'Q'), { ...message('assistant', 'Failed', 'error'), error: 'Boom' }, answer]);
      const raw = rawOf(store);
      expect(raw).to.equal(JSON.stringify(JSON.parse(raw)));
      answer.status = 'done';
      store.save([message('user', 'Q'), answer]);
      expect(rawOf(store)).to.equal(JSON.stringify(JSON.parse(rawOf(store))));
    });

    it('saves an answer as it grows, its versions with it, and a finished message replaced by a new object anew', () => {
      const key = freshKey();
      const store = new ConversationStore(key);
      const question = message('user', 'Q');
      const earlier = message('assistant', 'Earlier');
      const answer: ChatMessage = { ...message('assistant', 'Hal', 'streaming'), versions: { before: [[earlier]], after: [] } };
      store.save([question, answer]);
      answer.content += 'f';
      store.save([question, answer]);
      expect(storedOf(store)[1]).to.deep.equal(['Half', 'streaming']);
      answer.content += ' done';
      answer.status = 'done';
      store.save([question, answer]);
      expect(storedOf(store)[1]).to.deep.equal(['Half done', 'done']);
      const rated = { ...answer, feedback: 'good' } as ChatMessage;
      store.save([question, rated]);
      const loaded = new ConversationStore(key).load(INTERRUPTED);
      if (!loaded.ok) throw new Error('not loaded');
      expect(loaded.messages[1]).to.deep.equal({
        id: answer.id,
        role: 'assistant',
        content: 'Half done',
        status: 'done',
        feedback: 'good',
        versions: { before: [[earlier]], after: [] },
      });
    });

    it('saves a message moved deeper into versions to the depth a load reads', () => {
      const key = freshKey();
      const store = new ConversationStore(key);
      // 33 messages, each the version of the one before: as deep as a load reads.
      let chain: ChatMessage = message('assistant', 'Deepest');
      for (let i = 0; i < 32; i++) chain = { ...message('assistant', `Level ${i}`), versions: { before: [[chain]], after: [] } };
      store.save([chain]);
      expect(new ConversationStore(key).load(INTERRUPTED).ok).to.equal(true);
      // The same object one level down: its deepest version no longer fits.
      const question: ChatMessage = { ...message('user', 'Edited'), versions: { before: [[chain]], after: [] } };
      store.save([question]);
      expect(new ConversationStore(key).load(INTERRUPTED).ok).to.equal(true);
    });

    it('keeps a small file inside a version whole and stores a large one without its bytes, shown as not saved', () => {
      const key = freshKey();
      const file = (name: string, bytes: number): ChatPart => ({
        type: 'file',
        mediaType: 'image/png',
        filename: name,
        url: `data:image/png;base64,${'A'.repeat(Math.ceil(bytes / 3) * 4)}`,
      });
      const small = file('small.png', 1000);
      const large = file('large.png', 1_100_000);
      const withFile = (part: ChatPart): ChatMessage => ({ ...message('user', ''), parts: [part] });
      const question: ChatMessage = { ...message('user', 'Edited'), versions: { before: [[withFile(small)], [withFile(large)]], after: [] } };
      const store = new ConversationStore(key);
      store.save([question]);
      store.save([question]);
      const urls = (m: ChatMessage) => m.versions!.before.map((version) => (version[0]!.parts![0] as { url: string }).url.length);
      const loaded = new ConversationStore(key).load(INTERRUPTED);
      if (!loaded.ok) throw new Error('not loaded');
      expect(urls(loaded.messages[0]!)).to.deep.equal([(small as { url: string }).url.length, 0]);
      expect([unsavedFiles.has(small), unsavedFiles.has(large)]).to.deep.equal([false, true]);
    });
  });

  it("keeps what another tab added through saves whose merge this tab does not show (saves while it streams)", () => {
    const key = freshKey();
    const a = new ConversationStore(key);
    const q1 = message('user', 'Q1');
    const answer = message('assistant', 'Str', 'streaming');
    a.save([q1, answer]);
    // The other tab (not following this answer) asks its own question meanwhile.
    const b = new ConversationStore(key);
    const loaded = b.load();
    if (!loaded.ok) throw new Error('not loaded');
    const q2 = message('user', 'Q2');
    const a2 = message('assistant', 'A2');
    b.save([...loaded.messages, q2, a2]);
    // This tab saves twice while streaming, never showing the merge.
    answer.content = 'Streaming';
    a.save([q1, answer]);
    answer.content = 'Streaming on';
    a.save([q1, answer]);
    expect(storedOf(a)).to.deep.equal([
      ['Q1', 'done'],
      ['Streaming on', 'streaming'],
      ['Q2', 'done'],
      ['A2', 'done'],
    ]);
  });

  it('remove() deletes the saved copy', () => {
    const store = new ConversationStore(freshKey());
    store.save([message('user', 'Q')]);
    store.remove();
    expect(localStorage.getItem(store.key)).to.equal(null);
  });
});

describe('saving after a load', () => {
  /** Stores `messages` as another page (or older code) left them, loads them, and saves them with one question more. */
  function loadAndSaveAgain(messages: object[]): { stored: string; shown: ChatMessage[] } {
    const key = `test-reload-${Date.now()}-${Math.random()}`;
    localStorage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages }));
    const store = new ConversationStore(key);
    const loaded = store.load('Interrupted');
    if (!loaded.ok) throw new Error(loaded.reason);
    store.save([...loaded.messages, { id: 'next', role: 'user', content: 'Next', status: 'done' }]);
    const stored = localStorage.getItem(`ai-chat:${key}`)!;
    localStorage.removeItem(`ai-chat:${key}`);
    return { stored, shown: loaded.messages };
  }

  it('leaves out a field the widget does not store, as any save does', () => {
    const { stored } = loadAndSaveAgain([
      { id: 'q', role: 'user', content: 'Q', status: 'done', planted: 'x'.repeat(1000) },
      { id: 'a', role: 'assistant', content: 'A', status: 'done' },
    ]);
    expect(stored).to.not.contain('planted');
    expect((JSON.parse(stored) as { messages: ChatMessage[] }).messages.map((m) => m.content)).to.deep.equal(['Q', 'A', 'Next']);
  });

  it('saves a stored file over the budget without its bytes, and marks it not saved', () => {
    const url = `data:image/png;base64,${'A'.repeat(1_600_000)}`;
    const { stored, shown } = loadAndSaveAgain([
      { id: 'q', role: 'user', content: 'Q', status: 'done', parts: [{ type: 'text', text: 'Q' }, { type: 'file', mediaType: 'image/png', url }] },
      { id: 'a', role: 'assistant', content: 'A', status: 'done' },
    ]);
    expect(stored.length).to.be.below(10_000);
    expect(unsavedFiles.has(shown[0]!.parts![1]!)).to.equal(true);
  });

  it('writes a conversation stored as the widget stores it back the same', () => {
    const messages = [
      { id: 'q', role: 'user', content: 'Q', status: 'done' },
      { id: 'a', role: 'assistant', content: 'A **b**', status: 'done', reasoning: 'r', feedback: 'good' },
    ];
    const { stored } = loadAndSaveAgain(messages);
    expect(stored).to.equal(JSON.stringify({ v: 1, messages: [...messages, { id: 'next', role: 'user', content: 'Next', status: 'done' }] }));
  });
});

describe('files a full storage left out', () => {
  const key = () => `test-store-full-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const withFile = (content: string): ChatMessage => ({
    ...message('user', content),
    parts: [{ type: 'text', text: content }, { type: 'file', mediaType: 'image/png', filename: 'a.png', url: `data:image/png;base64,${'A'.repeat(300_000)}` }],
  });
  const fileOf = (m: ChatMessage) => m.parts![1]!;
  const storedUrls = (name: string) =>
    (JSON.parse(localStorage.getItem(`ai-chat:${name}`)!) as { messages: ChatMessage[] }).messages.flatMap((m) =>
      (m.parts ?? []).flatMap((p) => (p.type === 'file' ? [p.url.length] : [])),
    );
  afterEach(() => {
    localStorage.removeItem('filler');
    for (const stored of Object.keys(localStorage)) if (stored.startsWith('ai-chat:test-store-full-')) localStorage.removeItem(stored);
  });

  it('a file saved without its bytes is no longer marked once a save keeps them (the reader made room)', () => {
    const name = key();
    const store = new ConversationStore(name);
    const question = withFile('Q');
    fillStorageBut(50_000);
    store.save([question]);
    expect([storedUrls(name), unsavedFiles.has(fileOf(question))]).to.deep.equal([[0], true]);
    localStorage.removeItem('filler');
    store.save([question, message('assistant', 'A')]);
    expect([storedUrls(name), unsavedFiles.has(fileOf(question))]).to.deep.equal([[(fileOf(question) as { url: string }).url.length], false]);
  });

  for (const [kind, asked] of [
    ['a question', () => withFile('Q')],
    // Edit keeps the question's files, and the question before the edit in its versions.
    ['an edited question', (): ChatMessage => {
      const before = withFile('Q0');
      return { ...message('user', 'Q1'), parts: [{ type: 'text', text: 'Q1' }, fileOf(before)], versions: { before: [[before]], after: [] } };
    }],
  ] as const)
  it(`after another tab saved, a full storage marks the file this tab shows of ${kind}, not a copy of it`, () => {
    const name = key();
    const other = new ConversationStore(name);
    const question = asked();
    other.save([question]);
    const store = new ConversationStore(name);
    const loaded = store.load(INTERRUPTED);
    if (!loaded.ok) throw new Error(loaded.reason);
    // The other tab adds an answer; this tab takes the storage event's value in.
    other.save([question, message('assistant', 'A')]);
    const changed = store.parse(localStorage.getItem(`ai-chat:${name}`)!);
    if (!changed.ok) throw new Error(changed.reason);
    const shown = changed.messages;
    expect(shown[0] === loaded.messages[0]).to.equal(true);
    fillStorageBut(50_000);
    // A question with a file of its own: the two files do not fit, the text does.
    store.save([...shown, withFile('Next')]);
    expect([storedUrls(name), unsavedFiles.has(fileOf(shown[0]!))]).to.deep.equal([[0, 0], true]);
  });
});

describe('saving while an answer streams', () => {
  // Pure policy: when the next throttled save may run, from when the last one ran and how long it took.
  it('saves once a second while saving is cheap, spaces long saves to 1/100 of the time, at most 5 s', () => {
    expect(nextStreamingSave(10_000, 2)).to.equal(11_000);
    expect(nextStreamingSave(10_000, 10)).to.equal(11_000);
    // 2,000 messages: about 20 ms a save, so one every 2 s, not one a second.
    expect(nextStreamingSave(10_000, 20)).to.equal(12_000);
    expect(nextStreamingSave(10_000, 40)).to.equal(14_000);
    expect(nextStreamingSave(10_000, 100)).to.equal(15_000);
    // Never more than 5 s apart, however slow saving is: another tab follows, a crash loses little.
    expect(nextStreamingSave(10_000, 400)).to.equal(15_000);
  });
});
