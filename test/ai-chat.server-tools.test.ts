import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { ToolPart } from '../src/stream/parts.js';
import { FAILING_TOOL_MESSAGE, setup, type SetupSpec } from './handler-helpers.js';
import { part, shadow, until } from './helpers.js';

// Tools run on the server (#14), end to end: the real <ai-chat> in Chromium
// posts to the real createChatHandler (test/server/handler-harness.mjs) with
// the mock provider and server tools, as `npm run dev` runs them. The
// handler's loop itself is covered in Node (test/server/handler-tools.test.mjs)
// and on the web platform (test/handler-tools.platform.test.ts); this suite
// checks what a reader sees of it.

/** The mock, quick: the default pacing (200 ms to the first token, 30 ms a token) is for people watching the demo. */
const QUICK_MOCK = { tokenDelayMs: 2, firstTokenDelayMs: 10 };

/** A widget on a fresh handler with the mock; `crossOrigin` puts the handler on another origin that allows the page's. */
async function chatOn(spec: Omit<SetupSpec, 'provider'>, crossOrigin = false) {
  const options = crossOrigin ? { allowedOrigins: [location.origin], ...spec.options } : spec.options;
  const server = await setup({ provider: 'mock', ...spec, mock: { ...QUICK_MOCK, ...spec.mock }, ...(options ? { options } : {}) });
  const el = await fixture<AiChat>(html`<ai-chat endpoint=${crossOrigin ? server.crossOriginUrl : server.url}></ai-chat>`);
  /** Every state a tool part was reported in, as `name:state`, in order. */
  const states: string[] = [];
  el.addEventListener('ai-chat-part', ({ detail }) => {
    if (detail.part.type === 'tool') states.push(`${detail.part.name}:${detail.part.state}`);
  });
  return { server, el, states };
}

const toolsOf = (el: AiChat, index = 1) => (el.messages[index]?.parts ?? []).filter((p): p is ToolPart => p.type === 'tool');
const steps = (el: AiChat) => [...shadow(el).querySelectorAll<HTMLDetailsElement>('[part~="tool"]')];
/** The answer's one tool step. */
function onlyStep(el: AiChat): HTMLDetailsElement {
  const shown = steps(el);
  expect(shown, 'tool steps').to.have.length(1);
  return shown[0]!;
}
const stepText = (step: Element, name: string) => step.querySelector(`[part~="${name}"]`)?.textContent ?? null;
/** Whether `first` comes before `second` in the document. */
const precedes = (first: Node, second: Node) => Boolean(first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING);

