import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { ChatMessage } from '../src/types.js';
import { bubbleTexts, openAiEvent, scenario, shadow, shownLabel, until, wordStream } from './helpers.js';

// Long conversations (#17): finished messages far from the end are built
// once as plain DOM (no template markers), in groups the browser skips while
// off screen. What a reader sees and can do must not change.

const answer = (i: number) => `Answer **${i}**, see [docs](https://example.com/${i}).\n\n- one\n- two\n\n\`\`\`js\nlet x = ${i};\n\`\`\``;

function conversation(pairs: number): ChatMessage[] {
  return Array.from({ length: pairs }, (_, i) => [
    { id: `u${i}`, role: 'user' as const, content: `Question ${i}`, status: 'done' as const },
    { id: `a${i}`, role: 'assistant' as const, content: answer(i), status: 'done' as const },
  ]).flat();
}

/** An element showing `messages`, once every message is rendered (older ones come a batch per frame). */
async function showing(messages: ChatMessage[], attributes = html``) {
  const el = await fixture<AiChat>(html`<ai-chat>${attributes}</ai-chat>`);
  el.messages = messages;
  await until(() => shadow(el).querySelectorAll('.message').length === messages.length, 'every message rendered');
  await el.updateComplete;
  return el;
}

const comments = (root: Node) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  let count = 0;
  while (walker.nextNode()) count++;
  return count;
};

