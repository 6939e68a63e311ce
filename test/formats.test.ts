import { expect } from '@open-wc/testing';
import {
  bodyKind,
  createAnswerReader,
  createLineSplitter,
  FORMATS,
  isSkipped,
  type AnswerReader,
  type AnswerReaderOptions,
  type ExtractResult,
  type FormatName,
} from '../src/stream/formats/index.js';
import { createPartsBuilder, type ChatPart } from '../src/stream/parts.js';
import type { StreamEvent } from '../src/stream/types.js';
import { canonical, feedBody, sourcesOf, toolsOf } from './parts-feed.js';

/** One entry of test/fixtures/manifest.json. */
interface Fixture {
  file: string;
  format: string;
  contentType: string;
  expected: {
    text: string;
    reasoning: string;
    error: string | null;
    tools: { id: string | null; name: string | null; input: unknown; output?: unknown }[];
    sources: { url: string; title: string | null }[];
  };
  notes: string;
}

/** What a reader made of a whole body, as the element would show it. */
interface Outcome {
  text: string;
  reasoning: string;
  error: string | null;
  done: boolean;
  /** Text or reasoning that arrived after a `done`: the element would have stopped reading. */
  afterDone: boolean;
  /** The answer's parts, folded by the parts builder as the element would. */
  parts: ChatPart[];
}

const fixtures: Fixture[] = [];
const bodies = new Map<string, Uint8Array>();

