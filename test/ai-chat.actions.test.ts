import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { AiChat } from '../src/ai-chat.js';
import type { AiChatFeedbackDetail } from '../src/events.js';
import type { ChatMessage } from '../src/types.js';
import {
  bubbleTexts,
  input,
  openAiEvent,
  otherPage,
  reloadPage,
  scenario,
  shadow,
  textOnly,
  shownLabel,
  until,
  wordStream,
  type Scenario,
} from './helpers.js';

// Actions on messages (#18): Copy, Regenerate, feedback and Edit, with the
// versions Regenerate and Edit leave browsable, against the real test server.

/** The action buttons of the message at `index` of the shown conversation (system prompts aside), by accessible name. */
function actionsOf(el: AiChat, index: number): Map<string, HTMLButtonElement> {
  const bubble = shadow(el).querySelectorAll('.message')[index]!;
  const buttons = [...bubble.querySelectorAll<HTMLButtonElement>('[part~=action-button]')];
  return new Map(buttons.map((button) => [button.getAttribute('aria-label') ?? button.textContent!.trim(), button]));
}
const action = (el: AiChat, index: number, name: string) => {
  const button = actionsOf(el, index).get(name);
  if (!button) throw new Error(`no ${name} on message ${index}: ${[...actionsOf(el, index).keys()].join(', ')}`);
  return button;
};
const versionText = (el: AiChat, index: number) =>
  shadow(el).querySelectorAll('.message')[index]!.querySelector('[part~=versions]')?.textContent?.replace(/\s/g, '');
/** What each request sent, as role and text. */
const sent = async (flow: Scenario) =>
  (await flow.requests()).map((request) => textOnly((JSON.parse(request.body) as { messages: ChatMessage[] }).messages));
/** Types `text` into the open editor of a question and presses its Send. */
function sendEdited(el: AiChat, text: string): void {
  const editor = shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]')!;
  editor.value = text;
  editor.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  shadow(el).querySelector<HTMLButtonElement>('[part~=editor] [type=submit]')!.click();
}
const settledAnswer = async (el: AiChat, index: number) => {
  await until(() => el.messages[index]?.status === 'done' && !el.status.startsWith('conn'), `answer ${index}`);
  await el.updateComplete;
};

/** Two questions answered: Q1 A1 Q2 A2. */
async function twoTurns(actions?: string, ...more: Parameters<typeof scenario>) {
  const flow = await scenario(wordStream(['First ', 'answer']), wordStream(['Second ', 'answer']), ...more);
  const el = await fixture<AiChat>(
    actions === undefined
      ? html`<ai-chat endpoint=${flow.url}></ai-chat>`
      : html`<ai-chat endpoint=${flow.url} actions=${actions}></ai-chat>`,
  );
  await el.send('Q1');
  await el.send('Q2');
  await el.updateComplete;
  return { el, flow };
}

