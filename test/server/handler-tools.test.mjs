// #14, tools run on the server: `createChatHandler({ tools, maxSteps })`.
// Run with `node --test test/server/handler-tools.test.mjs`.
//
// The real handler (src/server, bundled by esbuild) runs behind node:http
// with the official `openai` and `@anthropic-ai/sdk` packages, which reach a
// fake provider on loopback through their `baseURL`. The fake answers each
// request with the next response queued by the test: a recorded transcript
// from test/fixtures, or events the test writes. What the handler streams is
// then read by the widget's own reader (`createAnswerReader` and
// `createPartsBuilder` from src/stream, bundled the same way), as the widget
// would, whole and split at many byte offsets.

import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { snippetsOf } from '../../scripts/doc-snippets.mjs';
import { buildServer, SERVER_DIR } from '../runtimes/build-server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'node_modules/.cache/ai-chat-tools-reader');
const FIXTURES = join(ROOT, 'test/fixtures');
const KEY = 'sk-test-tools-0000';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let server;
let reader;
/** The fake provider: its port, the queue of responses, and every request it got. */
const fake = { port: 0, queue: [], requests: [] };

/** The handler as the runtime suites bundle it, and the widget's reader modules beside it. */
async function load() {
  const entries = ['formats/index', 'parts', 'sse-parser'];
  await buildServer();
  await build({
    entryPoints: Object.fromEntries(entries.map((entry) => [entry, join(ROOT, `src/stream/${entry}.ts`)])),
    ...{ outdir: OUT, bundle: true, splitting: true, format: 'esm', logLevel: 'warning' },
  });
  const get = (file) => import(pathToFileURL(file).href);
  const [index, node, ...modules] = await Promise.all([
    get(join(SERVER_DIR, 'index.js')),
    get(join(SERVER_DIR, 'node.js')),
    ...entries.map((entry) => get(join(OUT, `${entry}.js`))),
  ]);
  server = { ...index, ...node };
  reader = Object.assign({}, ...modules);
}

/** Event blocks of an SSE body, each with its blank line. */
const eventPieces = (text) => text.split(/(?<=\n\n)/).filter((piece) => piece.trim());

/**
 * The fake provider. A queued response is `{ fixture }`, `{ body }` (SSE
 * text), and with `hold: true` the connection stays open after it until
 * the client closes it.
 */
function startFake() {
  return new Promise((resolve) => {
    const http = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const record = { path: req.url, body: JSON.parse(body || 'null'), closedByClient: false };
      fake.requests.push(record);
      res.on('close', () => (record.closedByClient = !res.writableFinished));
      const next = fake.queue.shift();
      if (!next) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'nothing queued', type: 'server_error' } }));
      }
      const text = next.body ?? (await readFile(join(FIXTURES, next.fixture), 'utf8'));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      for (const piece of eventPieces(text)) {
        if (record.closedByClient) return;
        res.write(piece);
      }
      if (!next.hold) res.end();
    });
    http.listen(0, '127.0.0.1', () => {
      fake.port = http.address().port;
      resolve(http);
    });
  });
}

/** A handler on its own loopback port; `logs` collects its log lines. */
async function serve(options) {
  const logs = [];
  const record = (level) => (...args) => logs.push(`${level} ${args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ')}`);
  const vendor = options.provider === 'anthropic' ? 'anthropic' : 'openai/v1';
  const handler = server.createChatHandler({
    apiKey: KEY,
    baseURL: `http://127.0.0.1:${fake.port}/${vendor}`,
    model: options.provider === 'anthropic' ? 'claude-sonnet-4-0' : 'gpt-4.1-nano',
    logger: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') },
    ...options,
  });
  const http = createServer(server.toNodeListener(handler));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  servers.push(http);
  return { url: `http://127.0.0.1:${http.address().port}/`, logs };
}
const servers = [];

const post = (url, body, init = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body), signal: init.signal });

function parseSse(text) {
  return eventPieces(text)
    .map((block) => {
      const event = { data: undefined };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        if (line.startsWith('id: ')) event.id = line.slice(4);
        if (line.startsWith('data: ')) event.data = line.slice(6);
      }
      return event;
    })
    .filter((event) => event.data !== undefined);
}

const jsonEvents = (events) => events.filter((event) => event.data !== '[DONE]' && !event.event).map((event) => JSON.parse(event.data));

/**
 * What the widget makes of a body: the answer reader and the parts builder,
 * fed through the real SSE parser in the given byte pieces, as the stream
 * controller does (a result's parts, its text, its end and error).
 */
function readAsWidget(bytes, cuts = [], format = 'auto') {
  const answer = reader.createAnswerReader({ format, contentType: 'text/event-stream' });
  const builder = reader.createPartsBuilder();
  const state = { text: '', done: false, error: undefined };
  const parser = reader.createSseParser({
    onEvent(event) {
      const result = answer.event(event);
      if (reader.isSkipped(result)) return;
      builder.add(result);
      state.text += result.text ?? '';
      state.done ||= result.done === true;
      state.error ??= result.error;
    },
  });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.feed(bytes.subarray(from, cut));
    from = cut;
  }
  parser.end();
  if (state.done) builder.end();
  return { ...state, parts: structuredClone(builder.parts), format: answer.format };
}

