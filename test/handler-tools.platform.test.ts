import { expect } from '@open-wc/testing';
import {
  createChatHandler,
  mockProvider,
  mockTools,
  type ChatHandlerOptions,
  type ProviderAdapter,
  type ProviderDialect,
  type ProviderRequest,
} from '../src/server/index.js';
import { createAnswerReader, isSkipped } from '../src/stream/formats/index.js';
import { createPartsBuilder, type ChatPart } from '../src/stream/parts.js';
import { createSseParser } from '../src/stream/sse-parser.js';

// #14, tools run on the server, with the handler here in Chromium (the web
// platform's Request, Response and streams, as on Deno, Bun and Workers),
// and what it streams read by the widget's own reader and parts builder.
// test/server/handler-tools.test.mjs covers the same loop in Node with the
// official SDKs against a fake provider, and the request mappings.

/** A provider whose n-th call streams `steps[n]`, recording each request. */
function stepsProvider(steps: unknown[][], dialect: ProviderDialect = 'openai') {
  const calls: ProviderRequest[] = [];
  const adapter: ProviderAdapter = {
    name: 'steps',
    async start(request) {
      calls.push(request);
      const chunks = structuredClone(steps[calls.length - 1] ?? []);
      return {
        dialect,
        chunks: (async function* () {
          yield* chunks;
        })(),
      };
    },
  };
  return { adapter, calls };
}

const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const call = (id: string, name: string, args: string) =>
  choice({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: args } }] });
const toolStep = (id: string, name: string, args = '{}') => [call(id, name, args), choice({}, 'tool_calls')];
const textStep = (text: string) => [choice({ content: text }), choice({}, 'stop')];

function post(handler: (request: Request) => Promise<Response>, body: unknown, signal?: AbortSignal): Promise<Response> {
  return handler(
    new Request('https://chat.example/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    }),
  );
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], stream: true, ...extra });

/** What the widget makes of a body: parts, joined text, end and error. */
function readAsWidget(text: string) {
  const reader = createAnswerReader({ format: 'auto', contentType: 'text/event-stream' });
  const builder = createPartsBuilder();
  let done = false;
  let error: string | undefined;
  const parser = createSseParser({
    onEvent(event) {
      const result = reader.event(event);
      if (isSkipped(result)) return;
      builder.add(result);
      done ||= result.done === true;
      error ??= result.error;
    },
  });
  parser.feed(new TextEncoder().encode(text));
  parser.end();
  if (done) builder.end();
  return { parts: builder.parts as ChatPart[], done, error };
}

const tools = (parts: ChatPart[]) => parts.filter((part) => part.type === 'tool');

function handlerWith(adapter: ProviderAdapter, options: Partial<ChatHandlerOptions>) {
  return createChatHandler({ provider: adapter, logger: false, ...options });
}