describe('message actions: which ones show', () => {
  it('by default: Copy and Regenerate on a finished answer, Edit on a question, no feedback', async () => {
    const { el } = await twoTurns();
    expect([...actionsOf(el, 0).keys()]).to.deep.equal(['Edit']);
    expect([...actionsOf(el, 1).keys()]).to.deep.equal(['Copy', 'Regenerate']);
    expect([...actionsOf(el, 3).keys()]).to.deep.equal(['Copy', 'Regenerate']);
  });

  it('follows the actions token list, ignores unknown tokens, and shows none when empty', async () => {
    const { el } = await twoTurns('feedback edit shout');
    expect([...actionsOf(el, 1).keys()]).to.deep.equal(['Good answer', 'Bad answer']);
    expect([...actionsOf(el, 0).keys()]).to.deep.equal(['Edit']);
    el.actions = '';
    await el.updateComplete;
    expect(shadow(el).querySelectorAll('[part~=actions]')).to.have.length(0);
    el.removeAttribute('actions');
    await el.updateComplete;
    expect([...actionsOf(el, 1).keys()]).to.deep.equal(['Copy', 'Regenerate']);
  });

  it('shows no actions on an answer still streaming, and hides Regenerate and Edit while one streams', async () => {
    const flow = await scenario(wordStream(['Done.']), { chunks: [openAiEvent('Still')], end: 'hang' });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('one');
    const streaming = el.send('two');
    await until(() => el.messages[3]?.content === 'Still', 'the second answer');
    await el.updateComplete;
    expect(actionsOf(el, 3).size).to.equal(0);
    expect(getComputedStyle(action(el, 1, 'Regenerate')).visibility).to.equal('hidden');
    expect(getComputedStyle(action(el, 0, 'Edit')).visibility).to.equal('hidden');
    expect(getComputedStyle(action(el, 1, 'Copy')).visibility).to.equal('visible');
    let regenerated = 0;
    el.addEventListener('ai-chat-regenerate', () => regenerated++);
    const before = [...el.messages];
    action(el, 1, 'Regenerate').click();
    await el.updateComplete;
    expect(regenerated).to.equal(0);
    expect(el.messages).to.deep.equal(before);
    expect(el.messages[1]).to.equal(before[1]);
    expect((await flow.requests()).length).to.equal(2);
    el.abort();
    await streaming;
    await el.updateComplete;
    expect(getComputedStyle(action(el, 1, 'Regenerate')).visibility).to.equal('visible');
  });

  it('names the actions in German and French', async () => {
    const { el } = await twoTurns('copy regenerate feedback edit');
    const names = async (lang: string) => {
      el.lang = lang;
      await el.updateComplete;
      return [...actionsOf(el, 0).keys(), ...actionsOf(el, 1).keys()];
    };
    expect(await names('de')).to.deep.equal(['Bearbeiten', 'Kopieren', 'Neu generieren', 'Gute Antwort', 'Schlechte Antwort']);
    expect(await names('fr')).to.deep.equal(['Modifier', 'Copier', 'Régénérer', 'Bonne réponse', 'Mauvaise réponse']);
  });
});

