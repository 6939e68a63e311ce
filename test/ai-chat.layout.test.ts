import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { AiChat } from '../src/ai-chat.js';
import { bubbleTexts, input, part, scenario, shadow, wordStream, textOnly } from './helpers.js';

describe('launcher mode', () => {
  it('is a round button in the corner that opens and closes a panel', async () => {
    const el = await fixture<AiChat>(html`<ai-chat mode="launcher" heading="Help"></ai-chat>`);
    const launcher = part<HTMLButtonElement>(el, 'launcher')!;
    const panel = part(el, 'panel')!;
    expect(getComputedStyle(launcher).position).to.equal('fixed');
    expect(getComputedStyle(launcher).borderRadius).to.equal('50%');
    expect(panel.hidden).to.equal(true);
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat');

    launcher.click();
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(el.hasAttribute('open')).to.equal(true);
    expect(panel.hidden).to.equal(false);
    expect(el.matches(':state(open)')).to.equal(true);
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    // Opening puts focus in the text box.
    expect(shadow(el).activeElement).to.equal(input(el));
  });

  it('closes on Escape and returns focus to the launcher', async () => {
    const el = await fixture<AiChat>(html`<ai-chat mode="launcher" open></ai-chat>`);
    input(el).focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(shadow(el).activeElement).to.equal(part(el, 'launcher'));
  });

  it('sits bottom-right by default and bottom-left on request', async () => {
    const right = await fixture<AiChat>(html`<ai-chat mode="launcher"></ai-chat>`);
    const rightBox = part(right, 'launcher')!.getBoundingClientRect();
    expect(rightBox.right).to.be.closeTo(innerWidth - 20, 2);
    right.position = 'bottom-left';
    await right.updateComplete;
    expect(part(right, 'launcher')!.getBoundingClientRect().left).to.be.closeTo(20, 2);
  });

  it('takes the whole screen on a narrow viewport', async () => {
    await setViewport({ width: 375, height: 700 });
    try {
      const el = await fixture<AiChat>(html`<ai-chat mode="launcher" open></ai-chat>`);
      await Promise.all(part(el, 'panel')!.getAnimations().map((animation) => animation.finished));
      const box = part(el, 'panel')!.getBoundingClientRect();
      expect([box.left, box.top, box.width, box.height]).to.deep.equal([0, 0, 375, 700]);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});

describe('welcome and suggestions', () => {
  it('shows the welcome as the first assistant message and never sends it', async () => {
    const flow = await scenario(wordStream(['Sure.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} welcome="Hi! How can I help?"></ai-chat>`);
    expect(bubbleTexts(el)).to.deep.equal(['Hi! How can I help?']);
    await el.send('Help me');
    expect(bubbleTexts(el)).to.deep.equal(['Hi! How can I help?', 'Help me', 'Sure.']);
    expect(textOnly(JSON.parse((await flow.requests())[0]!.body).messages)).to.deep.equal([{ role: 'user', content: 'Help me' }]);
  });

  it('offers child <ai-chat-suggestion> prompts before the first message; a click sends one', async () => {
    const flow = await scenario(wordStream(['Plenty.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}>
      <ai-chat-suggestion>What can you do?</ai-chat-suggestion>
      <ai-chat-suggestion>Pricing</ai-chat-suggestion>
    </ai-chat>`);
    await el.updateComplete;
    const buttons = [...shadow(el).querySelectorAll<HTMLButtonElement>('[part="suggestion"]')];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['What can you do?', 'Pricing']);
    const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
    buttons[0]!.click();
    await done;
    await el.updateComplete;
    expect(bubbleTexts(el)).to.deep.equal(['What can you do?', 'Plenty.']);
    expect(shadow(el).querySelector('[part="suggestions"]')).to.equal(null);
  });

  it('takes suggestions as a property too', async () => {
    const el = await fixture<AiChat>(html`<ai-chat .suggestions=${['One', 'Two']}></ai-chat>`);
    expect([...shadow(el).querySelectorAll('[part="suggestion"]')].map((b) => b.textContent!.trim())).to.deep.equal([
      'One',
      'Two',
    ]);
  });

  it('keeps offering suggestions next to the empty prompt when the conversation holds only a system prompt', async () => {
    const system = { id: 's', role: 'system' as const, content: 'Be brief.', status: 'done' as const };
    const el = await fixture<AiChat>(html`<ai-chat .suggestions=${['One']} .messages=${[system]}></ai-chat>`);
    expect(shadow(el).querySelector<HTMLElement>('.empty')!.hidden).to.equal(false);
    expect(shadow(el).querySelectorAll('[part="suggestion"]')).to.have.length(1);
  });
});

describe('languages and direction', () => {
  it('picks German or French from lang on the element or the page', async () => {
    const de = await fixture<AiChat>(html`<ai-chat lang="de-AT"></ai-chat>`);
    expect(input(de).placeholder).to.equal('Frag mich etwas …');
    expect(part(de, 'send-button')!.textContent!.trim()).to.equal('Senden');
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="fr"><ai-chat></ai-chat></div>`);
    const fr = wrapper.querySelector('ai-chat')!;
    await fr.updateComplete;
    expect(part(fr, 'send-button')!.textContent!.trim()).to.equal('Envoyer');
    fr.setAttribute('lang', 'en');
    await fr.updateComplete;
    expect(part(fr, 'send-button')!.textContent!.trim()).to.equal('Send');
  });

  it('lets every string be replaced through the strings property, errors included', async () => {
    const flow = await scenario({ status: 404, contentType: 'text/plain', chunks: ['nope'] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} max-retries="0"></ai-chat>`);
    el.strings = { send: 'Go', placeholder: 'Type…', errors: { http: (p) => `Oops ${p.status}` } };
    await el.updateComplete;
    expect(part(el, 'send-button')!.textContent!.trim()).to.equal('Go');
    expect(input(el).placeholder).to.equal('Type…');
    await el.send('x');
    expect(part(el, 'error')!.textContent).to.equal('Oops 404');
  });

  it('mirrors the layout with dir="rtl"', async () => {
    const flow = await scenario(wordStream(['مرحبا']));
    const el = await fixture<AiChat>(html`<ai-chat dir="rtl" endpoint=${flow.url}></ai-chat>`);
    await el.send('سلام');
    const [user, answer] = [...shadow(el).querySelectorAll('.message')].map((m) => m.getBoundingClientRect());
    const box = part(el, 'transcript')!.getBoundingClientRect();
    // The reader's message sits on the left in RTL, the answer on the right.
    expect(user!.left - box.left).to.be.below(20);
    expect(box.right - answer!.right).to.be.below(20);
  });
});
