import { expect, fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { AiChat } from '../src/ai-chat.js';
import type { ToolPart } from '../src/stream/parts.js';
import type { RequestMessage } from '../src/types.js';
import { part, shadow, until } from './helpers.js';

// Tools run by the page (#14), in Chromium against the real handler: its mock
// provider calls every offered tool the question names, and once the results
// come back says what they returned.

interface Setup {
  url: string;
  id: string;
}

async function setupHandler(mock: Record<string, unknown> = {}): Promise<Setup> {
  const response = await fetch('/__handler/setup', {
    method: 'POST',
    body: JSON.stringify({ provider: 'mock', mock: { tokenDelayMs: 0, firstTokenDelayMs: 0, ...mock } }),
  });
  return (await response.json()) as Setup;
}

type SentBody = { messages: RequestMessage[]; tools?: Array<{ name: string }> };
/** The bodies each element POSTed, as its ai-chat-send listeners saw them. */
const sent = new WeakMap<AiChat, SentBody[]>();
const requestsSeen = (el: AiChat): SentBody[] => sent.get(el) ?? [];

async function chat(setup: Setup, attributes = ''): Promise<AiChat> {
  const el = await fixture<AiChat>(html`<ai-chat endpoint=${setup.url}></ai-chat>`);
  for (const [name, value] of attributes.split(' ').filter(Boolean).map((a) => a.split('='))) el.setAttribute(name!, value ?? '');
  const bodies: SentBody[] = [];
  sent.set(el, bodies);
  el.addEventListener('ai-chat-send', (event) => bodies.push(structuredClone(event.detail.request.body)));
  return el;
}

/** An answer whose refund call asks the reader first, once its step shows Approve and Deny. */
async function askToRefund() {
  const el = await chat(await setupHandler());
  const runs = { count: 0 };
  el.tools = { refund: { approve: true, run: () => ((runs.count += 1), { refunded: true }) } };
  const answered = el.send('Please refund my order');
  await until(() => part(el, 'tool-approve') ?? undefined, 'the Approve and Deny buttons');
  return { el, runs, answered };
}

const toolsOf = (el: AiChat) => (el.messages.at(-1)?.parts ?? []).filter((p): p is ToolPart => p.type === 'tool');

describe('tools run by the page', () => {
  it('runs a tool the answer calls, shows the step, and asks again with its result: two steps, one answer', async () => {
    const setup = await setupHandler();
    const el = await chat(setup);
    const inputs: unknown[] = [];
    el.tools = {
      get_order: {
        description: 'Looks an order up by its number.',
        parameters: { type: 'object', properties: { id: { type: 'string' } } },
        run: (input) => {
          inputs.push(input);
          return { status: 'shipped', eta: 'Friday' };
        },
      },
      lookup_weather: () => 'sunny',
    };
    const answer = await el.send('Where is my order? Use get_order please.');
    expect(answer?.status, answer?.error).to.equal('done');
    expect(inputs).to.have.length(1);
    const [call] = toolsOf(el);
    expect(call).to.include({ name: 'get_order', state: 'output-available' });
    expect(call!.output).to.deep.equal({ status: 'shipped', eta: 'Friday' });
    // The model read the result and said so, in the same message, after the step.
    expect(answer!.content).to.include('shipped');
    expect(el.messages).to.have.length(2);
    const bodies = requestsSeen(el);
    expect(bodies).to.have.length(2);
    expect(bodies[0]!.tools).to.deep.equal([
      { name: 'get_order', description: 'Looks an order up by its number.', parameters: { type: 'object', properties: { id: { type: 'string' } } } },
      { name: 'lookup_weather' },
    ]);
    // The follow-up carries the call and its result in the neutral shape.
    const last = bodies[1]!.messages.at(-1)!;
    expect(last.role).to.equal('assistant');
    expect(last.parts.filter((p) => p.type === 'dynamic-tool')).to.deep.equal([
      {
        type: 'dynamic-tool',
        toolCallId: call!.id,
        toolName: 'get_order',
        state: 'output-available',
        input: call!.input,
        output: { status: 'shipped', eta: 'Friday' },
      },
    ]);
    await el.updateComplete;
    expect(part(el, 'tool-name')!.textContent).to.equal('get_order');
    expect(part(el, 'tool-status')!.textContent).to.equal('Done');
    expect(JSON.parse(part(el, 'tool-output')!.textContent!)).to.deep.equal({ status: 'shipped', eta: 'Friday' });
  });

  it('a tool that throws becomes an error result the model reads, not a crash', async () => {
    const setup = await setupHandler();
    const el = await chat(setup);
    el.tools = {
      get_order: () => {
        throw new Error('Order service unavailable');
      },
    };
    const answer = await el.send('Check get_order for me');
    expect(answer?.status, answer?.error).to.equal('done');
    expect(toolsOf(el)[0]).to.include({ state: 'output-error', errorText: 'Order service unavailable' });
    expect(answer!.content).to.include('Order service unavailable');
    await el.updateComplete;
    expect(part(el, 'tool-status')!.textContent).to.equal('Failed');
    const bodies = requestsSeen(el);
    expect(bodies[1]!.messages.at(-1)!.parts.find((p) => p.type === 'dynamic-tool')).to.include({
      state: 'output-error',
      errorText: 'Order service unavailable',
    });
  });

  it('asks the reader first when the tool says so: Approve runs it', async () => {
    const { el, runs, answered } = await askToRefund();
    expect(runs.count).to.equal(0);
    expect(part(el, 'tool-deny')).to.not.equal(null);
    expect(el.status).to.equal('streaming');
    part<HTMLButtonElement>(el, 'tool-approve')!.click();
    const answer = await answered;
    expect(answer?.status, answer?.error).to.equal('done');
    expect(runs.count).to.equal(1);
    expect(toolsOf(el)[0]).to.include({ state: 'output-available' });
    await el.updateComplete;
    expect(part(el, 'tool-approve')).to.equal(null);
  });

  it('Deny does not run the tool and tells the model the reader said no', async () => {
    const { el, runs, answered } = await askToRefund();
    part<HTMLButtonElement>(el, 'tool-deny')!.click();
    const answer = await answered;
    expect(answer?.status, answer?.error).to.equal('done');
    expect(runs.count).to.equal(0);
    expect(toolsOf(el)[0]).to.include({ state: 'output-error', errorText: 'The user denied this tool call.' });
    expect(answer!.content).to.include('denied');
  });

  it('Stop during a running tool aborts its signal and sends no further request', async () => {
    const setup = await setupHandler();
    const el = await chat(setup);
    let aborted = false;
    let started = false;
    el.tools = {
      slow_search: (_input, { signal }) =>
        new Promise((resolve) => {
          started = true;
          signal.addEventListener('abort', () => (aborted = true));
          setTimeout(() => resolve('too late'), 30_000);
        }),
    };
    const answered = el.send('Run slow_search now');
    await until(() => started || undefined, 'the tool to start');
    expect(el.status).to.equal('streaming');
    await el.updateComplete;
    expect(part(el, 'tool-status')!.textContent).to.equal('Running');
    el.abort();
    const answer = await answered;
    expect(answer?.status).to.equal('aborted');
    expect(aborted).to.equal(true);
    expect(el.status).to.equal('idle');
    expect(requestsSeen(el)).to.have.length(1);
    // The composer is back: the next question can be sent.
    expect(el.messages.at(-1)).to.equal(answer);
  });

  it('stops at max-steps with a clear message, keeping every step and word', async () => {
    // The mock calls the named tool again after each result: it never ends on its own.
    const setup = await setupHandler({ toolRounds: 10 });
    const el = await chat(setup, 'max-steps=3');
    expect(el.maxSteps).to.equal(3);
    let calls = 0;
    el.tools = { get_order: () => ((calls += 1), { status: 'shipped' }) };
    const answer = await el.send('Loop on get_order');
    expect(answer?.status).to.equal('error');
    expect(answer?.error).to.equal('The answer stopped after 3 steps of tool calls. Send a message to let it go on.');
    expect(calls).to.equal(2);
    expect(requestsSeen(el)).to.have.length(3);
    expect(toolsOf(el).map((t) => t.state)).to.deep.equal(['output-available', 'output-available', 'input-available']);
    await el.updateComplete;
    expect(part(el, 'error')!.textContent).to.include('3 steps');
    // The unanswered call says it was not run.
    expect([...shadow(el).querySelectorAll('[part~="tool-status"]')].map((n) => n.textContent)).to.deep.equal(['Done', 'Done', 'Not run']);
  });

  it('an ai-chat-tool-call listener answers calls without tools', async () => {
    const setup = await setupHandler();
    const el = await chat(setup);
    el.addEventListener('ai-chat-tool-call', (event) => {
      if (event.detail.part.name !== 'get_time') return;
      event.preventDefault();
      setTimeout(() => event.detail.respond(Promise.resolve({ time: '12:00' })), 20);
    });
    // Declared so the model is offered it; the listener answers before it would run.
    el.tools = { get_time: () => ({ time: 'never used' }) };
    const answer = await el.send('What does get_time say?');
    expect(answer?.status, answer?.error).to.equal('done');
    expect(toolsOf(el)[0]!.output).to.deep.equal({ time: '12:00' });
    expect(answer!.content).to.include('12:00');
  });

  it('an answer whose calls no page tool answers ends done, with the step shown as not run', async () => {
    const setup = await setupHandler();
    const el = await chat(setup);
    el.addEventListener('ai-chat-send', (event) => {
      // A backend that offers a tool the page does not have.
      event.detail.request.body.tools = [{ name: 'unknown_tool' }];
    });
    const answer = await el.send('Call unknown_tool');
    expect(answer?.status, answer?.error).to.equal('done');
    expect(toolsOf(el)[0]).to.include({ name: 'unknown_tool', state: 'input-available' });
    await el.updateComplete;
    expect(part(el, 'tool-status')!.textContent).to.equal('Not run');
    expect(requestsSeen(el)).to.have.length(1);
  });
});