describe('server tools on the web platform', () => {
  it('runs two steps: the call, its result, the model again, the answer', async () => {
    const { adapter, calls } = stepsProvider([toolStep('c1', 'lookup', '{"id":7}'), textStep('Order 7 shipped.')]);
    const inputs: unknown[] = [];
    const handler = handlerWith(adapter, { tools: { lookup: { execute: (input) => (inputs.push(input), { status: 'shipped' }) } } });
    const { parts, done } = readAsWidget(await (await post(handler, ask('Where is order 7?'))).text());
    expect(inputs).to.deep.equal([{ id: 7 }]);
    expect(done).to.equal(true);
    expect(parts).to.deep.equal([
      { type: 'tool', id: 'c1', name: 'lookup', input: { id: 7 }, output: { status: 'shipped' }, state: 'output-available' },
      { type: 'text', text: 'Order 7 shipped.' },
    ]);
    expect(calls).to.have.length(2);
    expect(calls[1]!.messages.at(-1)!.parts).to.deep.equal([
      { type: 'dynamic-tool', toolCallId: 'c1', toolName: 'lookup', state: 'output-available', input: { id: 7 }, output: { status: 'shipped' } },
    ]);
  });

  it('turns a throwing tool into a failed step the model answers', async () => {
    const { adapter, calls } = stepsProvider([toolStep('c1', 'lookup'), textStep('The lookup failed.')]);
    const handler = handlerWith(adapter, {
      tools: {
        lookup: {
          execute() {
            throw new Error('Order service down.');
          },
        },
      },
    });
    const response = await post(handler, ask('Where is my order?'));
    expect(response.status).to.equal(200);
    const { parts, done } = readAsWidget(await response.text());
    expect(done).to.equal(true);
    expect(tools(parts)[0]).to.include({ state: 'output-error', errorText: 'Order service down.' });
    expect(calls[1]!.messages.at(-1)!.parts![0]).to.include({ state: 'output-error', errorText: 'Order service down.' });
  });

  it('aborts a running tool’s signal when the request’s signal aborts, and calls the model no more', async () => {
    const { adapter, calls } = stepsProvider([toolStep('c1', 'wait'), textStep('never')]);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let toolSignal: AbortSignal | undefined;
    const handler = handlerWith(adapter, {
      tools: {
        wait: {
          execute: (_input, { signal }) => {
            toolSignal = signal;
            started();
            return new Promise(() => undefined);
          },
        },
      },
    });
    const controller = new AbortController();
    const response = await post(handler, ask('Wait.'), controller.signal);
    // Reads on, as the widget does: the stream is pulled, so the tool starts only once step 1 has been read.
    const body = response.body!.getReader();
    void (async () => {
      while (!(await body.read()).done);
    })().catch(() => undefined);
    await running;
    expect(toolSignal!.aborted).to.equal(false);
    controller.abort();
    expect(toolSignal!.aborted).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).to.have.length(1);
  });

  it('ends with the max_steps error after maxSteps calls, every step’s result kept', async () => {
    const { adapter, calls } = stepsProvider([toolStep('c1', 'again'), toolStep('c1', 'again'), toolStep('c1', 'again')]);
    const handler = handlerWith(adapter, { maxSteps: 2, tools: { again: { execute: () => 'ok' } } });
    const { parts, error } = readAsWidget(await (await post(handler, ask('Loop.'))).text());
    expect(calls).to.have.length(2);
    expect(error).to.equal('The answer stopped after 2 steps of tool calls. Send a message to let it go on.');
    const steps = tools(parts);
    expect(steps.map((part) => part.type === 'tool' && part.state)).to.deep.equal(['output-available', 'output-available']);
    expect(new Set(steps.map((part) => part.type === 'tool' && part.id)).size, 'a reused id is made unique').to.equal(2);
  });

  it('streams a page tool’s call without running it, and offers the page’s tools to the model', async () => {
    const { adapter, calls } = stepsProvider([toolStep('c1', 'getOrder')]);
    let ran = false;
    const handler = handlerWith(adapter, { tools: { lookup: { execute: () => (ran = true) } } });
    const { parts, done } = readAsWidget(await (await post(handler, ask('Order?', { tools: [{ name: 'getOrder' }] }))).text());
    expect(ran).to.equal(false);
    expect(done).to.equal(true);
    expect(calls).to.have.length(1);
    expect(calls[0]!.tools!.map((tool) => tool.name)).to.deep.equal(['lookup', 'getOrder']);
    expect(tools(parts)[0]).to.include({ id: 'c1', name: 'getOrder', state: 'input-available' });
  });

  it('holds an Anthropic step’s message_stop back until the last step', async () => {
    const block = (index: number, content_block: unknown) => ({ type: 'content_block_start', index, content_block });
    const anthropicStep = (...blocks: unknown[]) => [{ type: 'message_start', message: { id: 'm', content: [] } }, ...blocks, { type: 'message_stop' }];
    const { adapter } = stepsProvider(
      [
        anthropicStep(block(0, { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} }), { type: 'content_block_stop', index: 0 }),
        anthropicStep(block(0, { type: 'text', text: '' }), { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Shipped.' } }),
      ],
      'anthropic',
    );
    const handler = handlerWith(adapter, { tools: { lookup: { execute: () => 'shipped' } } });
    const text = await (await post(handler, ask('Order?'))).text();
    expect(text.match(/message_stop/g)).to.have.length(1);
    const { parts, done } = readAsWidget(text);
    expect(done).to.equal(true);
    expect(parts).to.deep.equal([
      { type: 'tool', id: 'toolu_1', name: 'lookup', input: {}, output: 'shipped', state: 'output-available' },
      { type: 'text', text: 'Shipped.' },
    ]);
  });

  it('lets the mock call the demo’s local_time tool for a question about the time', async () => {
    const handler = createChatHandler({ provider: mockProvider({ tokenDelayMs: 0, firstTokenDelayMs: 0 }), tools: mockTools, logger: false });
    const { parts, done } = readAsWidget(await (await post(handler, ask('What time is it?'))).text());
    expect(done).to.equal(true);
    const [step, answer] = parts;
    expect(step).to.include({ type: 'tool', name: 'local_time', state: 'output-available' });
    expect(answer?.type === 'text' && answer.text).to.match(/^It is \*\*\d\d:\d\d\*\* on the server/);
  });

  it('answers 400 to a tool call in a user message and to a page tool with a name providers refuse', async () => {
    const { adapter, calls } = stepsProvider([]);
    const handler = handlerWith(adapter, {});
    const part = { type: 'dynamic-tool', toolCallId: 'c1', toolName: 't', state: 'input-available', input: {} };
    const inUser = await post(handler, { messages: [{ role: 'user', content: 'q', parts: [part] }] });
    expect(inUser.status).to.equal(400);
    expect((await inUser.json()).error.message).to.contain('tool calls belong to assistant messages');
    const badName = await post(handler, ask('q', { tools: [{ name: 'get order' }] }));
    expect(badName.status).to.equal(400);
    expect(calls).to.have.length(0);
  });
});