describe('message actions: Copy', () => {
  it('copies the answer as its markdown text, says so, and fires ai-chat-copy', async () => {
    await executeServerCommand('grant-clipboard');
    const flow = await scenario(wordStream(['**Bold** and ', '`code`\n\n- item']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('markdown please');
    await el.updateComplete;
    const copied = new Promise<CustomEvent>((resolve) => el.addEventListener('ai-chat-copy', resolve, { once: true }));
    const button = action(el, 1, 'Copy');
    button.focus();
    await sendKeys({ press: 'Enter' });
    const event = await copied;
    expect(event.detail.message).to.equal(el.messages[1]);
    expect(await navigator.clipboard.readText()).to.equal('**Bold** and `code`\n\n- item');
    // What it shows is what it is called.
    expect([shownLabel(button), button.getAttribute('aria-label')]).to.deep.equal(['Copied', 'Copied']);
    await until(() => shownLabel(button) === 'Copy', 'the label back', 3000);
    expect(button.getAttribute('aria-label')).to.equal('Copy');
  });
});

describe('message actions in a short conversation', () => {
  it('a selection across answers copies their text, not their actions\' labels, which still show and name the buttons', async () => {
    const el = await fixture<AiChat>(html`<ai-chat actions="copy regenerate edit"></ai-chat>`);
    el.messages = [
      { id: 'u0', role: 'user', content: 'Question 0', status: 'done' },
      { id: 'a0', role: 'assistant', content: 'Answer **0**', status: 'done' },
      { id: 'u1', role: 'user', content: 'Question 1', status: 'done' },
      { id: 'a1', role: 'assistant', content: 'Answer 1', status: 'done' },
    ];
    await until(() => shadow(el).querySelectorAll('.message').length === 4, 'every message');
    await el.updateComplete;
    getSelection()!.selectAllChildren(shadow(el).querySelector('.log')!);
    const selected = getSelection()!.toString();
    getSelection()!.removeAllRanges();
    expect(selected.replace(/\s+/g, ' ').trim()).to.equal('Question 0 Answer 0 Question 1 Answer 1');
    expect([...actionsOf(el, 1).keys()]).to.deep.equal(['Copy', 'Regenerate']);
    expect([...actionsOf(el, 1).values()].map(shownLabel)).to.deep.equal(['Copy', 'Regenerate']);
    expect([...actionsOf(el, 2).values()].map(shownLabel)).to.deep.equal(['Edit']);
  });

  it('a rating keeps every message on screen and the focus on its button', async () => {
    const el = await fixture<AiChat>(html`<ai-chat actions="copy feedback"></ai-chat>`);
    el.addEventListener('ai-chat-feedback', () => {});
    el.messages = Array.from({ length: 3 }, (_, i) => [
      { id: `u${i}`, role: 'user' as const, content: `Question ${i}`, status: 'done' as const },
      { id: `a${i}`, role: 'assistant' as const, content: `Answer ${i}`, status: 'done' as const },
    ]).flat();
    await until(() => shadow(el).querySelectorAll('.message').length === 6, 'every message');
    await el.updateComplete;
    const good = shadow(el).querySelector<HTMLButtonElement>('button[name="good"][value="a0"]')!;
    good.focus();
    good.click();
    await el.updateComplete;
    // Not re-rendered newest first as a new conversation would be: all six stay, and focus stays on 👍.
    expect(shadow(el).querySelectorAll('.message')).to.have.length(6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((shadow(el).activeElement as HTMLButtonElement | null)?.name).to.equal('good');
    expect(shadow(el).activeElement!.getAttribute('aria-pressed')).to.equal('true');
  });
});

describe('a code block\'s Copy', () => {
  it('copies the code of a live answer into the clipboard and says so, served by the log like the actions', async () => {
    await executeServerCommand('grant-clipboard');
    const flow = await scenario(wordStream(['Run:\n\n```sh\n', 'npm test\n', '```\n']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('how?');
    await el.updateComplete;
    const button = shadow(el).querySelector<HTMLButtonElement>('.code-block .copy')!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => button.textContent === 'Copied', 'the button says so');
    expect(await navigator.clipboard.readText()).to.equal('npm test\n');
    // The answer's own Copy is another button: untouched.
    expect(shownLabel(action(el, 1, 'Copy'))).to.equal('Copy');
  });
});

describe('message actions: Regenerate and versions', () => {
  it('asks again with exactly the conversation before the answer, and keeps the earlier version browsable', async () => {
    const { el, flow } = await twoTurns(undefined, wordStream(['Another ', 'first']), wordStream(['Third ', 'first']));
    const regenerated = new Promise<CustomEvent>((resolve) => el.addEventListener('ai-chat-regenerate', resolve, { once: true }));
    action(el, 1, 'Regenerate').click();
    expect((await regenerated).detail.message.content).to.equal('First answer');
    await settledAnswer(el, 1);
    expect((await sent(flow))[2]).to.deep.equal([{ role: 'user', content: 'Q1' }]);
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'Another first']);
    expect(versionText(el, 1)).to.equal('‹2/2›');
    expect(shadow(el).activeElement).to.equal(input(el));

    const switched = new Promise<CustomEvent>((resolve) => el.addEventListener('ai-chat-version', resolve, { once: true }));
    action(el, 1, 'Previous version').click();
    await el.updateComplete;
    expect((await switched).detail).to.include({ version: 1, count: 2 });
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'First answer', 'Q2', 'Second answer']);
    expect(versionText(el, 1)).to.equal('‹1/2›');
    expect(action(el, 1, 'Previous version').disabled).to.equal(true);
    // The arrow pressed is disabled now: focus moved to the other one.
    expect(shadow(el).activeElement).to.equal(action(el, 1, 'Next version'));

    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'Another first']);
    expect(shadow(el).activeElement).to.equal(action(el, 1, 'Previous version'));
    // Only the shown version is ever sent.
    expect(el.messages.map((message) => message.content)).to.deep.equal(['Q1', 'Another first']);

    // Regenerating from the first version adds a third, after the others, in the order they were made.
    action(el, 1, 'Previous version').click();
    await el.updateComplete;
    action(el, 1, 'Regenerate').click();
    await settledAnswer(el, 1);
    expect(versionText(el, 1)).to.equal('‹3/3›');
    const shownAt = async (step: string) => {
      action(el, 1, step).click();
      await el.updateComplete;
      return [versionText(el, 1), ...bubbleTexts(el)];
    };
    expect(await shownAt('Previous version')).to.deep.equal(['‹2/3›', 'Q1', 'Another first']);
    expect(await shownAt('Previous version')).to.deep.equal(['‹1/3›', 'Q1', 'First answer', 'Q2', 'Second answer']);
    expect(await shownAt('Next version')).to.deep.equal(['‹2/3›', 'Q1', 'Another first']);
    expect(await shownAt('Next version')).to.deep.equal(['‹3/3›', 'Q1', 'Third first']);
  });

  it('a cancelled ai-chat-regenerate sends nothing and changes nothing', async () => {
    const { el, flow } = await twoTurns();
    el.addEventListener('ai-chat-regenerate', (event) => event.preventDefault(), { once: true });
    action(el, 3, 'Regenerate').click();
    await el.updateComplete;
    expect((await flow.requests()).length).to.equal(2);
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'First answer', 'Q2', 'Second answer']);
    expect(versionText(el, 3)).to.equal(undefined);
  });

  it('a Regenerate that fails keeps the earlier version, and its Retry keeps it too', async () => {
    const { el, flow } = await twoTurns(
      undefined,
      { status: 500, contentType: 'text/plain', chunks: ['down'] },
      wordStream(['Third ', 'try']),
    );
    el.maxRetries = 0;
    action(el, 3, 'Regenerate').click();
    await until(() => el.messages[3]?.status === 'error', 'the failure');
    await el.updateComplete;
    expect(versionText(el, 3)).to.equal('‹2/2›');
    shadow(el).querySelector<HTMLButtonElement>('[part~=retry-button]')!.click();
    await settledAnswer(el, 3);
    expect(bubbleTexts(el).at(-1)).to.equal('Third try');
    expect(versionText(el, 3)).to.equal('‹2/2›');
    action(el, 3, 'Previous version').click();
    await el.updateComplete;
    expect(bubbleTexts(el).at(-1)).to.equal('Second answer');
    expect((await sent(flow)).slice(2)).to.deep.equal([
      [{ role: 'user', content: 'Q1' }, { role: 'assistant', content: 'First answer' }, { role: 'user', content: 'Q2' }],
      [{ role: 'user', content: 'Q1' }, { role: 'assistant', content: 'First answer' }, { role: 'user', content: 'Q2' }],
    ]);
  });
});