/** `readAsWidget` whole, then split at every `step`-th byte offset (and in pairs of offsets): the same parts each time. */
function readSplit(text, step = 7) {
  const bytes = new TextEncoder().encode(text);
  const whole = readAsWidget(bytes);
  for (let cut = 1; cut < bytes.length; cut += step) {
    assert.deepEqual(readAsWidget(bytes, [cut]), whole, `split at byte ${cut}`);
    const second = cut + Math.floor((bytes.length - cut) / 2);
    if (second > cut) assert.deepEqual(readAsWidget(bytes, [cut, second]), whole, `split at bytes ${cut} and ${second}`);
  }
  return whole;
}

const toolParts = (parts) => parts.filter((part) => part.type === 'tool');

/** The text of the chunks in `file`, joined (the manifest's `expected.text`). */
async function expectedText(file) {
  const manifest = JSON.parse(await readFile(join(FIXTURES, 'manifest.json'), 'utf8'));
  return manifest.find((entry) => entry.file === file).expected.text;
}

before(async () => {
  await load();
  fakeServer = await startFake();
});
let fakeServer;
after(() => {
  for (const http of [...servers, fakeServer]) http.closeAllConnections?.(), http.close();
});

function reset(...responses) {
  fake.queue = responses;
  fake.requests = [];
}

const question = { messages: [{ id: 'u1', role: 'user', content: 'Name a holiday.', parts: [{ type: 'text', text: 'Name a holiday.' }] }], stream: true };