async function load(name: string): Promise<Response> {
  const response = await fetch(new URL(`./fixtures/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`fixture ${name}: HTTP ${response.status}`);
  return response;
}

/** Applies results the way the element does: an error ends the answer. */
function collector(): { apply(result: ExtractResult): void; outcome: Outcome } {
  const builder = createPartsBuilder();
  const outcome: Outcome = { text: '', reasoning: '', error: null, done: false, afterDone: false, parts: builder.parts };
  return {
    outcome,
    apply(result) {
      // Plain checks: this runs for every event of every split, where chai is too slow.
      if (typeof result !== 'object' || result === null) throw new Error(`not a result: ${String(result)}`);
      if (isSkipped(result)) {
        if (typeof result.skipped !== 'string' || result.skipped === '') throw new Error('a skip without a reason');
        return;
      }
      if (outcome.error !== null) return;
      if (outcome.done && (result.text || result.reasoning || result.parts)) outcome.afterDone = true;
      builder.add(result);
      outcome.text += result.text ?? '';
      outcome.reasoning += result.reasoning ?? '';
      if (result.error !== undefined) outcome.error = result.error;
      if (result.done) outcome.done = true;
    },
  };
}

/** Feeds body chunks through the real pipeline, as the transport routes them by content type. */
function feed(reader: AnswerReader, contentType: string, chunks: Uint8Array[]): Outcome {
  const { apply, outcome } = collector();
  feedBody(reader, contentType, chunks, apply);
  return outcome;
}

function read(fixture: Fixture, format: FormatName, chunks: Uint8Array[]): { outcome: Outcome; reader: AnswerReader } {
  const reader = createAnswerReader({ format, contentType: fixture.contentType });
  return { outcome: feed(reader, fixture.contentType, chunks), reader };
}

/** The manifest's format as `AnswerReader.format` reports it. */
function reportedFormat(manifestFormat: string): string {
  if (manifestFormat === 'ai-sdk-v4') return 'ai-sdk';
  if (manifestFormat === 'langserve' || manifestFormat === 'langgraph') return 'generic';
  return manifestFormat;
}

/** The format to pin for a fixture: the manifest's, where it is one of FORMATS. */
function pinnable(fixture: Fixture): FormatName | undefined {
  const format = reportedFormat(fixture.format);
  return (FORMATS as readonly string[]).includes(format) && format !== 'auto' ? (format as FormatName) : undefined;
}

/** Differences between an outcome and the manifest, for a readable failure list. */
function mismatch(fixture: Fixture, outcome: Outcome, where: string): string | undefined {
  const { expected } = fixture;
  const wrong: string[] = [];
  if (outcome.text !== expected.text) wrong.push(`text ${JSON.stringify(outcome.text.slice(0, 80))}`);
  if (outcome.reasoning !== expected.reasoning) {
    wrong.push(`reasoning ${JSON.stringify(outcome.reasoning.slice(0, 80))}`);
  }
  if (outcome.error !== expected.error) wrong.push(`error ${JSON.stringify(outcome.error)}`);
  if (outcome.afterDone) wrong.push('text after done');
  const tools = toolsOf(outcome.parts);
  if (canonical(tools) !== canonical(expected.tools)) wrong.push(`tools ${JSON.stringify(tools).slice(0, 200)}`);
  const sources = sourcesOf(outcome.parts);
  if (canonical(sources) !== canonical(expected.sources)) wrong.push(`sources ${JSON.stringify(sources).slice(0, 200)}`);
  // Each format says when a call's input is complete: none may be left streaming at the end.
  if (outcome.parts.some((part) => part.type === 'tool' && part.state === 'input-streaming')) {
    wrong.push('a tool input still streaming');
  }
  return wrong.length > 0 ? `${fixture.file} (${where}): ${wrong.join(', ')}` : undefined;
}

/** Every fixture, split in two at every byte offset (0 and the end included). */
function checkEverySplit(format: (fixture: Fixture) => FormatName | undefined): string[] {
  const failures: string[] = [];
  for (const fixture of fixtures) {
    const pinned = format(fixture);
    if (!pinned) continue;
    const bytes = bodies.get(fixture.file)!;
    for (let offset = 0; offset <= bytes.length; offset++) {
      const { outcome } = read(fixture, pinned, [bytes.subarray(0, offset), bytes.subarray(offset)]);
      const failure = mismatch(fixture, outcome, `${pinned}, split at ${offset}`);
      if (failure) {
        failures.push(failure);
        break;
      }
    }
  }
  return failures;
}

describe('answer reader: fixtures', () => {
  before(async () => {
    const manifest = (await (await load('manifest.json')).json()) as Fixture[];
    fixtures.push(...manifest);
    await Promise.all(
      manifest.map(async ({ file }) => bodies.set(file, new Uint8Array(await (await load(file)).arrayBuffer()))),
    );
  });

  it('loads all 39 fixtures with their exact line endings', () => {
    expect(fixtures).to.have.length(39);
    const crlf = (bytes: Uint8Array) => new TextDecoder().decode(bytes).includes('\r\n');
    for (const fixture of fixtures) {
      const bytes = bodies.get(fixture.file)!;
      expect(bytes.length, fixture.file).to.be.greaterThan(0);
      expect(bodyKind(fixture.contentType), fixture.file).to.not.equal(undefined);
      // gemini*.sse and langserve*.sse are CRLF on purpose; a normalised copy would hide bugs.
      expect(crlf(bytes), fixture.file).to.equal(/^(gemini|langserve).*\.sse$/.test(fixture.file));
    }
  });

  it('auto: every fixture, whole, gives exactly the expected text, reasoning, error, tools and sources', () => {
    const failures = fixtures
      .map((fixture) => mismatch(fixture, read(fixture, 'auto', [bodies.get(fixture.file)!]).outcome, 'auto, whole'))
      .filter((failure) => failure !== undefined);
    expect(failures).to.deep.equal([]);
  });

  it('auto: every fixture, split at every byte offset', function () {
    this.timeout(120_000);
    expect(checkEverySplit(() => 'auto')).to.deep.equal([]);
  });

  it('pinned: every fixture whose format is pinnable, whole', () => {
    const failures: string[] = [];
    for (const fixture of fixtures) {
      const pinned = pinnable(fixture);
      if (!pinned) continue;
      const { outcome, reader } = read(fixture, pinned, [bodies.get(fixture.file)!]);
      failures.push(...[mismatch(fixture, outcome, `${pinned}, whole`)].filter((f) => f !== undefined));
      if (reader.format !== pinned) failures.push(`${fixture.file}: pinned ${pinned} reported ${reader.format}`);
    }
    expect(failures).to.deep.equal([]);
    expect(fixtures.filter(pinnable)).to.have.length.greaterThan(25);
  });

  it('pinned: every fixture whose format is pinnable, split at every byte offset', function () {
    this.timeout(120_000);
    expect(checkEverySplit(pinnable)).to.deep.equal([]);
  });

  it('auto: reports the format each fixture is in', () => {
    const wrong = fixtures
      .filter((fixture) => fixture.expected.error === null)
      .map((fixture) => [fixture.file, read(fixture, 'auto', [bodies.get(fixture.file)!]).reader.format])
      .filter(([file, format]) => format !== reportedFormat(fixtures.find((f) => f.file === file)!.format));
    expect(wrong).to.deep.equal([]);
  });

  it('an answer of only tool calls is an answer: its results carry parts, which the element counts as content', () => {
    const toolOnly = fixtures.filter((f) => f.expected.text === '' && f.expected.error === null && f.expected.tools.length > 0);
    expect(toolOnly.map((f) => f.file)).to.include.members(['openai-chat-tool-calls.sse', 'ollama-chat-tools.ndjson']);
    for (const fixture of toolOnly) {
      const reader = createAnswerReader({ format: 'auto', contentType: fixture.contentType });
      const withParts: ExtractResult[] = [];
      feedBody(reader, fixture.contentType, [bodies.get(fixture.file)!], (result) => {
        if (!isSkipped(result) && result.parts) withParts.push(result);
      });
      expect(withParts, fixture.file).to.not.be.empty;
    }
  });

  it('a complete fixture never looks cut: without its end marker, expectsTerminal is false', () => {
    const wrong = fixtures
      .filter((fixture) => fixture.expected.error === null)
      .map((fixture) => ({ fixture, ...read(fixture, 'auto', [bodies.get(fixture.file)!]) }))
      .filter(({ outcome, reader }) => !outcome.done && reader.expectsTerminal)
      .map(({ fixture }) => fixture.file);
    expect(wrong).to.deep.equal([]);
  });

  it('a fixture cut in half looks cut exactly when its format has an end marker', () => {
    const terminal = new Set(['openai', 'openai-responses', 'anthropic', 'gemini', 'ai-sdk', 'ai-sdk-v4', 'ollama']);
    const wrong: string[] = [];
    for (const fixture of fixtures) {
      if (fixture.expected.error !== null || fixture.contentType === 'application/json') continue;
      const bytes = bodies.get(fixture.file)!;
      const { outcome, reader } = read(fixture, 'auto', [bytes.subarray(0, Math.floor(bytes.length / 2))]);
      // Forwarded Anthropic deltas carry no end marker at all (test/fixtures/forwarded.md).
      const expected = terminal.has(fixture.format) && !fixture.file.startsWith('forwarded-anthropic');
      if (outcome.done) wrong.push(`${fixture.file}: done in its first half`);
      else if (reader.expectsTerminal !== expected) {
        wrong.push(`${fixture.file}: expectsTerminal ${reader.expectsTerminal}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});

// ---------------------------------------------------------------------------
// Focused rules, with hand-written events.

const SSE = 'text/event-stream';

function reader(options: Partial<AnswerReaderOptions> = {}): AnswerReader {
  return createAnswerReader({ format: 'auto', contentType: SSE, ...options });
}

/** An event as the parser dispatches it: `data` as a string, or JSON-encoded. */
function ev(data: unknown, event = 'message', id = ''): StreamEvent {
  return { data: typeof data === 'string' ? data : JSON.stringify(data), event, id };
}

/** Reads events in order and returns every result. */
function readAll(r: AnswerReader, events: (StreamEvent | unknown)[]): ExtractResult[] {
  return events.map((e) => r.event(isEvent(e) ? e : ev(e)));
}

const isEvent = (value: unknown): value is StreamEvent =>
  typeof value === 'object' && value !== null && 'event' in value && 'data' in value && 'id' in value;

/** Text, reasoning, error and done of a sequence of results. */
function sum(results: ExtractResult[]): Outcome {
  const { apply, outcome } = collector();
  results.forEach(apply);
  return outcome;
}

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra,
});

