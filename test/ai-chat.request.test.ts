import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { chatAt, DONE, openAiEvent, pressKey, scenario, type, wordStream, input, shadow, textOnly } from './helpers.js';
import type { RequestMessage } from '../src/types.js';

const bodyOf = async (flow: { requests(): Promise<Array<{ body: string }>> }, index = 0) =>
  JSON.parse((await flow.requests())[index]!.body) as Record<string, unknown> & { messages: RequestMessage[] };

describe('the request', () => {
  it('POSTs the conversation as JSON with stream: true and the SSE headers', async () => {
    const flow = await scenario(wordStream(['Hi there.']));
    const el = await chatAt(flow.url);
    await el.send('Hello');
    const [request] = await flow.requests();
    expect(request!.method).to.equal('POST');
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.headers['accept']).to.equal('text/event-stream');
    const id = el.messages[0]!.id;
    expect(JSON.parse(request!.body)).to.deep.equal({
      messages: [{ id, role: 'user', content: 'Hello', parts: [{ type: 'text', text: 'Hello' }] }],
      stream: true,
    });
  });

  it('sends the whole conversation so far on every turn', async () => {
    const flow = await scenario(wordStream(['First answer.']), wordStream(['Second answer.']));
    const el = await chatAt(flow.url);
    await el.send('one');
    await el.send('two');
    expect(textOnly((await bodyOf(flow, 1)).messages)).to.deep.equal([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'First answer.' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('gives every message its id and UI-message parts beside its content, so AI SDK routes read it unchanged', async () => {
    const flow = await scenario(wordStream(['First answer.']), wordStream(['Second answer.']));
    const el = await chatAt(flow.url);
    await el.send('one');
    await el.send('two');
    const sent = (await bodyOf(flow, 1)).messages;
    expect(sent.map((m) => m.id)).to.deep.equal(el.messages.slice(0, 3).map((m) => m.id));
    expect(sent.map((m) => m.parts)).to.deep.equal([
      [{ type: 'text', text: 'one' }],
      [{ type: 'text', text: 'First answer.' }],
      [{ type: 'text', text: 'two' }],
    ]);
  });

  it('adds model, the body property fields and the headers property', async () => {
    const flow = await scenario(wordStream(['ok']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} model="gpt-test"></ai-chat>`);
    el.body = { temperature: 0.2, conversationId: 'c-1', messages: 'ignored', stream: false };
    el.headers = { Authorization: 'Bearer app-token', 'X-Trace': 't1' };
    await el.send('q');
    const [request] = await flow.requests();
    expect(request!.headers['authorization']).to.equal('Bearer app-token');
    expect(request!.headers['x-trace']).to.equal('t1');
    expect(JSON.parse(request!.body)).to.deep.equal({
      temperature: 0.2,
      conversationId: 'c-1',
      model: 'gpt-test',
      messages: [{ id: el.messages[0]!.id, role: 'user', content: 'q', parts: [{ type: 'text', text: 'q' }] }],
      stream: true,
    });
  });

  it('reflects every attribute to its camelCase property and back', async () => {
    const el = await fixture<AiChat>(
      html`<ai-chat endpoint="/a" model="m" placeholder="Type here" heading="Help" disabled with-credentials></ai-chat>`,
    );
    expect([el.endpoint, el.model, el.placeholder, el.heading, el.disabled, el.withCredentials]).to.deep.equal([
      '/a', 'm', 'Type here', 'Help', true, true,
    ]);
    el.endpoint = '/b';
    el.withCredentials = false;
    el.disabled = false;
    await el.updateComplete;
    expect(el.getAttribute('endpoint')).to.equal('/b');
    expect(el.hasAttribute('with-credentials')).to.equal(false);
    expect(el.hasAttribute('disabled')).to.equal(false);
    expect(input(el).placeholder).to.equal('Type here');
    expect(shadow(el).querySelector('.heading')!.textContent!.trim()).to.equal('Help');
  });

  it('uses attributes changed at run time on the next send', async () => {
    const first = await scenario(wordStream(['a']));
    const second = await scenario(wordStream(['b']));
    const el = await chatAt(first.url);
    await el.send('1');
    el.setAttribute('endpoint', second.url);
    el.setAttribute('model', 'later-model');
    await el.send('2');
    expect(await first.requests()).to.have.length(1);
    expect((await bodyOf(second)).model).to.equal('later-model');
  });

  it('sends credentials cross-origin only with with-credentials', async () => {
    // A server that allows the page's origin but not credentials: the browser
    // refuses the answer exactly when the request was made with credentials.
    const flow = await scenario({ ...wordStream(['shared']), cors: 'plain' });
    const crossOrigin = new URL(flow.url, location.href);
    crossOrigin.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    const el = await chatAt(crossOrigin.href);
    expect((await el.send('no cookies'))?.status).to.equal('done');
    el.withCredentials = true;
    const refused = await el.send('with cookies');
    expect(refused?.status).to.equal('error');

    const allowing = await scenario({ ...wordStream(['with cookies']), cors: 'credentials' });
    const allowed = new URL(allowing.url, crossOrigin);
    el.endpoint = allowed.href;
    expect((await el.send('again'))?.content).to.equal('with cookies');
  });

  it('lets an ai-chat-send listener change the request', async () => {
    const flow = await scenario(wordStream(['ok']));
    const el = await chatAt(flow.url);
    el.addEventListener('ai-chat-send', (event) => {
      event.detail.request.body.user = 'u-42';
      event.detail.request.headers['x-extra'] = 'yes';
    });
    await el.send('q');
    const [request] = await flow.requests();
    expect(JSON.parse(request!.body).user).to.equal('u-42');
    expect(request!.headers['x-extra']).to.equal('yes');
  });

  it('sends nothing when an ai-chat-send listener cancels, and keeps the draft', async () => {
    const flow = await scenario(wordStream(['ok']));
    const el = await chatAt(flow.url);
    el.addEventListener('ai-chat-send', (event) => event.preventDefault());
    type(el, 'my draft');
    await el.updateComplete;
    const sendEvent = oneEvent(el, 'ai-chat-send');
    pressKey(el, 'Enter');
    await sendEvent;
    await el.updateComplete;
    expect(await flow.requests()).to.have.length(0);
    expect(el.messages).to.have.length(0);
    expect(input(el).value).to.equal('my draft');
  });
});

describe('the text box', () => {
  it('sends on Enter, clears itself and keeps focus', async () => {
    const flow = await scenario(wordStream(['Answer.']));
    const el = await chatAt(flow.url);
    input(el).focus();
    type(el, 'Question?');
    const done = oneEvent(el, 'ai-chat-done');
    pressKey(el, 'Enter');
    await done;
    await el.updateComplete;
    expect(input(el).value).to.equal('');
    expect(el.messages.map((m) => m.content)).to.deep.equal(['Question?', 'Answer.']);
    expect(shadow(el).activeElement).to.equal(input(el));
  });

  it('does not send on Shift+Enter (a newline) or while composing text', async () => {
    const flow = await scenario(wordStream(['x']));
    const el = await chatAt(flow.url);
    type(el, 'line one');
    pressKey(el, 'Enter', { shiftKey: true });
    pressKey(el, 'Enter', { isComposing: true });
    await el.updateComplete;
    expect(el.messages).to.have.length(0);
    expect(await flow.requests()).to.have.length(0);
  });

  it('sends with the send button', async () => {
    const flow = await scenario(wordStream(['By button.']));
    const el = await chatAt(flow.url);
    type(el, 'Click');
    await el.updateComplete;
    const done = oneEvent(el, 'ai-chat-done');
    shadow(el).querySelector<HTMLButtonElement>('[part="send-button"]')!.click();
    expect((await done).detail.message.content).to.equal('By button.');
  });

  it('sends nothing when disabled', async () => {
    const flow = await scenario({ chunks: [openAiEvent('x'), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} disabled></ai-chat>`);
    expect(input(el).disabled).to.equal(true);
    expect(await el.send('x')).to.equal(undefined);
    expect(await flow.requests()).to.have.length(0);
  });
});