describe('message actions: Edit', () => {
  it('edits a question in place by keyboard: Escape leaves it unchanged, Enter sends a new branch', async () => {
    const { el, flow } = await twoTurns(undefined, wordStream(['Edited ', 'answer']), wordStream(['Follow-up']));
    action(el, 2, 'Edit').click();
    await el.updateComplete;
    const editor = shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]')!;
    expect(editor.getAttribute('aria-label')).to.equal('Edit message');
    expect(editor.value).to.equal('Q2');
    expect(shadow(el).activeElement).to.equal(editor);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(shadow(el).querySelector('[part~=editor]')).to.equal(null);
    expect(shadow(el).activeElement).to.equal(action(el, 2, 'Edit'));
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'First answer', 'Q2', 'Second answer']);

    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const box = shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]')!;
    box.select();
    await sendKeys({ type: 'Q2, better' });
    await sendKeys({ press: 'Enter' });
    await settledAnswer(el, 3);
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'First answer', 'Q2, better', 'Edited answer']);
    expect(versionText(el, 2)).to.equal('‹2/2›');
    expect(shadow(el).activeElement).to.equal(input(el));

    // Back to the first branch, and go on from there: only that branch is sent.
    action(el, 2, 'Previous version').click();
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(['Q1', 'First answer', 'Q2', 'Second answer']);
    await el.send('Q3');
    const requests = await sent(flow);
    expect(requests[2]).to.deep.equal([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Q2, better' },
    ]);
    expect(requests[3]).to.deep.equal([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: 'Second answer' },
      { role: 'user', content: 'Q3' },
    ]);
    expect(versionText(el, 2)).to.equal('‹1/2›');
  });

  it('a cancelled ai-chat-edit keeps the editor and its text, and sends nothing', async () => {
    const { el, flow } = await twoTurns();
    el.addEventListener('ai-chat-edit', (event) => {
      expect(event.detail).to.include({ content: 'Not this' });
      event.preventDefault();
    });
    action(el, 0, 'Edit').click();
    await el.updateComplete;
    sendEdited(el, 'Not this');
    await el.updateComplete;
    expect((await flow.requests()).length).to.equal(2);
    expect(shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]')!.value).to.equal('Not this');
    expect(el.messages[0]!.content).to.equal('Q1');
  });
});