describe('answer reader: cumulative backends', () => {
  it('appends only the new suffix when each value repeats everything so far', () => {
    const r = reader();
    const values = ['Hel', 'Hello', 'Hello wor', 'Hello world'];
    const out = sum(readAll(r, values.map((content) => ({ content }))));
    expect(out.text).to.equal('Hello world');
  });

  it('never swallows a genuinely repeated token', () => {
    expect(sum(readAll(reader(), [{ content: 'ha' }, { content: 'ha' }, { content: 'ha' }])).text).to.equal('hahaha');
    expect(sum(readAll(reader(), [{ text: 'no' }, { text: ', ' }, { text: 'no' }])).text).to.equal('no, no');
  });

  it('decides once, on the second value: a delta stream stays a delta stream', () => {
    // " there" does not extend "Hi": delta. The third value then extends the
    // text so far, but is still a delta.
    const out = sum(readAll(reader(), [{ content: 'Hi' }, { content: ' there' }, { content: 'Hi there, again' }]));
    expect(out.text).to.equal('Hi thereHi there, again');
  });

  it('skips an unchanged or rewritten cumulative value rather than repeating it', () => {
    const values = ['A', 'AB', 'AB', 'XY', 'XYZ'];
    const results = readAll(reader(), values.map((content) => ({ content })));
    expect(results.map((r) => (isSkipped(r) ? 'skip' : r.text))).to.deep.equal(['A', 'B', 'skip', 'skip', 'Z']);
  });

  it('applies to plain text in data lines and to {"text"}, not to {"delta"}', () => {
    expect(sum(readAll(reader(), ['Hel', 'Hello'])).text).to.equal('Hello');
    expect(sum(readAll(reader(), [{ text: 'Hel' }, { text: 'Hello' }])).text).to.equal('Hello');
    expect(sum(readAll(reader(), [{ delta: 'Hel' }, { delta: 'Hello' }])).text).to.equal('HelHello');
  });

  it('diffs LangGraph messages/partial per message id', () => {
    const partial = (content: string, id = 'm1') => ev([{ type: 'ai', id, content }], 'messages/partial');
    const out = sum(readAll(reader(), [partial('Hel'), partial('Hello'), partial('Hello'), partial('Hello!')]));
    expect(out.text).to.equal('Hello!');
  });
});