describe('server tools through <ai-chat>', () => {
  it('"What time is it?" shows the demo tool as a done step with its output as text, then the answer', async () => {
    const { el, states } = await chatOn({ mockTools: true });
    const answer = await el.send('What time is it?');
    expect(answer?.status, answer?.error).to.equal('done');
    await el.updateComplete;

    const step = onlyStep(el);
    expect(stepText(step, 'tool-name')).to.equal('local_time');
    expect(stepText(step, 'tool-status')).to.equal('Done');
    // The output is the tool's JSON result, shown as text (no markup made of it).
    const output = JSON.parse(stepText(step, 'tool-output')!) as { time: string; timeZone: string };
    expect(output.time).to.match(/^\d\d:\d\d$/);
    expect(output.timeZone).to.be.a('string').and.not.equal('');
    expect(step.querySelector('[part~="tool-output"]')!.children).to.have.length(0);
    expect(JSON.parse(stepText(step, 'tool-input')!)).to.deep.equal({});

    // The answer is the model's second step, written with the result, below the step.
    expect(answer!.content).to.equal(`It is **${output.time}** on the server (${output.timeZone}), says the \`local_time\` tool.`);
    const text = el.shadowRoot!.querySelectorAll('.message')[1]!.querySelector('.content')!;
    expect(text.textContent!.trim()).to.equal(`It is ${output.time} on the server (${output.timeZone}), says the local_time tool.`);
    expect(precedes(step, text)).to.equal(true);
    expect(answer!.parts?.map((p) => p.type)).to.deep.equal(['tool', 'text']);

    // The step was live: the call arrived before its result, and nothing failed.
    expect(states.at(-1)).to.equal('local_time:output-available');
    expect(states.slice(0, -1).every((state) => /^local_time:input-/.test(state)) && states.length > 1, states.join()).to.equal(true);
    expect(part(el, 'error')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('a tool that throws shows as a failed step with its message; the model answers and the answer ends done', async () => {
    const { server, el, states } = await chatOn({ failingTool: true });
    const answer = await el.send('Please use broken_lookup for order 7');
    expect(answer?.status, answer?.error).to.equal('done');
    await el.updateComplete;

    const step = onlyStep(el);
    expect(stepText(step, 'tool-name')).to.equal('broken_lookup');
    expect(stepText(step, 'tool-status')).to.equal('Failed');
    expect(stepText(step, 'tool-output')).to.equal(FAILING_TOOL_MESSAGE);
    expect(toolsOf(el)[0]).to.include({ state: 'output-error', errorText: FAILING_TOOL_MESSAGE });
    expect(states.at(-1)).to.equal('broken_lookup:output-error');

    // The model saw the error as the tool's result and wrote about it.
    expect(answer!.content).to.equal(`The tool \`broken_lookup\` failed: ${FAILING_TOOL_MESSAGE}`);
    expect(precedes(step, el.shadowRoot!.querySelectorAll('.message .content')[1]!)).to.equal(true);
    // A failed tool is not a failed answer: no error line, no Retry.
    expect(part(el, 'error')).to.equal(null);
    expect(part(el, 'retry-button')).to.equal(null);
    // The server's log has the failure for its owner.
    const { logs } = await server.log();
    expect(logs.some((line) => line.startsWith('warn') && line.includes('the tool broken_lookup failed'))).to.equal(true);
  });

  it('maxSteps reached: a clear message, and every step made so far stays', async () => {
    // The mock calls the tool three times in a row; the handler allows two provider calls.
    const { el } = await chatOn({ mockTools: true, mock: { toolRounds: 3 }, options: { maxSteps: 2 } });
    const answer = await el.send('What time is it?');
    expect(answer?.status).to.equal('error');
    expect(answer!.error).to.include('The answer stopped after 2 steps of tool calls. Send a message to let it go on.');
    await el.updateComplete;

    // Both steps, done, with their results, and distinct ids.
    const shown = steps(el);
    expect(shown).to.have.length(2);
    for (const step of shown) {
      expect(stepText(step, 'tool-name')).to.equal('local_time');
      expect(stepText(step, 'tool-status')).to.equal('Done');
      expect(JSON.parse(stepText(step, 'tool-output')!)).to.have.property('time');
    }
    const tools = toolsOf(el);
    expect(tools.map((tool) => tool.state)).to.deep.equal(['output-available', 'output-available']);
    expect(new Set(tools.map((tool) => tool.id)).size).to.equal(2);
    // The message is shown below the steps, where a reader looks for why the answer ended.
    const error = part(el, 'error')!;
    expect(error.textContent).to.include('stopped after 2 steps');
    expect(precedes(shown[1]!, error)).to.equal(true);
  });

  for (const crossOrigin of [false, true]) {
    it(`Stop during a running server tool aborts the tool at once, and no further request goes out${crossOrigin ? ' (cross-origin)' : ''}`, async () => {
      const { server, el } = await chatOn({ slowTool: true }, crossOrigin);
      const sending = el.send('Please run slow_lookup');
      await until(async () => (await server.log()).logs.includes('info tool slow_lookup started'), 'the tool to start');
      // The call's chunks went out before the tool started; they may still be on their way.
      await until(() => steps(el)[0] && stepText(steps(el)[0]!, 'tool-status') === 'Running', 'the step shown as running');

      const stoppedAt = performance.now();
      el.abort();
      expect((await sending)?.status).to.equal('aborted');
      // Well within the handler's 5 s grace for a client that went away: the turn's DELETE stopped it.
      await until(async () => (await server.log()).logs.includes('info tool slow_lookup aborted'), 'the tool to be aborted', 2000);
      expect(performance.now() - stoppedAt).to.be.lessThan(2000);
      // The step stays on screen, and nothing more was asked of the server than the turn and its cancel.
      await el.updateComplete;
      expect(stepText(steps(el)[0]!, 'tool-name')).to.equal('slow_lookup');
      const { responses } = await server.log();
      expect(responses.filter((response) => response.method !== 'OPTIONS').map((response) => [response.method, response.status]).sort()).to.deep.equal([
        ['DELETE', 204],
        ['POST', 200],
      ]);
    });
  }
});