describe('message actions: feedback', () => {
  it('👍 and 👎 are toggle buttons that fire ai-chat-feedback with the message id', async () => {
    const { el } = await twoTurns('feedback');
    const said: AiChatFeedbackDetail[] = [];
    el.addEventListener('ai-chat-feedback', (event) => said.push(event.detail));
    const id = el.messages[1]!.id;
    action(el, 1, 'Good answer').click();
    await el.updateComplete;
    expect(action(el, 1, 'Good answer').getAttribute('aria-pressed')).to.equal('true');
    expect(action(el, 1, 'Bad answer').getAttribute('aria-pressed')).to.equal('false');
    expect(shadow(el).activeElement).to.equal(action(el, 1, 'Good answer'));
    action(el, 1, 'Bad answer').click();
    await el.updateComplete;
    action(el, 1, 'Bad answer').click();
    await el.updateComplete;
    expect(said.map(({ messageId, value }) => [messageId, value])).to.deep.equal([
      [id, 'good'],
      [id, 'bad'],
      [id, null],
    ]);
    expect(el.messages[1]!.feedback).to.equal(undefined);
    expect(action(el, 1, 'Bad answer').getAttribute('aria-pressed')).to.equal('false');
  });
});

describe('message actions: persisted', () => {
  it('restores versions, branches and feedback after a reload', async () => {
    const flow = await scenario(wordStream(['One']), wordStream(['Two']), wordStream(['Three']));
    const key = `actions-${Date.now()}`;
    const frame = await otherPage(`<ai-chat endpoint="${flow.url}" persist="${key}" actions="copy regenerate edit feedback"></ai-chat>`);
    try {
      const el = frame.contentDocument!.querySelector('ai-chat') as AiChat;
      await el.send('Question');
      await el.updateComplete;
      action(el, 1, 'Regenerate').click();
      await settledAnswer(el, 1);
      action(el, 0, 'Edit').click();
      await el.updateComplete;
      sendEdited(el, 'Question, edited');
      await settledAnswer(el, 1);
      action(el, 1, 'Good answer').click();
      await el.updateComplete;
      action(el, 0, 'Previous version').click();
      await el.updateComplete;
      expect(bubbleTexts(el)).to.deep.equal(['Question', 'Two']);

      const restored = await reloadPage(frame);
      await until(() => restored.messages.length === 2, 'the restored conversation');
      await restored.updateComplete;
      expect(bubbleTexts(restored)).to.deep.equal(['Question', 'Two']);
      expect(versionText(restored, 0)).to.equal('‹1/2›');
      expect(versionText(restored, 1)).to.equal('‹2/2›');
      action(restored, 1, 'Previous version').click();
      await restored.updateComplete;
      expect(bubbleTexts(restored)).to.deep.equal(['Question', 'One']);
      action(restored, 0, 'Next version').click();
      await restored.updateComplete;
      expect(bubbleTexts(restored)).to.deep.equal(['Question, edited', 'Three']);
      expect(action(restored, 1, 'Good answer').getAttribute('aria-pressed')).to.equal('true');
    } finally {
      frame.remove();
      localStorage.removeItem(`ai-chat:${key}`);
    }
  });
});