describe('long conversations', () => {
  it('shows every message of 120, in order and as markdown, with the older ones in groups skipped while off screen', async () => {
    const el = await showing(conversation(60));
    const texts = bubbleTexts(el);
    expect(texts).to.have.length(120);
    expect(texts[0]).to.equal('Question 0');
    // A settled answer reads exactly as a live one (the last four are live).
    expect(texts[119]).to.contain('Answer 59');
    expect(texts[1]).to.equal(texts[119]!.replaceAll('59', '0'));
    const root = shadow(el);
    const groups = [...root.querySelectorAll<HTMLElement>('.group')];
    // 116 settled messages (all but the last 4): 23 groups of 5 and one loose, the first 20 groups on a shelf of 100.
    expect(groups.map((g) => g.querySelectorAll('.message').length)).to.deep.equal(Array(23).fill(5));
    const shelves = [...root.querySelectorAll<HTMLElement>('.shelf')];
    expect(shelves.map((shelf) => shelf.querySelectorAll(':scope > .group').length)).to.deep.equal([20]);
    expect(getComputedStyle(groups[0]!).contentVisibility).to.equal('auto');
    expect(getComputedStyle(shelves[0]!).contentVisibility).to.equal('auto');
    // The settled messages carry no template markers; their markdown is real markup.
    expect(comments(groups[0]!)).to.equal(0);
    expect(groups[0]!.children[1]!.querySelectorAll('strong, a[href="https://example.com/0"], li, pre code')).to.have.length(5);
    // Still one log for screen readers, holding every message.
    expect(root.querySelector('[role="log"]')!.querySelectorAll('.message')).to.have.length(120);
  });

  it('while the reader is at the newest, a shelf far above has plain groups; a jump up makes them skippable before it is laid out', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Writing')], end: 'hang' });
    const el = await showing(conversation(110));
    el.endpoint = flow.url;
    const root = shadow(el);
    const shelves = () => [...root.querySelectorAll<HTMLElement>('.shelf')];
    expect(shelves()).to.have.length(2);
    const skippable = (box: Element) => getComputedStyle(box).contentVisibility === 'auto';
    const firstGroups = () => shelves().map((shelf) => shelf.querySelector('.group')!);
    // Skipped whole anyway, the far shelf's groups need not be checked by the browser on every frame an answer
    // streams; the last shelf's groups, maybe near the view, stay skippable one by one.
    expect([...shelves().map(skippable), ...firstGroups().map(skippable)]).to.deep.equal([true, true, false, true]);
    const answered = el.send('More');
    await until(() => el.messages.at(-1)?.content === 'Writing', 'the answer streaming');
    // The scrollbar dragged to the top: re-rendered before the frame is laid out, so the browser lays out the
    // groups in view, not the shelf's 100 messages.
    root.querySelector('.transcript')!.scrollTop = 0;
    await new Promise(requestAnimationFrame);
    await new Promise(requestAnimationFrame);
    expect(skippable(firstGroups()[0]!)).to.equal(true);
    const laidOut = () => [...shelves()[0]!.querySelectorAll('.message')].filter((m) => m.checkVisibility({ contentVisibilityAuto: true })).length;
    expect(await until(laidOut, 'the messages in view laid out')).to.be.within(1, 20);
    // Back at the newest: plain again, every message still shown in order.
    const before = bubbleTexts(el);
    root.querySelector<HTMLButtonElement>('.jump')!.click();
    await until(() => !skippable(firstGroups()[0]!), 'the far groups plain again');
    expect(bubbleTexts(el)).to.deep.equal(before);
    el.abort();
    await answered;
  });

  it('a shelf far above that holds the focus or a selection is not made plain: it stays laid out', async () => {
    const el = await showing(conversation(110));
    const root = shadow(el);
    const transcript = root.querySelector('.transcript')!;
    const firstShelf = () => root.querySelector('.shelf')!;
    // Up to the first answer: its Copy focused, then back to the newest with the keyboard's End (focus stays).
    transcript.scrollTop = 0;
    await until(() => !firstShelf().matches('.far'), 'the shelf near');
    const copy = root.querySelector<HTMLButtonElement>('button[name="copy"][value="a0"]')!;
    copy.focus();
    transcript.scrollTop = transcript.scrollHeight;
    await until(() => !el.shadowRoot!.querySelector<HTMLButtonElement>('.jump')!.checkVisibility(), 'back at the newest');
    for (let i = 0; i < 3; i++) {
      el.requestUpdate();
      await el.updateComplete;
    }
    expect(firstShelf().matches('.far') || root.activeElement !== copy).to.equal(false);
    // A selection in it, the focus elsewhere: the same.
    const text = root.querySelector('button[value="a0"]')!.closest('.message')!.querySelector('p')!;
    getSelection()!.selectAllChildren(text);
    copy.blur();
    for (let i = 0; i < 3; i++) {
      el.requestUpdate();
      await el.updateComplete;
    }
    const selected = getSelection()!.toString();
    getSelection()!.removeAllRanges();
    expect([firstShelf().matches('.far'), selected]).to.deep.equal([false, 'Answer 0, see docs.']);
  });

  it('a settled plain answer is its markdown, its bubble, one text box and its actions: nothing more, and reads, looks and acts as a live one', async () => {
    // The measure (#17): prose with bold, italics, inline code, a link and a tight list.
    const plain =
      'The widget keeps **each finished block** as it is. It streams the text *as it arrives* and sets `endpoint` once; ' +
      'see [the guide](https://example.com/docs) for the rest.\n\n- the newest message shows first\n- older ones follow\n\n' +
      'A plain paragraph with `inline code` in it.\n\nOnly the **most recent** messages are sent, and the *system prompt* first.';
    const messages = conversation(10).map((message) => (message.role === 'assistant' ? { ...message, content: plain } : message));
    const el = await showing(messages, html``);
    el.setAttribute('actions', 'copy regenerate');
    await el.updateComplete;
    const bubbles = [...shadow(el).querySelectorAll<HTMLElement>('.message')];
    const [settled, live] = [bubbles[1]!, bubbles[19]!];
    expect(settled.closest('.group') !== null && live.closest('.group') === null).to.equal(true);
    /** Elements and text, as the browser keeps them; comments (Lit's markers) when `markers`. */
    const nodes = (root: Node, markers = true) => {
      const walker = document.createTreeWalker(root, markers ? NodeFilter.SHOW_ALL : NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      let count = 0;
      while (walker.nextNode()) if (markers || (walker.currentNode as Text).data?.trim() !== '') count++;
      return count;
    };
    // The live answer's markdown without its markers and template white space: what the settled one must hold, plus
    // its bubble and text box (the markdown's own wrapper moved into that box) and the actions row.
    const markdown = nodes(live.querySelector('.md')!, false);
    const actions = 1 + nodes(settled.querySelector('.actions')!);
    // The row and its two buttons: a button named by its text holds none (its label is drawn from its name).
    expect(actions).to.equal(3);
    expect(1 + nodes(settled)).to.equal(2 + markdown + actions);
    // It reads and measures as the live one (asking for its size lays out its skipped group).
    const text = (bubble: Element) =>
      [bubble.querySelector('.content')!.textContent!.trim(), ...[...bubble.querySelectorAll('.actions button')].map(shownLabel)].join('|');
    expect(text(settled)).to.equal(text(live));
    expect(settled.getBoundingClientRect().height).to.equal(live.getBoundingClientRect().height);
    // The markdown is the answer's own text box, styled as markdown.
    const content = settled.querySelector('.content')!;
    expect(content.matches('.md') && getComputedStyle(content).whiteSpace === 'normal').to.equal(true);
    expect([...settled.querySelectorAll('.actions button')].map(shownLabel)).to.deep.equal(['Copy', 'Regenerate']);
    // Copied, or (no clipboard without a user's gesture) the text selected for the keyboard: either way the label says so.
    const copy = settled.querySelector<HTMLButtonElement>('[name=copy]')!;
    copy.click();
    await until(() => shownLabel(copy) !== 'Copy', 'the copy button answered');
  });

  it('a settled code block still copies, and a new language reaches settled messages too', async () => {
    const el = await showing(conversation(60));
    const firstCopy = () => shadow(el).querySelector<HTMLButtonElement>('.group .copy')!;
    expect(firstCopy().textContent).to.equal('Copy');
    firstCopy().click();
    // Copied, or (no clipboard in this browser) the code is selected for the keyboard: either way the label says so.
    await until(() => firstCopy().textContent !== 'Copy', 'the copy button answered');
    el.lang = 'de';
    await el.updateComplete;
    await until(() => firstCopy().textContent === 'Kopieren', 'the settled button in German');
    expect(bubbleTexts(el)).to.have.length(120);
  });

  it('keeps the settled DOM when an answer streams below, and settles messages as the conversation grows', async () => {
    const flow = await scenario(wordStream(['Fresh ', 'answer.']));
    const el = await showing(conversation(55));
    el.endpoint = flow.url;
    const group = shadow(el).querySelector('.group')!;
    expect(shadow(el).querySelectorAll('.group .message')).to.have.length(105);
    for (let i = 0; i < 5; i++) {
      const reply = await el.send(`More ${i}`);
      expect(reply?.status).to.equal('done');
    }
    await el.updateComplete;
    // 120 messages: the first group is the same element, and the 116 settled now make 23 groups.
    expect(shadow(el).querySelector('.group')).to.equal(group);
    expect(shadow(el).querySelectorAll('.group .message')).to.have.length(115);
    expect(bubbleTexts(el).slice(-2)).to.deep.equal(['More 4', 'Fresh answer.']);
    expect(bubbleTexts(el)).to.have.length(120);
  });

  it('a question far up edited and then left as it was shows its group whole again', async () => {
    const el = await showing(conversation(60));
    const root = shadow(el);
    const before = bubbleTexts(el);
    root.querySelector<HTMLButtonElement>('button[name="edit"][value="u1"]')!.click();
    await until(() => root.querySelector('.editor') !== null, 'the editor open');
    // The question in its editor, every other message still shown, in order.
    expect(root.querySelectorAll('.message')).to.have.length(120);
    expect(root.querySelector('.shelf')).to.equal(null);
    root.querySelector<HTMLButtonElement>('.editor button[type="button"]')!.click();
    await until(() => root.querySelector('.editor') === null, 'the editor closed');
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(before);
    expect([...root.querySelectorAll('.group')].map((g) => g.querySelectorAll('.message').length)).to.deep.equal(Array(23).fill(5));
    expect(root.querySelector('.shelf')!.querySelectorAll('.message')).to.have.length(100);
  });

  it('keeps the last messages\' DOM when the ones before them are put in a group', async () => {
    const flow = await scenario(wordStream(['Fresh ', 'answer.']));
    // 22 messages: the first 15 in groups, 3 settled loose, the last 4 live.
    const el = await showing(conversation(11));
    el.endpoint = flow.url;
    const root = shadow(el);
    const bubble = (id: string) => root.querySelector(`button[value="${id}"]`)!.closest('.message')!;
    const lastAnswer = bubble('a10');
    const details = lastAnswer.querySelector('pre')!;
    expect(root.querySelectorAll('.group')).to.have.length(3);
    expect((await el.send('More'))?.status).to.equal('done');
    await el.updateComplete;
    // 24 messages: a fourth group formed from messages 15-19, and the answer above the new one is the same element.
    expect(root.querySelectorAll('.group')).to.have.length(4);
    expect(bubble('a10') === lastAnswer && lastAnswer.querySelector('pre') === details).to.equal(true);
    expect(bubbleTexts(el)).to.have.length(24);
    expect(bubbleTexts(el).slice(-2)).to.deep.equal(['More', 'Fresh answer.']);
  });

  it('an answer\'s "Thinking" the reader opened stays open once the answer settles', async () => {
    const flow = await scenario(wordStream(['One.']), wordStream(['Two.']));
    const messages = conversation(3).map((m) => (m.role === 'assistant' ? { ...m, reasoning: `Because ${m.id}.` } : m));
    const el = await showing(messages);
    el.endpoint = flow.url;
    const root = shadow(el);
    const bubble = () => root.querySelector('button[value="a2"]')!.closest('.message')!;
    const thinking = bubble().querySelector('details')!;
    thinking.open = true;
    expect(comments(bubble()) > 0).to.equal(true);
    // Two exchanges later the answer is settled: built again as plain DOM, with what the reader opened.
    for (const question of ['More', 'Again']) expect((await el.send(question))?.status).to.equal('done');
    await el.updateComplete;
    expect(comments(bubble())).to.equal(0);
    expect(bubble().querySelector('details')!.open).to.equal(true);
    expect(root.querySelector('button[value="a1"]')!.closest('.message')!.querySelector('details')!.open).to.equal(false);
  });

  it('a settled answer\'s open "Thinking" stays open when the reader rates it, and the focus stays on the rating', async () => {
    const el = await fixture<AiChat>(html`<ai-chat actions="copy feedback"></ai-chat>`);
    el.addEventListener('ai-chat-feedback', () => {});
    el.messages = conversation(5).map((m) => (m.role === 'assistant' ? { ...m, reasoning: `Because ${m.id}.` } : m));
    await until(() => shadow(el).querySelectorAll('.message').length === 10, 'every message');
    await el.updateComplete;
    const root = shadow(el);
    const bubble = () => root.querySelector('button[value="a2"]')!.closest('.message')!;
    expect(comments(bubble())).to.equal(0);
    bubble().querySelector('details')!.open = true;
    const good = root.querySelector<HTMLButtonElement>('button[name="good"][value="a2"]')!;
    good.focus();
    good.click();
    // A rating is a new message object, settled anew: with what the reader opened, and the focus where it was.
    await until(() => root.querySelector('button[name="good"][value="a2"]')?.getAttribute('aria-pressed') === 'true', 'the rating shown');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bubble().querySelector('details')!.open).to.equal(true);
    expect((root.activeElement as HTMLButtonElement | null)?.name).to.equal('good');
  });

  it('the focus on an answer\'s action stays on it when the answer settles (a question sent by the page)', async () => {
    const flow = await scenario(wordStream(['Fresh ', 'answer.']));
    const el = await showing(conversation(2));
    el.endpoint = flow.url;
    const root = shadow(el);
    root.querySelector<HTMLButtonElement>('button[name="copy"][value="a0"]')!.focus();
    expect((await el.send('More'))?.status).to.equal('done');
    await el.updateComplete;
    const copy = root.querySelector<HTMLButtonElement>('button[name="copy"][value="a0"]')!;
    expect(comments(copy.closest('.message')!)).to.equal(0);
    await until(() => root.activeElement === copy, 'the focus on the settled Copy');
  });

  it('another conversation whose ids repeat does not open what the reader opened in the last one', async () => {
    const withThinking = (tag: string) =>
      conversation(10).map((m) => ({ ...m, content: `${tag} ${m.content}`, ...(m.role === 'assistant' ? { reasoning: `${tag} because.` } : {}) }));
    const el = await showing(withThinking('First'));
    const details = () => shadow(el).querySelector('button[value="a3"]')!.closest('.message')!.querySelector('details')!;
    details().open = true;
    // The page shows another stored conversation, its ids made from the index (as many backends make them).
    el.messages = withThinking('Second');
    await until(() => bubbleTexts(el)[0] === 'Second Question 0' && bubbleTexts(el).length === 20, 'the second conversation');
    await el.updateComplete;
    expect(details().open).to.equal(false);
  });

  /** Renders until the view is steady (older messages come a batch per frame). */
  const settle = async (el: AiChat, count: number) => {
    await until(() => shadow(el).querySelectorAll('.message').length === count && el.messages.length === count, `${count} messages shown`);
    for (let i = 0; i < 5; i++) {
      el.requestUpdate();
      await el.updateComplete;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  };

  it('shows every message again after a Regenerate far up and a step back to the first version', async () => {
    const flow = await scenario(wordStream(['Fresh ', 'answer.']));
    const el = await showing(conversation(60));
    el.endpoint = flow.url;
    const before = bubbleTexts(el);
    shadow(el).querySelector<HTMLButtonElement>('button[name="regenerate"][value="a50"]')!.click();
    await until(() => el.messages.length === 102 && el.messages[101]!.status === 'done', 'the new answer');
    await settle(el, 102);
    shadow(el).querySelector<HTMLButtonElement>(`button[name="prev"][value="${el.messages[101]!.id}"]`)!.click();
    await settle(el, 120);
    // The groups and shelf left while the conversation was shorter come back whole (20 of 120 were shown).
    expect(bubbleTexts(el)).to.deep.equal(before);
  });

  it('shows every message after a question far up is edited and the conversation grows again', async () => {
    const flow = await scenario(wordStream(['Edited ', 'answer.']), wordStream(['More ', 'zero.']), wordStream(['More ', 'one.']));
    const el = await showing(conversation(20));
    el.endpoint = flow.url;
    const root = shadow(el);
    root.querySelector<HTMLButtonElement>('button[name="edit"][value="u10"]')!.click();
    const editor = await until(() => root.querySelector<HTMLTextAreaElement>('[part~=editor-input]'), 'the editor');
    editor.value = 'Edited';
    editor.dispatchEvent(new Event('input'));
    root.querySelector<HTMLFormElement>('.editor')!.requestSubmit();
    await until(() => el.messages.length === 22 && el.messages[21]!.status === 'done', 'the edited answer');
    expect((await el.send('More 0'))?.status).to.equal('done');
    expect((await el.send('More 1'))?.status).to.equal('done');
    await settle(el, 26);
    const texts = bubbleTexts(el);
    expect(texts).to.have.length(26);
    // The 20 before the edited question, in order (9 of them went missing: groups left while shorter came back empty).
    expect(texts.slice(0, 20).filter((_, i) => i % 2 === 0)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Question ${i}`));
    expect(texts.slice(20)).to.deep.equal(['Edited', 'Edited answer.', 'More 0', 'More zero.', 'More 1', 'More one.']);
  });

  it('an answer too long to show in one frame is shown whole, and settles once it is', async () => {
    const messages = conversation(30);
    messages[1] = { ...messages[1]!, content: Array.from({ length: 450 }, (_, i) => `Paragraph ${i}.`).join('\n\n') };
    const el = await showing(messages);
    const long = () => shadow(el).querySelectorAll('.message')[1]!;
    await until(() => long().querySelectorAll('p').length === 450, 'the long answer whole');
    el.requestUpdate();
    await el.updateComplete;
    expect(long().parentElement!.className).to.equal('group');
    expect(long().querySelectorAll('p')).to.have.length(450);
    expect(long().textContent).to.contain('Paragraph 449.');
    // Rebuilt for another language, it is still whole at once: nothing below it moves.
    el.lang = 'de';
    await el.updateComplete;
    expect(long().querySelectorAll('p')).to.have.length(450);
  });
});