describe('answer reader: OpenAI chat chunks', () => {
  it('skips the role-only first chunk and reads content deltas', () => {
    const r = reader();
    const results = readAll(r, [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hi' })]);
    expect(isSkipped(results[0]!)).to.equal(true);
    expect(results[1]).to.deep.equal({ text: 'Hi' });
    expect(r.format).to.equal('openai');
  });

  it('reads an Azure content-filter chunk with empty choices first, and usage chunks, as not the end', () => {
    const r = reader();
    const results = readAll(r, [
      { object: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
      chunk({ role: 'assistant', content: 'Hello' }),
      { object: 'chat.completion.chunk', choices: [], usage: { total_tokens: 3 } },
      chunk({ content: ' there' }),
    ]);
    expect(r.format).to.equal('openai');
    expect(isSkipped(results[0]!)).to.equal(true);
    expect(isSkipped(results[2]!)).to.equal(true);
    expect(sum(results)).to.include({ text: 'Hello there', done: false });
  });

  it('takes only the text parts of an array content (Mistral Magistral)', () => {
    const out = sum(
      readAll(reader(), [
        chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Let me think.' }] }] }),
        chunk({ content: [{ type: 'text', text: 'Answer' }, { type: 'image_url', image_url: { url: 'x' } }] }),
        chunk({ content: '' }),
      ]),
    );
    expect(out).to.include({ text: 'Answer', reasoning: 'Let me think.' });
    expect(out.text).to.not.include('[object Object]');
  });

  it('reads reasoning_content and reasoning into reasoning, never into text', () => {
    const out = sum(
      readAll(reader(), [
        chunk({ reasoning_content: 'a', content: null }),
        chunk({ reasoning: 'b' }),
        chunk({ content: 'c' }),
      ]),
    );
    expect(out).to.include({ text: 'c', reasoning: 'ab' });
  });

  it('never shows tool-call arguments, and shows a refusal', () => {
    const out = sum(
      readAll(reader(), [
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
        chunk({ refusal: 'I cannot help with that.' }),
      ]),
    );
    expect(out.text).to.equal('I cannot help with that.');
  });

  it('reads choice 0 when several choices stream', () => {
    const out = sum(
      readAll(reader(), [
        {
          object: 'chat.completion.chunk',
          choices: [
            { index: 1, delta: { content: 'B' } },
            { index: 0, delta: { content: 'A' } },
          ],
        },
      ]),
    );
    expect(out.text).to.equal('A');
  });
});

describe('answer reader: errors inside the stream', () => {
  const cases: [string, StreamEvent, string][] = [
    ['OpenAI {"error":{…}}', ev({ error: { message: 'boom', type: 'server_error', code: null } }), 'boom'],
    ['{"error":"…"} (Ollama, Deep Chat)', ev({ error: 'model crashed' }), 'model crashed'],
    [
      'event: error with JSON',
      ev({ message: 'Internal Server Error', status_code: 500 }, 'error'),
      'Internal Server Error',
    ],
    ['event: error with text', ev('upstream went away', 'error'), 'upstream went away'],
    ['event: error with empty data', ev('', 'error'), 'The server reported an error without a message.'],
    ['event: error with data: null', ev('null', 'error'), 'The server reported an error without a message.'],
    [
      'AI SDK {"type":"error","errorText"}',
      ev({ type: 'error', errorText: 'An error occurred.' }),
      'An error occurred.',
    ],
    [
      'Anthropic error',
      ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
      'Overloaded',
    ],
    [
      'Responses flat error',
      ev({ type: 'error', code: 'x', message: 'flat message', sequence_number: 2 }),
      'flat message',
    ],
    [
      'Responses response.failed',
      ev({
        type: 'response.failed',
        response: { status: 'failed', error: { code: 'server_error', message: 'failed!' } },
      }),
      'failed!',
    ],
    [
      'Gemini {"error":{code,message,status}}',
      ev({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }),
      'The model is overloaded.',
    ],
    [
      'LangGraph {"error":"Name","message"}',
      ev({ error: 'EmptyInputError', message: 'Received empty Command input' }, 'error'),
      'Received empty Command input',
    ],
    ['LangGraph subgraph error', ev({ error: 'E', message: 'in a subgraph' }, 'error|node:1'), 'in a subgraph'],
    [
      'old vLLM bare ErrorResponse',
      ev({ object: 'error', message: 'bad request', type: 'BadRequestError', code: 400 }),
      'bad request',
    ],
    ['AG-UI RUN_ERROR', ev({ type: 'RUN_ERROR', message: 'run failed' }), 'run failed'],
    ['error object without a message', ev({ error: { code: 'rate_limited' } }), 'rate_limited'],
  ];
  for (const [name, event, message] of cases) {
    it(name, () => {
      expect(reader().event(event)).to.deep.include({ error: message });
    });
  }

  it('reads an Ollama error line', () => {
    const r = createAnswerReader({ format: 'auto', contentType: 'application/x-ndjson' });
    expect(r.line('{"error":"out of memory"}')).to.deep.equal({ error: 'out of memory' });
  });

  it('"error": null (or false, or "") inside a normal event is not an error', () => {
    const r = reader();
    const out = sum(
      readAll(r, [
        chunk({ content: 'a' }, { error: null }),
        { type: 'response.output_text.delta', delta: 'b', response: { error: null } },
        { content: 'c', error: false },
        { content: 'd', error: '' },
      ]),
    );
    expect(out).to.include({ text: 'abcd', error: null });
  });

  it('keeps the text received before the error', () => {
    const out = sum(
      readAll(reader(), [chunk({ content: 'Hel' }), { error: { message: 'cut' } }, chunk({ content: 'lo' })]),
    );
    expect(out).to.include({ text: 'Hel', error: 'cut' });
  });
});

describe('answer reader: skipped events', () => {
  it('skips malformed JSON with a reason and never throws', () => {
    const r = reader();
    r.event(ev(chunk({ content: 'a' })));
    const result = r.event(ev('{"choices":[{"delta":{"content":"b"'));
    expect(result).to.have.property('skipped').that.matches(/JSON/);
    expect(r.event(ev(chunk({ content: 'c' })))).to.deep.equal({ text: 'c' });
  });

  it('skips broken JSON before any format is known instead of showing it as text', () => {
    const r = reader();
    expect(r.event(ev('{"content": "Hel'))).to.have.property('skipped').that.matches(/malformed JSON/);
    expect(r.format).to.equal(undefined);
  });

  it('skips a non-string delta in every family, never rendering [object Object]', () => {
    const events = [
      chunk({ content: { nested: true } }),
      chunk({ content: 42 }),
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: { x: 1 } } },
      { type: 'text-delta', id: '1', delta: ['a'] },
      { type: 'response.output_text.delta', delta: { text: 'x' } },
      { content: { text: 'x' } },
      { text: 7 },
      { delta: null },
      { candidates: [{ content: { parts: [{ text: { x: 1 } }] } }] },
      { model: 'm', created_at: 't', message: { role: 'assistant', content: { x: 1 } }, done: false },
    ];
    for (const event of events) {
      const result = reader().event(ev(event));
      expect(isSkipped(result), JSON.stringify(event)).to.equal(true);
      expect(JSON.stringify(result)).to.not.include('[object Object]');
    }
  });

  it('never shows tool-call input as text: tool events carry parts, never text or reasoning', () => {
    const events: StreamEvent[] = [
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } }),
      ev({ type: 'response.function_call_arguments.delta', item_id: 'fc', delta: '{"q":' }),
      ev({ type: 'tool-input-delta', toolCallId: 'c', inputTextDelta: '{"x"' }),
      ev({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] } }] }),
      ev(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] })),
    ];
    for (const event of events) {
      const result = reader().event(event);
      expect(result, event.data).to.not.have.any.keys('text', 'reasoning', 'skipped');
      expect(result, event.data).to.have.property('parts').that.is.an('array').with.length.greaterThan(0);
    }
  });

  it('skips usage, pings, signatures, repeated text, unknown types and unknown fields', () => {
    const events: StreamEvent[] = [
      ev({ type: 'ping' }, 'ping'),
      ev('1700000000', 'ping'),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'abc' } }),
      ev({ type: 'response.output_text.done', text: 'full text again' }),
      ev({ type: 'TOOL_CALL_ARGS', toolCallId: 'c', delta: '{"x"' }),
      ev({ type: 'something-new', content: 'not text' }),
      ev({ unknown: 'field', other: 1 }),
      ev({ usage: { total_tokens: 1 } }, 'usage'),
    ];
    for (const event of events) {
      expect(isSkipped(reader().event(event)), event.data).to.equal(true);
    }
  });

  it('does not let a keep-alive event or LangGraph metadata decide a plain-text stream', () => {
    const r = reader();
    const results = readAll(r, [ev('2024-01-01T00:00:00', 'ping'), ev({ run_id: 'r' }, 'metadata'), 'Hello', ' world']);
    expect(sum(results).text).to.equal('Hello world');
    expect(r.format).to.equal('text');
  });
});