describe('server tools: the loop', () => {
  it('OpenAI: runs the tool the model asks for, streams its result, and calls the model again with it (two steps)', async () => {
    reset({ fixture: 'openai-chat-tool-calls.sse' }, { fixture: 'openai-chat.sse' });
    const seen = [];
    const { url } = await serve({
      provider: 'openai',
      tools: {
        'test-tool': {
          description: 'Finds a holiday.',
          parameters: { type: 'object', properties: { value: { type: 'string' } } },
          execute(input, { signal, toolCallId }) {
            seen.push({ input, aborted: signal.aborted, toolCallId });
            return { holiday: 'Harmony Day' };
          },
        },
      },
    });
    const response = await post(url, question);
    assert.equal(response.status, 200);
    const text = await response.text();
    const events = parseSse(text);
    assert.deepEqual(seen, [{ input: { value: 'Sparkle Day' }, aborted: false, toolCallId: 'call_O17Uplv4lJvD6DVdIvFFeRMw' }]);
    assert.equal(events.at(-1).data, '[DONE]');
    assert.deepEqual(
      events.map((event) => Number(event.id)),
      events.map((_, index) => index + 1),
      'one numbering across the steps',
    );
    const chunks = jsonEvents(events);
    const output = chunks.findIndex((chunk) => chunk.type === 'tool-output-available');
    assert.deepEqual(chunks[output], { type: 'tool-output-available', toolCallId: 'call_O17Uplv4lJvD6DVdIvFFeRMw', output: { holiday: 'Harmony Day' } });
    // `choices: []` chunks carry usage.
    const finishes = chunks.map((chunk) => chunk.choices?.[0]?.finish_reason).filter(Boolean);
    assert.deepEqual(finishes, ['tool_calls', 'stop']);
    assert.ok(chunks.findIndex((chunk) => chunk.choices?.[0]?.finish_reason === 'tool_calls') < output, 'the result follows the first step');
    assert.ok(chunks.findIndex((chunk) => chunk.choices?.[0]?.finish_reason === 'stop') > output, 'the second step follows the result');

    // What the model got: the tool, then the call and its result.
    assert.equal(fake.requests.length, 2);
    const [first, second] = fake.requests.map((request) => request.body);
    assert.deepEqual(first.messages, [{ role: 'user', content: 'Name a holiday.' }]);
    assert.deepEqual(first.tools, [
      {
        type: 'function',
        function: { name: 'test-tool', description: 'Finds a holiday.', parameters: { type: 'object', properties: { value: { type: 'string' } } } },
      },
    ]);
    assert.deepEqual(second.messages, [
      { role: 'user', content: 'Name a holiday.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_O17Uplv4lJvD6DVdIvFFeRMw', type: 'function', function: { name: 'test-tool', arguments: '{"value":"Sparkle Day"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_O17Uplv4lJvD6DVdIvFFeRMw', content: '{"holiday":"Harmony Day"}' },
    ]);
    assert.deepEqual(second.tools, first.tools);

    // What the widget makes of it, detecting the format and with format="openai".
    const widget = readSplit(text);
    assert.deepEqual(readAsWidget(new TextEncoder().encode(text), [], 'openai'), widget);
    assert.equal(widget.format, 'openai');
    assert.equal(widget.done, true);
    assert.equal(widget.error, undefined);
    assert.deepEqual(widget.parts, [
      {
        type: 'tool',
        id: 'call_O17Uplv4lJvD6DVdIvFFeRMw',
        name: 'test-tool',
        input: { value: 'Sparkle Day' },
        output: { holiday: 'Harmony Day' },
        state: 'output-available',
      },
      { type: 'text', text: await expectedText('openai-chat.sse') },
    ]);
  });

  it('Anthropic: tool_use, then tool_result in a user turn; one message_stop, at the very end', async () => {
    reset({ fixture: 'anthropic-tool-use.sse' }, { fixture: 'anthropic.sse' });
    const { url } = await serve({
      provider: 'anthropic',
      tools: { get_weather: { description: 'The weather.', execute: ({ location }) => `Sunny in ${location}` } },
    });
    const text = await (await post(url, { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in SF?' }] })).text();
    const chunks = jsonEvents(parseSse(text));
    assert.equal(chunks.filter((chunk) => chunk.type === 'message_stop').length, 1);
    assert.equal(chunks.at(-1).type, 'message_stop');
    assert.deepEqual(chunks.find((chunk) => chunk.type === 'tool-output-available'), {
      type: 'tool-output-available',
      toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      output: 'Sunny in San Francisco, CA',
    });

    const [first, second] = fake.requests.map((request) => request.body);
    assert.equal(first.system, 'Be brief.');
    assert.deepEqual(first.tools, [{ name: 'get_weather', description: 'The weather.', input_schema: { type: 'object', properties: {} } }]);
    assert.deepEqual(second.messages, [
      { role: 'user', content: 'Weather in SF?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: "Okay, let's check the weather for San Francisco, CA:" },
          { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'fahrenheit' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', content: 'Sunny in San Francisco, CA' }] },
    ]);
    assert.equal(second.system, 'Be brief.');

    const widget = readSplit(text);
    assert.deepEqual(readAsWidget(new TextEncoder().encode(text), [], 'anthropic'), widget);
    assert.equal(widget.format, 'anthropic');
    assert.equal(widget.done, true);
    assert.deepEqual(widget.parts, [
      { type: 'text', text: await expectedText('anthropic-tool-use.sse') },
      {
        type: 'tool',
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        name: 'get_weather',
        input: { location: 'San Francisco, CA', unit: 'fahrenheit' },
        output: 'Sunny in San Francisco, CA',
        state: 'output-available',
      },
      { type: 'text', text: await expectedText('anthropic.sse') },
    ]);
  });

  it('a tool that throws: an error result the model sees (is_error for Anthropic), not a failed answer', async () => {
    for (const provider of ['openai', 'anthropic']) {
      reset(
        { fixture: provider === 'openai' ? 'openai-chat-tool-calls.sse' : 'anthropic-tool-use.sse' },
        { fixture: provider === 'openai' ? 'openai-chat.sse' : 'anthropic.sse' },
      );
      const execute = () => {
        throw new Error('The weather service is down.');
      };
      const { url, logs } = await serve({ provider, tools: { 'test-tool': { execute }, get_weather: { execute } } });
      const response = await post(url, question);
      assert.equal(response.status, 200);
      const text = await response.text();
      const events = parseSse(text);
      assert.equal(events.at(-1).data, '[DONE]', provider);
      const id = provider === 'openai' ? 'call_O17Uplv4lJvD6DVdIvFFeRMw' : 'toolu_01T1x1fJ34qAmk2tNTrN7Up6';
      assert.deepEqual(
        jsonEvents(events).find((chunk) => chunk.type === 'tool-output-error'),
        { type: 'tool-output-error', toolCallId: id, errorText: 'The weather service is down.' },
        provider,
      );
      const messages = fake.requests[1].body.messages;
      if (provider === 'openai') assert.deepEqual(messages.at(-1), { role: 'tool', tool_call_id: id, content: 'The weather service is down.' });
      else assert.deepEqual(messages.at(-1).content, [{ type: 'tool_result', tool_use_id: id, content: 'The weather service is down.', is_error: true }]);
      assert.ok(logs.some((line) => line.startsWith('warn') && line.includes('The weather service is down.')), 'the operator sees it');
      const tool = toolParts(readSplit(text, 23).parts)[0];
      assert.equal(tool.state, 'output-error', provider);
      assert.equal(tool.errorText, 'The weather service is down.');
    }
  });

  it('stops at maxSteps with event: error max_steps after the last results; ids a provider reuses are made unique', async () => {
    // The same recorded call, with the same id, in every step.
    reset(...Array.from({ length: 3 }, () => ({ fixture: 'openai-chat-tool-calls.sse' })));
    let runs = 0;
    const { url } = await serve({ provider: 'openai', maxSteps: 2, tools: { 'test-tool': { execute: () => ++runs } } });
    const text = await (await post(url, question)).text();
    const events = parseSse(text);
    assert.equal(fake.requests.length, 2, 'two provider calls');
    assert.equal(runs, 2, 'both steps’ calls ran');
    const last = events.at(-1);
    assert.equal(last.event, 'error');
    assert.deepEqual(JSON.parse(last.data), {
      error: { type: 'max_steps', message: 'The answer stopped after 2 steps of tool calls. Send a message to let it go on.' },
    });
    const outputs = jsonEvents(events).filter((chunk) => chunk.type === 'tool-output-available');
    assert.equal(outputs.length, 2);
    assert.equal(outputs[0].toolCallId, 'call_O17Uplv4lJvD6DVdIvFFeRMw');
    assert.notEqual(outputs[1].toolCallId, outputs[0].toolCallId, 'the second step’s call has an id of its own');
    // The forwarded chunk carries the new id, so widget, model and tool agree on it.
    const renamed = jsonEvents(events).filter((chunk) => chunk.choices?.[0]?.delta?.tool_calls?.[0]?.id);
    assert.deepEqual(
      renamed.map((chunk) => chunk.choices[0].delta.tool_calls[0].id),
      outputs.map((output) => output.toolCallId),
    );

    // Nothing lost: both steps with their results, then the message.
    const widget = readSplit(text);
    assert.equal(widget.error, 'The answer stopped after 2 steps of tool calls. Send a message to let it go on.');
    assert.deepEqual(
      toolParts(widget.parts).map(({ id, name, input, output, state }) => ({ id, name, input, output, state })),
      outputs.map((output, index) => ({
        id: output.toolCallId,
        name: 'test-tool',
        input: { value: 'Sparkle Day' },
        output: index + 1,
        state: 'output-available',
      })),
    );
  });

  it('passes calls of tools it does not know to the page, not run; the page’s tools are offered beside its own', async () => {
    for (const provider of ['openai', 'anthropic']) {
      reset({ fixture: provider === 'openai' ? 'openai-chat-tool-calls.sse' : 'anthropic-tool-use.sse' });
      let ran = false;
      const { url } = await serve({ provider, tools: { server_side: { description: 'Mine.', execute: () => (ran = true) } } });
      const pageTools = [
        { name: 'test-tool', description: 'The page’s.', parameters: { type: 'object', properties: { value: { type: 'string' } } } },
        { name: 'get_weather' },
        // A server tool's name: the server's tool is the one offered.
        { name: 'server_side', description: 'Shadowed.' },
      ];
      const text = await (await post(url, { ...question, tools: pageTools })).text();
      assert.equal(ran, false);
      assert.equal(fake.requests.length, 1, `${provider}: no second step without the page’s result`);
      const offered = fake.requests[0].body.tools.map((tool) => (provider === 'openai' ? tool.function : tool));
      assert.deepEqual(
        offered.map((tool) => [tool.name, tool.description]),
        [
          ['server_side', 'Mine.'],
          ['test-tool', 'The page’s.'],
          ['get_weather', undefined],
        ],
      );
      const chunks = jsonEvents(parseSse(text));
      assert.ok(!chunks.some((chunk) => String(chunk.type).startsWith('tool-output')), provider);
      if (provider === 'anthropic') assert.equal(chunks.at(-1).type, 'message_stop', 'the held end is sent when no step follows');
      const widget = readSplit(text);
      assert.equal(widget.done, true);
      const [call] = toolParts(widget.parts);
      assert.equal(call.state, 'input-available', `${provider}: the page's call waits for the page`);
      assert.equal(call.output, undefined);
    }
  });

  it('runs the server’s call and passes the page’s on when one step asks for both, then ends', async () => {
    const body =
      'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[' +
      '{"index":0,"id":"call_a","type":"function","function":{"name":"server_side","arguments":"{}"}},' +
      '{"index":1,"id":"call_b","type":"function","function":{"name":"page_side","arguments":"{\\"q\\":1}"}}]},"finish_reason":null}]}\n\n' +
      'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n';
    reset({ body });
    const { url } = await serve({ provider: 'openai', tools: { server_side: { execute: () => 'done here' } } });
    const text = await (await post(url, { ...question, tools: [{ name: 'page_side' }] })).text();
    assert.equal(fake.requests.length, 1);
    const widget = readSplit(text, 3);
    assert.deepEqual(
      toolParts(widget.parts).map(({ id, state, output }) => ({ id, state, output })),
      [
        { id: 'call_a', state: 'output-available', output: 'done here' },
        { id: 'call_b', state: 'input-available', output: undefined },
      ],
    );
  });
});

describe('server tools: results', () => {
  /** A provider whose n-th call streams `steps[n]` (chunk objects), with or without a dialect. */
  function stepsProvider(steps, dialect = 'openai') {
    const calls = [];
    return {
      calls,
      name: 'steps',
      async start(request) {
        calls.push(request);
        const chunks = structuredClone(steps[calls.length - 1] ?? []);
        return { ...(dialect ? { dialect } : {}), chunks: (async function* () { yield* chunks; })() };
      },
    };
  }
  const choice = (delta, finish = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
  const callChunk = (index, id, name, args) => choice({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: args } }] });
  async function answer(provider, tools) {
    const handler = server.createChatHandler({ provider, tools, logger: false });
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'go' }] });
    const text = await (await handler(new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))).text();
    return { text, chunks: jsonEvents(parseSse(text)) };
  }

  it('runs a step’s calls at once and sends results in call order; no result is null; a result that is not JSON and an input that is not JSON are errors', async () => {
    const provider = stepsProvider([
      [
        callChunk(0, 'c_slow', 'slow', '{}'),
        callChunk(1, 'c_fast', 'fast', '{}'),
        callChunk(2, 'c_big', 'big', '{}'),
        callChunk(3, 'c_bad', 'fast', '{"unclosed'),
        choice({}, 'tool_calls'),
      ],
      [choice({ content: 'Done.' }), choice({}, 'stop')],
    ]);
    const order = [];
    const tools = {
      slow: { execute: async () => (await sleep(50), order.push('slow'), 'slow result') },
      fast: { execute: () => void order.push('fast') },
      big: { execute: () => 10n },
    };
    const { text, chunks } = await answer(provider, tools);
    assert.deepEqual(order, ['fast', 'slow'], 'the fast tool did not wait for the slow one; the bad input ran nothing');
    assert.deepEqual(
      chunks.filter((chunk) => String(chunk.type).startsWith('tool-output')),
      [
        { type: 'tool-output-available', toolCallId: 'c_slow', output: 'slow result' },
        { type: 'tool-output-available', toolCallId: 'c_fast', output: null },
        { type: 'tool-output-error', toolCallId: 'c_big', errorText: 'The tool returned a result that is not JSON.' },
        { type: 'tool-output-error', toolCallId: 'c_bad', errorText: 'The tool input is not valid JSON.' },
      ],
    );
    const sent = provider.calls[1].messages.at(-1).parts;
    assert.deepEqual(sent.map((part) => part.state), ['output-available', 'output-available', 'output-error', 'output-error']);
    assert.equal(sent[3].input, '{"unclosed', 'the raw input goes back to the model');
    assert.equal(readSplit(text, 5).parts.at(-1).text, 'Done.');
  });

  it('a provider without a dialect is forwarded as one step: its calls go to the page', async () => {
    const provider = stepsProvider([[callChunk(0, 'c1', 'fast', '{}'), choice({}, 'tool_calls')]], null);
    let ran = false;
    const { chunks } = await answer(provider, { fast: { execute: () => (ran = true) } });
    assert.equal(ran, false);
    assert.equal(provider.calls.length, 1);
    assert.deepEqual(provider.calls[0].tools.map((tool) => tool.name), ['fast'], 'the server’s tools are still offered');
    assert.ok(!chunks.some((chunk) => chunk.type));
  });

  it('keeps the provider key out of a tool’s error message, for the widget and for the model', async () => {
    reset({ fixture: 'openai-chat-tool-calls.sse' }, { fixture: 'openai-chat.sse' });
    const execute = () => {
      throw new Error(`The lookup failed with ${KEY}.`);
    };
    const { url } = await serve({ provider: 'openai', tools: { 'test-tool': { execute } } });
    const text = await (await post(url, question)).text();
    const error = jsonEvents(parseSse(text)).find((chunk) => chunk.type === 'tool-output-error');
    assert.match(error.errorText, /^The lookup failed with .+\.$/);
    assert.ok(!text.includes(KEY));
    assert.ok(!JSON.stringify(fake.requests[1].body).includes(KEY));
  });

  it('runs a tool once per turn: a retry with the same Idempotency-Key gets the stored answer, results included', async () => {
    reset({ fixture: 'openai-chat-tool-calls.sse' }, { fixture: 'openai-chat.sse' });
    let runs = 0;
    const { url } = await serve({ provider: 'openai', tools: { 'test-tool': { execute: () => ++runs } } });
    const headers = { 'idempotency-key': 'once-per-turn-1' };
    const first = await (await post(url, question, { headers })).text();
    const again = await (await post(url, question, { headers })).text();
    assert.equal(runs, 1);
    assert.equal(fake.requests.length, 2, 'the two steps of the first request only');
    assert.equal(again, first);
  });

  it('a provider that fails in a later step ends the answer with event: error after the results', async () => {
    reset({ fixture: 'openai-chat-tool-calls.sse' });
    const { url, logs } = await serve({ provider: 'openai', tools: { 'test-tool': { execute: () => 'ok' } } });
    const text = await (await post(url, question)).text();
    const events = parseSse(text);
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(JSON.parse(events.at(-1).data), { error: { message: 'The AI provider failed while answering.', type: 'server_error' } });
    assert.ok(logs.some((line) => line.includes('nothing queued')), 'the provider’s words are in the log');
    const widget = readSplit(text);
    assert.equal(widget.error, 'The AI provider failed while answering.');
    assert.equal(toolParts(widget.parts)[0].state, 'output-available');
  });
});