describe('message actions: with another tab', () => {
  /** Writes `messages` as another tab's save: the storage event reaches this page. */
  async function savedElsewhere(key: string, messages: ChatMessage[]): Promise<void> {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    try {
      frame.contentWindow!.localStorage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      frame.remove();
    }
  }
  const plain = ({ id, role, content, status, feedback }: ChatMessage) => ({ id, role, content, status, ...(feedback ? { feedback } : {}) });

  it("keeps the question being edited, its text and focus, when another tab saves the conversation", async () => {
    const flow = await scenario(wordStream(['An ', 'answer']));
    const key = `edit-elsewhere-${Date.now()}`;
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    try {
      await el.send('Q1');
      await el.updateComplete;
      action(el, 0, 'Edit').click();
      await el.updateComplete;
      const editor = shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]')!;
      editor.value = 'Q1, half edited';
      editor.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      // Another tab rates the answer: every message comes back from storage as a new object.
      await savedElsewhere(key, [plain(el.messages[0]!), { ...plain(el.messages[1]!), feedback: 'good' }]);
      await until(() => el.messages[1]!.feedback === 'good', 'the other tab\'s save');
      await el.updateComplete;
      const still = shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]');
      expect(still?.value).to.equal('Q1, half edited');
      expect(shadow(el).activeElement).to.equal(still);
    } finally {
      localStorage.removeItem(`ai-chat:${key}`);
    }
  });

  it("keeps another tab's unfinished answer aside as interrupted, not streaming for ever, when the reader branches before it", async () => {
    const flow = await scenario(wordStream(['Fresh']));
    const key = `branch-elsewhere-${Date.now()}`;
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} persist=${key}></ai-chat>`);
    try {
      el.messages = [
        { id: 'q1', role: 'user', content: 'Q1', status: 'done' },
        { id: 'a1', role: 'assistant', content: 'A1', status: 'done' },
      ];
      await el.updateComplete;
      await savedElsewhere(key, [
        { id: 'q1', role: 'user', content: 'Q1', status: 'done' },
        { id: 'a1', role: 'assistant', content: 'A1', status: 'done' },
        { id: 'other-q', role: 'user', content: 'Q2', status: 'done' },
        { id: 'other-a', role: 'assistant', content: 'Half of A2', status: 'streaming' },
      ]);
      await until(() => el.messages.length === 4, "the other tab's question");
      await el.updateComplete;
      action(el, 1, 'Regenerate').click();
      await settledAnswer(el, 1);
      action(el, 1, 'Previous version').click();
      await el.updateComplete;
      expect(el.messages.map((m) => [m.content, m.status])).to.deep.equal([
        ['Q1', 'done'],
        ['A1', 'done'],
        ['Q2', 'done'],
        ['Half of A2', 'error'],
      ]);
      expect(el.messages[3]!.error).to.contain('incomplete');
    } finally {
      localStorage.removeItem(`ai-chat:${key}`);
    }
  });
});

describe('message actions: long conversations', () => {
  it('work on settled messages far up the conversation', async () => {
    const flow = await scenario(wordStream(['Fresh ', 'answer']));
    const messages: ChatMessage[] = [];
    for (let i = 0; i < 60; i++) {
      messages.push({ id: `q${i}`, role: 'user', content: `Question ${i}`, status: 'done' });
      messages.push({ id: `a${i}`, role: 'assistant', content: `Answer ${i}`, status: 'done' });
    }
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} .messages=${messages}></ai-chat>`);
    await until(() => shadow(el).querySelectorAll('.message').length === 120, 'every message');
    await el.updateComplete;
    expect(shadow(el).querySelector('.group .message')).to.not.equal(null);
    action(el, 4, 'Edit').click();
    await el.updateComplete;
    expect(shadow(el).querySelector<HTMLTextAreaElement>('[part~=editor-input]')!.value).to.equal('Question 2');
    sendEdited(el, 'Question 2, again');
    await settledAnswer(el, 5);
    expect(bubbleTexts(el)).to.deep.equal(['Question 0', 'Answer 0', 'Question 1', 'Answer 1', 'Question 2, again', 'Fresh answer']);
    action(el, 4, 'Previous version').click();
    await until(() => shadow(el).querySelectorAll('.message').length === 120, 'the first branch again');
    expect(bubbleTexts(el).slice(4, 7)).to.deep.equal(['Question 2', 'Answer 2', 'Question 3']);
    expect(versionText(el, 4)).to.equal('‹1/2›');
  });
});

describe('message actions: accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`passes axe with every action, versions, a pressed 👍 and an open editor (${theme})`, async () => {
      const { el } = await twoTurns('copy regenerate feedback edit', wordStream(['Again']));
      el.theme = theme;
      action(el, 3, 'Regenerate').click();
      await settledAnswer(el, 3);
      action(el, 3, 'Good answer').click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
      action(el, 2, 'Edit').click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
      // Targets of at least 24 × 24 px (WCAG 2.5.8).
      for (const button of shadow(el).querySelectorAll('[part~=action-button]')) {
        const { width, height } = button.getBoundingClientRect();
        expect(Math.min(width, height), shownLabel(button)).to.be.at.least(24);
      }
    });
  }
});