describe('answer reader: plain text in data lines', () => {
  it('shows non-JSON data, JSON strings decoded, and numbers as text; [DONE] ends it', () => {
    const r = reader();
    const results = readAll(r, ['Hello', '"\\nworld"', ev('42'), '[DONE]']);
    expect(sum(results)).to.include({ text: 'Hello\nworld42', done: true });
    expect(r.format).to.equal('text');
  });

  it('a generic end flag ends the stream', () => {
    const out = sum(readAll(reader(), [{ content: 'a', done: false }, { done: true }]));
    expect(out).to.include({ text: 'a', done: true });
  });

  it('once the stream is text, JSON-looking pieces are text too', () => {
    const out = sum(readAll(reader(), ['const a = ', '{', '"b": [1, 2]', '}']));
    expect(out.text).to.equal('const a = {"b": [1, 2]}');
  });

  it('a pinned text format shows every event verbatim', () => {
    const r = reader({ format: 'text' });
    expect(sum(readAll(r, [{ content: 'x' }])).text).to.equal('{"content":"x"}');
  });
});

describe('answer reader: detection and fallback', () => {
  it('decides from the content type before any body', () => {
    const json = createAnswerReader({ format: 'auto', contentType: 'application/json; charset=utf-8' });
    expect(json.format).to.equal('json');
    expect(reader({ headers: { 'X-Vercel-AI-UI-Message-Stream': 'v1' } }).format).to.equal('ai-sdk');
    const headers = new Headers({ 'x-vercel-ai-data-stream': 'v1' });
    expect(createAnswerReader({ format: 'auto', contentType: 'text/plain', headers }).format).to.equal('ai-sdk');
    expect(reader().format).to.equal(undefined);
  });

  it('keeps the detected format but reads an event of another shape (fallback)', () => {
    const r = reader();
    const out = sum(readAll(r, [chunk({ content: 'a' }), { content: 'b' }, { type: 'text-delta', delta: 'c' }]));
    expect(out.text).to.equal('abc');
    expect(r.format).to.equal('openai');
  });

  it('a pinned format falls back to detection for events it does not read', () => {
    const r = reader({ format: 'anthropic' });
    const out = sum(
      readAll(r, [chunk({ content: 'Hi' }), { type: 'content_block_delta', delta: { type: 'text_delta', text: '!' } }]),
    );
    expect(out.text).to.equal('Hi!');
    expect(r.format).to.equal('anthropic');
  });

  it('reads non-JSON data in a JSON format as a skip, not as text', () => {
    const r = reader({ format: 'openai' });
    expect(r.event(ev('keep-alive'))).to.have.property('skipped');
  });

  it('tells forwarded Anthropic deltas (no event names) from raw ones', () => {
    const delta = { type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } };
    const forwarded = reader();
    forwarded.event(ev(delta));
    expect(forwarded.format).to.equal('anthropic');
    expect(forwarded.expectsTerminal).to.equal(false);
    const raw = reader();
    raw.event(ev({ ...delta, index: 0 }, 'content_block_delta'));
    expect(raw.expectsTerminal).to.equal(true);
  });

  it('reads LangServe data events, including plain outputs', () => {
    const out = sum(readAll(reader(), [ev({ run_id: 'x' }, 'metadata'), ev('"Hel"', 'data'), ev('2', 'data')]));
    expect(out.text).to.equal('Hel2');
  });

  it('skips LangGraph tool messages in tuple mode', () => {
    const out = sum(
      readAll(reader(), [
        ev([{ type: 'tool', content: '{"temp": 20}' }, { langgraph_node: 'tools' }], 'messages'),
        ev([{ type: 'AIMessageChunk', content: 'It is 20.' }, { langgraph_node: 'agent' }], 'messages|agent:1'),
      ]),
    );
    expect(out.text).to.equal('It is 20.');
  });
});