describe('server tools: Stop', () => {
  /** A tool that runs until its signal aborts, and says when it started and how it ended. */
  function slowTool() {
    const tool = { started: undefined, aborted: undefined };
    tool.startedPromise = new Promise((resolve) => (tool.started = resolve));
    tool.abortedPromise = new Promise((resolve) => (tool.aborted = resolve));
    tool.definition = {
      execute: (_input, { signal }) =>
        new Promise(() => {
          tool.started();
          signal.addEventListener('abort', () => tool.aborted(signal.reason ?? true), { once: true });
        }),
    };
    return tool;
  }

  it('a client that leaves mid-tool aborts the tool’s signal, and the model is not called again', async () => {
    reset({ fixture: 'openai-chat-tool-calls.sse' }, { fixture: 'openai-chat.sse' });
    const tool = slowTool();
    const { url } = await serve({ provider: 'openai', tools: { 'test-tool': tool.definition } });
    const controller = new AbortController();
    const response = await post(url, question, { signal: controller.signal });
    const body = response.body.getReader();
    void body.read().catch(() => undefined);
    await tool.startedPromise;
    controller.abort();
    await Promise.race([tool.abortedPromise, sleep(3000).then(() => assert.fail('the tool’s signal did not abort'))]);
    await sleep(100);
    assert.equal(fake.requests.length, 1);
  });

  it('a DELETE with the answer’s Idempotency-Key stops the running tool; the answer ends cancelled', async () => {
    reset({ fixture: 'openai-chat-tool-calls.sse' }, { fixture: 'openai-chat.sse' });
    const tool = slowTool();
    const { url } = await serve({ provider: 'openai', tools: { 'test-tool': tool.definition } });
    const headers = { 'idempotency-key': 'stop-mid-tool-1' };
    const answer = post(url, question, { headers }).then((response) => response.text());
    await tool.startedPromise;
    const stop = await fetch(url, { method: 'DELETE', headers });
    assert.equal(stop.status, 204);
    await Promise.race([tool.abortedPromise, sleep(3000).then(() => assert.fail('the tool’s signal did not abort'))]);
    const events = parseSse(await answer);
    assert.equal(events.at(-1).event, 'error');
    assert.equal(JSON.parse(events.at(-1).data).error.type, 'cancelled');
    assert.equal(fake.requests.length, 1);
  });

  it('a client that leaves during a later step closes that step’s provider connection', async () => {
    const thinking = 'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Thinking"},"finish_reason":null}]}\n\n';
    reset({ fixture: 'openai-chat-tool-calls.sse' }, { body: thinking, hold: true });
    const { url } = await serve({ provider: 'openai', tools: { 'test-tool': { execute: () => 'ok' } } });
    const controller = new AbortController();
    const response = await post(url, question, { signal: controller.signal });
    const body = response.body.getReader();
    let text = '';
    while (!text.includes('Thinking')) text += new TextDecoder().decode((await body.read()).value);
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[1].closedByClient, false);
    controller.abort();
    for (let waited = 0; !fake.requests[1].closedByClient && waited < 3000; waited += 20) await sleep(20);
    assert.equal(fake.requests[1].closedByClient, true, 'the second step’s provider request was aborted');
  });
});