describe('answer reader: parseEvent', () => {
  it('is called first for every event, with data, event and id (the SSE field names)', () => {
    const seen: StreamEvent[] = [];
    const r = reader({
      parseEvent: (event) => {
        seen.push(event);
        return undefined;
      },
    });
    r.event({ data: '{"content":"a"}', event: 'token', id: '7' });
    r.event({ data: '[DONE]', event: 'message', id: '7' });
    r.line('{"content":"b"}');
    expect(seen).to.deep.equal([
      { data: '{"content":"a"}', event: 'token', id: '7' },
      { data: '[DONE]', event: 'message', id: '7' },
      // An NDJSON line is an unnamed event without an id.
      { data: '{"content":"b"}', event: 'message', id: '' },
    ]);
  });

  it('overrides built-in handling when it returns a result, and hands over with undefined', () => {
    const r = reader({
      parseEvent: (event) => (event.event === 'token' ? { text: event.data.toUpperCase() } : undefined),
    });
    const out = sum([r.event(ev('abc', 'token')), r.event(ev(chunk({ content: 'd' })))]);
    expect(out.text).to.equal('ABCd');
  });

  it('can end the stream and report errors', () => {
    const r = reader({ parseEvent: (event) => (event.event === 'fail' ? { error: event.data } : { done: true }) });
    expect(r.event(ev('nope', 'fail'))).to.deep.equal({ error: 'nope' });
    expect(r.event(ev('x'))).to.deep.equal({ done: true });
  });

  it('a parseEvent that throws or returns junk is a skip, not a crash', () => {
    const throwing = reader({
      parseEvent: () => {
        throw new Error('bug');
      },
    });
    expect(throwing.event(ev('x'))).to.deep.equal({ skipped: 'parseEvent threw: bug' });
    const junk = reader({ parseEvent: () => ({ text: { x: 1 } }) as unknown as { text: string } });
    expect(junk.event(ev('x'))).to.have.property('skipped');
  });

  it('is also called for NDJSON lines', () => {
    const r = createAnswerReader({
      format: 'auto',
      contentType: 'application/x-ndjson',
      parseEvent: (e) => ({ text: `<${e.data}>` }),
    });
    expect(r.line('{"a":1}')).to.deep.equal({ text: '<{"a":1}>' });
  });
});

describe('answer reader: expectsTerminal per format', () => {
  const finish = { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
  const cases: [string, unknown[], boolean][] = [
    ['openai before finish_reason', [chunk({ content: 'a' })], true],
    ['openai after finish_reason (forwarded, no [DONE])', [chunk({ content: 'a' }), finish], false],
    ['openai usage chunk after finish keeps it complete', [finish, { choices: [], usage: {} }], false],
    ['openai-responses', [ev({ type: 'response.output_text.delta', delta: 'a' }, 'response.output_text.delta')], true],
    ['anthropic raw', [ev({ type: 'message_start', message: {} }, 'message_start')], true],
    ['anthropic forwarded', [{ type: 'content_block_delta', delta: { type: 'text_delta', text: 'a' } }], false],
    ['gemini before finishReason', [{ candidates: [{ content: { parts: [{ text: 'a' }] } }] }], true],
    [
      'gemini after finishReason',
      [{ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' }] }],
      false,
    ],
    ['ai-sdk', [{ type: 'text-delta', id: '1', delta: 'a' }], true],
    ['ollama', [{ model: 'm', created_at: 't', message: { role: 'assistant', content: 'a' }, done: false }], true],
    ['generic content', [{ content: 'a' }], false],
    ['llama.cpp /completion (stop flag)', [{ content: 'a', stop: false }], true],
    ['generic with a done flag', [{ text: 'a', done: false }], true],
    ['AG-UI', [{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'a' }], true],
    ['plain text', ['a'], false],
    ['LangGraph', [ev([{ type: 'AIMessageChunk', content: 'a' }, {}], 'messages')], false],
  ];
  for (const [name, events, expected] of cases) {
    it(name, () => {
      const r = reader();
      readAll(r, events);
      expect(r.expectsTerminal).to.equal(expected);
    });
  }

  it('text/plain: an AI SDK 4 data stream expects d:, raw text does not', () => {
    const data = createAnswerReader({ format: 'auto', contentType: 'text/plain' });
    data.plain('0:"a"\n');
    expect(data.expectsTerminal).to.equal(true);
    expect(data.plain('d:{"finishReason":"stop"}\n')).to.deep.equal({ done: true });
    const text = createAnswerReader({ format: 'auto', contentType: 'text/plain' });
    text.plain('Hello');
    expect(text.expectsTerminal).to.equal(false);
  });
});

describe('answer reader: typed delta events', () => {
  // Each type's `delta` is text or reasoning by the list it is in, not by its name.
  const cases: [type: string, kind: 'text' | 'reasoning'][] = [
    ['response.output_text.delta', 'text'],
    ['response.refusal.delta', 'text'],
    ['response.reasoning_summary_text.delta', 'reasoning'],
    ['response.reasoning_text.delta', 'reasoning'],
    ['text-delta', 'text'],
    ['reasoning-delta', 'reasoning'],
    ['TEXT_MESSAGE_CONTENT', 'text'],
    ['TEXT_MESSAGE_CHUNK', 'text'],
    ['THINKING_TEXT_MESSAGE_CONTENT', 'reasoning'],
    ['REASONING_MESSAGE_CONTENT', 'reasoning'],
    ['REASONING_MESSAGE_CHUNK', 'reasoning'],
  ];
  for (const [type, kind] of cases) {
    it(`${type} is ${kind}`, () => {
      expect(reader().event(ev({ type, delta: 'd' }))).to.deep.equal({ [kind]: 'd' });
    });
  }

  it('Anthropic text and thinking blocks, as deltas and as starts', () => {
    const r = reader();
    const results = readAll(r, [
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: 'hm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: ', so' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: 'A' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'B' } },
    ]);
    expect(results).to.deep.equal([{ reasoning: 'hm' }, { reasoning: ', so' }, { text: 'A' }, { text: 'B' }]);
  });
});

describe('answer reader: text/plain bodies', () => {
  const plain = (options: Partial<AnswerReaderOptions> = {}) =>
    createAnswerReader({ format: 'auto', contentType: 'text/plain; charset=utf-8', ...options });

  it('shows raw text at once, without waiting for a line end', () => {
    const r = plain();
    expect(r.plain('Hello')).to.deep.equal({ text: 'Hello' });
    expect(r.plain(' wor')).to.deep.equal({ text: ' wor' });
    expect(r.format).to.equal('text');
  });

  it('decides prose that starts like a data stream part within a few characters', () => {
    for (const start of ['1: 5 apples', 'a: b', '0:hello', '2:"x"', 'z:"x"']) {
      const r = plain();
      expect(r.plain(start), start).to.deep.equal({ text: start });
    }
  });

  it('reads an AI SDK 4 data stream split anywhere, without its header', () => {
    const r = plain();
    const body = 'f:{"messageId":"m"}\n0:"Hel"\ng:"think"\n0:"lo"\n3:"bad"\n';
    const results = [...body].map((c) => r.plain(c));
    results.push(r.end());
    expect(sum(results)).to.include({ text: 'Hello', reasoning: 'think', error: 'bad' });
    expect(r.format).to.equal('ai-sdk');
  });

  it('reads a last data stream line without a newline at the end', () => {
    const r = plain();
    expect(r.plain('0:"a"\n0:"b"')).to.deep.equal({ text: 'a' });
    expect(r.end()).to.deep.equal({ text: 'b' });
  });

  it('flushes a short undecided body at the end', () => {
    const r = plain();
    expect(isSkipped(r.plain('0'))).to.equal(true);
    expect(r.end()).to.deep.equal({ text: '0' });
  });

  it('with the data stream header, reads parts without sniffing', () => {
    const r = plain({ headers: { 'X-Vercel-AI-Data-Stream': 'v1' } });
    expect(r.plain('0:"x"\n')).to.deep.equal({ text: 'x' });
  });

  it('a pinned text format never reads a data stream', () => {
    expect(plain({ format: 'text' }).plain('0:"x"\n')).to.deep.equal({ text: '0:"x"\n' });
  });
});

describe('answer reader: complete JSON bodies', () => {
  const json = () => createAnswerReader({ format: 'auto', contentType: 'application/json' });
  const cases: [string, unknown, Record<string, unknown>][] = [
    ['{"reply"}', { reply: 'hi' }, { text: 'hi', done: true }],
    ['{"answer"}', { answer: 'hi' }, { text: 'hi', done: true }],
    ['{"output"}', { output: 'hi' }, { text: 'hi', done: true }],
    ['{"message": string}', { message: 'hi' }, { text: 'hi', done: true }],
    ['{"message": {content}}', { message: { role: 'assistant', content: 'hi' } }, { text: 'hi', done: true }],
    ['a JSON string', 'hi', { text: 'hi', done: true }],
    [
      'Ollama stream:false',
      { model: 'm', message: { role: 'assistant', content: 'hi', thinking: 't' }, done: true },
      { text: 'hi', reasoning: 't', done: true },
    ],
    ['Ollama generate', { model: 'm', response: 'hi', done: true }, { text: 'hi', done: true }],
    [
      'Responses body',
      {
        object: 'response',
        status: 'completed',
        error: null,
        output: [
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'r' }] },
          { type: 'message', content: [{ type: 'output_text', text: 'hi' }] },
        ],
      },
      { text: 'hi', reasoning: 'r', done: true },
    ],
    [
      'Gemini array (no alt=sse)',
      [{ candidates: [{ content: { parts: [{ text: 'h' }] } }] }, { candidates: [{ content: { parts: [{ text: 'i' }] } }] }],
      { text: 'hi', done: true },
    ],
    ['an error body', { error: { message: 'quota' } }, { error: 'quota', done: true }],
    [
      'Anthropic with thinking',
      { type: 'message', content: [{ type: 'thinking', thinking: 't' }, { type: 'text', text: 'hi' }] },
      { text: 'hi', reasoning: 't', done: true },
    ],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => {
      expect(json().complete(body)).to.deep.equal(expected);
    });
  }

  it('skips a body with no answer', () => {
    expect(json().complete({ status: 'ok' })).to.have.property('skipped');
    expect(json().complete(42)).to.have.property('skipped');
  });
});

describe('createLineSplitter', () => {
  const split = (chunks: (string | number[])[]) => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    const encoder = new TextEncoder();
    for (const c of chunks) splitter.feed(typeof c === 'string' ? encoder.encode(c) : new Uint8Array(c));
    splitter.end();
    return lines;
  };

  it('splits on LF and CRLF, across chunks, and emits a last line without a newline', () => {
    expect(split(['{"a":1}\r', '\n{"b"', ':2}\n{"c":3}'])).to.deep.equal(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps UTF-8 sequences cut by a chunk boundary whole', () => {
    const bytes = [...new TextEncoder().encode('"😊"\n')];
    expect(split([bytes.slice(0, 3), bytes.slice(3)])).to.deep.equal(['"😊"']);
  });

  it('emits blank lines (the reader skips them) and nothing after a final newline', () => {
    expect(split(['a\n\nb\n'])).to.deep.equal(['a', '', 'b']);
  });
});