describe('the neutral request shape', () => {
  /** A widget-shaped follow-up: the answer so far, with its server call and the page's result. */
  const followUp = {
    stream: true,
    model: 'gpt-4.1-nano',
    tools: [{ name: 'get_order', description: 'An order by id.', parameters: { type: 'object', properties: { id: { type: 'string' } } } }],
    messages: [
      { id: 's', role: 'system', content: 'Be brief.', parts: [{ type: 'text', text: 'Be brief.' }] },
      { id: 'u1', role: 'user', content: 'Where is order 7?', parts: [{ type: 'text', text: 'Where is order 7?' }] },
      {
        id: 'a1',
        role: 'assistant',
        content: 'Let me look.It ships today.',
        parts: [
          { type: 'reasoning', text: 'The user wants order 7.' },
          { type: 'text', text: 'Let me look.' },
          { type: 'dynamic-tool', toolCallId: 'call_1', toolName: 'lookup', state: 'output-available', input: { id: '7' }, output: { status: 'packed' } },
          { type: 'dynamic-tool', toolCallId: 'call_2', toolName: 'get_order', state: 'output-error', input: { id: '7' }, errorText: 'Denied by the user.' },
          { type: 'source-url', sourceId: 'src1', url: 'https://example.com/orders', title: 'Orders' },
          // A model's own file: not sent back to it (a user's files are, see handler-files.test.mjs).
          { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,AA==' },
          { type: 'step-start' },
          { type: 'text', text: 'It ships today.' },
          { type: 'dynamic-tool', toolCallId: 'call.3', toolName: 'get_order', state: 'output-available', input: { id: '8' }, output: 'shipped' },
        ],
      },
    ],
  };

  it('maps to Chat Completions: assistant tool_calls and tool messages per step; sources, files and reasoning stay behind', async () => {
    reset({ fixture: 'openai-chat.sse' });
    const { url } = await serve({ provider: 'openai' });
    const response = await post(url, followUp);
    assert.equal(response.status, 200);
    await response.text();
    const { messages, tools } = fake.requests[0].body;
    assert.deepEqual(messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Where is order 7?' },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":"7"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_order', arguments: '{"id":"7"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"packed"}' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Denied by the user.' },
      {
        role: 'assistant',
        content: 'It ships today.',
        tool_calls: [{ id: 'call.3', type: 'function', function: { name: 'get_order', arguments: '{"id":"8"}' } }],
      },
      { role: 'tool', tool_call_id: 'call.3', content: 'shipped' },
    ]);
    assert.deepEqual(tools, [
      { type: 'function', function: { name: 'get_order', description: 'An order by id.', parameters: { type: 'object', properties: { id: { type: 'string' } } } } },
    ]);
  });

  it('maps to the Messages API: tool_use and tool_result blocks, is_error, the next user message after the results', async () => {
    reset({ fixture: 'anthropic.sse' });
    const { url } = await serve({ provider: 'anthropic' });
    const body = {
      ...followUp,
      model: undefined,
      messages: [
        ...followUp.messages,
        // A pending call the page never answered: the model is told it did not run.
        { role: 'assistant', content: '', parts: [{ type: 'dynamic-tool', toolCallId: 'call_4', toolName: 'get_order', state: 'input-available', input: { id: '9' } }] },
        { role: 'user', content: 'Thanks!' },
      ],
    };
    const response = await post(url, body);
    assert.equal(response.status, 200);
    await response.text();
    const { system, messages, tools } = fake.requests[0].body;
    assert.equal(system, 'Be brief.');
    assert.deepEqual(messages, [
      { role: 'user', content: 'Where is order 7?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'call_1', name: 'lookup', input: { id: '7' } },
          { type: 'tool_use', id: 'call_2', name: 'get_order', input: { id: '7' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '{"status":"packed"}' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'Denied by the user.', is_error: true },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'It ships today.' },
          // Anthropic allows letters, digits, _ and - in ids.
          { type: 'tool_use', id: 'call_3', name: 'get_order', input: { id: '8' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_3', content: 'shipped' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_4', name: 'get_order', input: { id: '9' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_4', content: 'The tool was not run: the answer stopped before it had a result.', is_error: true },
          { type: 'text', text: 'Thanks!' },
        ],
      },
    ]);
    assert.deepEqual(tools, [{ name: 'get_order', description: 'An order by id.', input_schema: { type: 'object', properties: { id: { type: 'string' } } } }]);
  });

  it('keeps old {role, content} requests and AI SDK UI messages without content as they were', async () => {
    reset({ fixture: 'openai-chat.sse' }, { fixture: 'openai-chat.sse' });
    const { url } = await serve({ provider: 'openai' });
    await (await post(url, { messages: [{ role: 'user', content: 'hi' }] })).text();
    await (await post(url, { messages: [{ id: 'x', role: 'user', parts: [{ type: 'text', text: 'hi ' }, { type: 'text', text: 'there' }] }] })).text();
    assert.deepEqual(fake.requests[0].body.messages, [{ role: 'user', content: 'hi' }]);
    assert.equal(fake.requests[0].body.tools, undefined, 'no tools, no tools field');
    assert.deepEqual(fake.requests[1].body.messages, [{ role: 'user', content: 'hi there' }]);
  });

  describe('validation: 400 before any provider call', () => {
    const assistant = (part) => ({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '', parts: [part] }] });
    const call = { type: 'dynamic-tool', toolCallId: 'c1', toolName: 't', state: 'output-available', input: {}, output: 1 };
    let deep = 1;
    for (let level = 0; level < 70; level++) deep = [deep];
    const cases = [
      ['parts that are not an array', { messages: [{ role: 'user', content: 'q', parts: 'text' }] }, /messages\[0\]\.parts` must be an array/],
      ['a part of an unknown type', { messages: [{ role: 'user', content: 'q', parts: [{ type: 'image', url: 'x' }] }] }, /parts\[0\]\.type` must be one of/],
      ['a text part without text', { messages: [{ role: 'user', content: 'q', parts: [{ type: 'text' }] }] }, /parts\[0\]\.text` must be a string/],
      ['a tool call in a user message', { messages: [{ role: 'user', content: 'q', parts: [call] }] }, /tool calls belong to assistant messages/],
      ['a tool call with an unknown state', assistant({ ...call, state: 'done' }), /state` must be one of input-streaming/],
      ['a tool call without its id', assistant({ ...call, toolCallId: '' }), /toolCallId` must be 1 to 256/],
      ['a tool call id with a line break', assistant({ ...call, toolCallId: 'a\nb' }), /toolCallId/],
      ['a tool call without a name', assistant({ ...call, toolName: 7 }), /toolName` must be a string/],
      ['output-available without output', assistant({ ...call, output: undefined }), /output` is required/],
      ['output-error without errorText', assistant({ ...call, state: 'output-error' }), /errorText` must be a string/],
      ['an input nested too deep', assistant({ ...call, input: deep }), /input` nests deeper than 64/],
      ['an output nested too deep', assistant({ ...call, output: { deep } }), /output` nests deeper than 64/],
      ['a source without a url', { messages: [{ role: 'user', content: 'q', parts: [{ type: 'source-url', sourceId: 's' }] }] }, /sourceId` and `url`/],
      ['a file without a media type', { messages: [{ role: 'user', content: 'q', parts: [{ type: 'file', url: 'data:,' }] }] }, /mediaType` and `url`/],
      ['a message with neither content nor parts', { messages: [{ role: 'user' }] }, /content` must be a string/],
      ['tools that are not an array', { messages: [{ role: 'user', content: 'q' }], tools: { a: 1 } }, /`tools` must be an array/],
      ['a tool name providers refuse', { messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'get order' }] }, /tools\[0\]\.name` must be 1 to 64/],
      ['a tool declared twice', { messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'a' }, { name: 'a' }] }, /"a" is declared twice/],
      ['parameters that are not a schema object', { messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'a', parameters: [] }] }, /parameters` must be a JSON Schema object/],
      ['a description that is not text', { messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'a', description: 1 }] }, /description` must be a string/],
      ['too many tools', { messages: [{ role: 'user', content: 'q' }], tools: Array.from({ length: 65 }, (_, i) => ({ name: `t${i}` })) }, /at most 64/],
      ['a schema nested too deep', { messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'a', parameters: { deep } }] }, /parameters` nests deeper/],
    ];
    for (const [what, body, message] of cases) {
      it(`answers 400 for ${what}`, async () => {
        reset();
        const { url } = await serve({ provider: 'openai' });
        const response = await post(url, body);
        assert.equal(response.status, 400, what);
        const { error } = await response.json();
        assert.equal(error.type, 'invalid_request');
        assert.match(error.message, message);
        assert.equal(fake.requests.length, 0);
      });
    }

    it('answers 413 for more than 1000 parts in a message', async () => {
      reset();
      const { url } = await serve({ provider: 'openai' });
      const parts = Array.from({ length: 1001 }, () => ({ type: 'text', text: '' }));
      const response = await post(url, { messages: [{ role: 'user', content: 'q', parts }] });
      assert.equal(response.status, 413);
      assert.equal((await response.json()).error.type, 'too_many_parts');
    });

    it('refuses server tools with a name providers refuse or without execute, at start-up', () => {
      assert.throws(() => server.createChatHandler({ provider: 'mock', tools: { 'get order': { execute() {} } } }), /tool name "get order"/);
      assert.throws(() => server.createChatHandler({ provider: 'mock', tools: { lookup: { description: 'x' } } }), /needs an `execute` function/);
      assert.throws(() => server.createChatHandler({ provider: 'mock', maxSteps: 0 }), /maxSteps/);
      assert.throws(() => server.createChatHandler({ provider: 'mock', maxSteps: 2.5 }), /maxSteps/);
    });
  });
});

describe('the mock provider with the demo tool (npm run dev)', () => {
  it('calls local_time for a question about the time, then says what it answered', async () => {
    const { options } = server.chatOptionsFromEnv(() => undefined);
    const handler = server.createChatHandler({
      ...options,
      provider: server.mockProvider({ tokenDelayMs: 0, firstTokenDelayMs: 0 }),
      logger: false,
    });
    const response = await handler(
      new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'What time is it?' }] }) }),
    );
    const text = await response.text();
    const output = jsonEvents(parseSse(text)).find((chunk) => chunk.type === 'tool-output-available');
    assert.match(output.output.time, /^\d\d:\d\d$/);
    const widget = readSplit(text, 11);
    assert.equal(widget.done, true);
    const [tool, answer] = widget.parts;
    assert.equal(tool.name, 'local_time');
    assert.equal(tool.state, 'output-available');
    assert.deepEqual(tool.input, {});
    assert.equal(answer.type, 'text');
    assert.ok(answer.text.includes(output.output.time), answer.text);
  });

  it('answers other questions as before, without a tool', async () => {
    const { options } = server.chatOptionsFromEnv(() => undefined);
    const handler = server.createChatHandler({ ...options, provider: server.mockProvider({ script: ['Just this.'], tokenDelayMs: 0, firstTokenDelayMs: 0 }), logger: false });
    const response = await handler(
      new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] }) }),
    );
    const widget = readSplit(await response.text(), 5);
    assert.deepEqual(widget.parts, [{ type: 'text', text: 'Just this.' }]);
  });

  /** One answer of a mock handler to `body`, as the widget reads it. */
  async function mockAnswer(options, body) {
    const handler = server.createChatHandler({ logger: false, ...options });
    const request = new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return readSplit(await (await handler(request)).text(), 13);
  }

  it('with toolRounds, calls the tool that many times before it answers; maxSteps ends it earlier', async () => {
    const provider = server.mockProvider({ tokenDelayMs: 0, firstTokenDelayMs: 0, toolRounds: 3 });
    const body = { messages: [{ role: 'user', content: 'The time, please.' }] };
    const three = await mockAnswer({ provider, tools: server.mockTools }, body);
    assert.deepEqual(three.parts.map((part) => part.state ?? part.type), ['output-available', 'output-available', 'output-available', 'text']);
    assert.equal(new Set(toolParts(three.parts).map((part) => part.id)).size, 3);
    const two = await mockAnswer({ provider, tools: server.mockTools, maxSteps: 2 }, body);
    assert.equal(toolParts(two.parts).length, 2);
    assert.match(two.error, /stopped after 2 steps/);
  });

  it('calls a page tool the question names, and answers with the result the page sends back', async () => {
    const provider = server.mockProvider({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
    const tools = [{ name: 'getOrder', parameters: { type: 'object', properties: {} } }];
    const ask = { role: 'user', content: 'Use getOrder, please.' };
    const first = await mockAnswer({ provider }, { messages: [ask], tools });
    const [call] = first.parts;
    assert.equal(first.done, true);
    assert.deepEqual({ name: call.name, state: call.state, input: call.input }, { name: 'getOrder', state: 'input-available', input: {} });
    const result = { type: 'dynamic-tool', toolCallId: call.id, toolName: 'getOrder', state: 'output-available', input: {}, output: { status: 'shipped' } };
    const second = await mockAnswer({ provider }, { messages: [ask, { role: 'assistant', content: '', parts: [result] }], tools });
    assert.deepEqual(second.parts, [{ type: 'text', text: 'The tool `getOrder` answered: `{"status":"shipped"}`' }]);
  });
});

describe('docs/tools.md: its examples are what the handler does', () => {
  const blocks = snippetsOf('docs/tools.md').filter((snippet) => snippet.checkedBy === 'test/server/handler-tools.test.mjs');
  const [request, openAiMessages, anthropicMessages, stream] = blocks;

  it('has the four checked examples', () => {
    assert.equal(blocks.length, 4);
  });

  it('the follow-up request becomes the Chat Completions and Messages API turns it shows', async () => {
    for (const [provider, expected, fixture] of [
      ['openai', openAiMessages, 'openai-chat.sse'],
      ['anthropic', anthropicMessages, 'anthropic.sse'],
    ]) {
      reset({ fixture });
      const { url } = await serve({ provider });
      const response = await post(url, JSON.parse(request.code));
      assert.equal(response.status, 200, provider);
      await response.text();
      assert.deepEqual(fake.requests[0].body.messages, JSON.parse(expected.code), provider);
    }
  });

  it('the stream it shows is the handler’s, byte for byte, and the widget reads a done step and the text', async () => {
    const events = parseSse(stream.code);
    const providerChunks = events.filter((event) => event.data.includes('chat.completion.chunk')).map((event) => JSON.parse(event.data));
    // The model's two steps: each ends with its finish chunk.
    const steps = [providerChunks.slice(0, 2), providerChunks.slice(2)];
    const asked = [];
    const provider = {
      name: 'doc',
      async start({ messages, tools }) {
        asked.push({ messages, tools: tools.map((tool) => tool.name) });
        const chunks = structuredClone(steps[asked.length - 1]);
        return { dialect: 'openai', chunks: (async function* () { yield* chunks; })() };
      },
    };
    const inputs = [];
    const handler = server.createChatHandler({
      provider,
      logger: false,
      tools: { local_time: { execute: (input) => (inputs.push(input), { time: '14:05' }) } },
    });
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'What time is it in Paris?' }] });
    const response = await handler(new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    const text = await response.text();
    assert.equal(text, stream.code);
    assert.deepEqual(inputs, [{ timeZone: 'Europe/Paris' }]);
    assert.deepEqual(asked.map((call) => call.tools), [['local_time'], ['local_time']]);
    assert.deepEqual(asked[1].messages.at(-1).parts, [
      { type: 'dynamic-tool', toolCallId: 'call_1', toolName: 'local_time', state: 'output-available', input: { timeZone: 'Europe/Paris' }, output: { time: '14:05' } },
    ]);
    const widget = readSplit(text, 3);
    assert.deepEqual(widget.parts, [
      { type: 'tool', id: 'call_1', name: 'local_time', input: { timeZone: 'Europe/Paris' }, output: { time: '14:05' }, state: 'output-available' },
      { type: 'text', text: 'It is 14:05 in Paris.' },
    ]);
  });
});
