import { HttpError, UpstreamError } from '../errors.js';
import type { Pull } from '../pull.js';
import type { ChatInputMessage, ProviderAdapter, ProviderStream, ServerTool, ToolDefinition } from '../types.js';

export interface MockOptions {
  /**
   * Replies in turn: the n-th answer of a conversation is `script[n % length]`;
   * or a function of the conversation. Default: a markdown reply that quotes
   * the question. Either way the same conversation always gets the same words.
   */
  script?: readonly string[] | ((messages: readonly ChatInputMessage[]) => string);
  /** Wait before each token, in ms. Default 30. */
  tokenDelayMs?: number;
  /** Wait before the first token, like a model's time to first token, in ms. Default 200. */
  firstTokenDelayMs?: number;
  /** Faults for every request, in the `?fault=` syntax (see {@link parseMockFaults}). */
  faults?: string;
  /** Read faults from a request's `?fault=` parameter or `X-Mock-Fault` header. Default true. */
  faultsFromRequest?: boolean;
  /**
   * How many times in a row the mock calls the tools a question names
   * before it answers in text. Default 1; more shows (and tests) several
   * steps and `maxSteps`.
   */
  toolRounds?: number;
}

/** Knobs of one mock answer, from `faults` and the request. */
export interface MockFaults {
  /** Fail before streaming as if the provider answered this status. */
  status?: number;
  /** `Retry-After` of that failure (seconds). */
  retryAfter?: string;
  /** Send this many chunks, then fail with `event: error`. */
  errorAfter?: number;
  /** Send this many chunks, then nothing until the client leaves (pings go on). */
  stallAfter?: number;
  /** Drop the connection after this many events; the answer goes on and can be resumed. */
  cutAfter?: number;
  /** Wait before each token, in ms (overrides `tokenDelayMs`). */
  tokenDelayMs?: number;
}

const COUNT = /^\d{1,6}$/;

/**
 * Parses a comma-separated fault list:
 * `status:<code>[:<retry-after>]`, `error-after:<n>`, `stall-after:<n>`,
 * `cut-after:<n>`, `delay:<ms>`. For example `?fault=cut-after:20` or
 * `?fault=status:429:3`. Anything else is a 400, so a typo is not silently
 * a normal answer.
 */
export function parseMockFaults(spec: string): MockFaults {
  const faults: MockFaults = {};
  for (const part of spec.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, value = '', extra] = part.split(':');
    if (!COUNT.test(value) || (extra !== undefined && (name !== 'status' || !COUNT.test(extra)))) {
      throw new HttpError(400, 'invalid_fault', `Unknown mock fault "${part.slice(0, 40)}".`);
    }
    const number = Number(value);
    if (name === 'status' && number >= 400 && number <= 599) {
      faults.status = number;
      if (extra !== undefined) faults.retryAfter = extra;
    } else if (name === 'error-after') faults.errorAfter = number;
    else if (name === 'stall-after') faults.stallAfter = number;
    else if (name === 'cut-after' && number > 0) faults.cutAfter = number;
    else if (name === 'delay') faults.tokenDelayMs = number;
    else throw new HttpError(400, 'invalid_fault', `Unknown mock fault "${part.slice(0, 40)}".`);
  }
  return faults;
}

function defaultReply(messages: readonly ChatInputMessage[]): string {
  const question = messages.filter((message) => message.role === 'user').at(-1)?.content.trim() ?? '';
  const quoted = question ? `You asked: “${question.length > 120 ? `${question.slice(0, 120)}…` : question}”\n\n` : '';
  return `${quoted}This answer comes from the **mock provider** of \`createChatHandler\`: no API key, no network, and the same words every time you ask the same thing.

Each token you see arrived as its own Server-Sent Event, with an \`id:\` so a dropped connection can be resumed:

1. Press **Stop** while this is still typing: the request is really aborted.
2. Add \`?fault=cut-after:20\` to the endpoint to cut the connection after 20 events.
3. Try \`?fault=status:429:5\` or \`?fault=error-after:10\` to see the other failures.

\`\`\`sh
AI_CHAT_PROVIDER=openai OPENAI_API_KEY=sk-… npm run dev
\`\`\`

Set a provider and its key, as above, to talk to a real model instead.`;
}

function replyFor(messages: readonly ChatInputMessage[], script: MockOptions['script']): string {
  if (typeof script === 'function') return script(messages);
  if (!script || script.length === 0) return defaultReply(messages);
  const turn = messages.filter((message) => message.role === 'assistant').length;
  return script[turn % script.length]!;
}

/**
 * The demo's server tool (`npm run dev` offers it to the mock): the server's
 * local time, in the IANA time zone asked for (an unknown zone fails, which
 * shows a failed step).
 */
export const mockTools: Record<string, ServerTool> = {
  local_time: {
    description: 'The current local time of the server, or in the IANA time zone given.',
    parameters: { type: 'object', properties: { timeZone: { type: 'string', description: 'An IANA time zone, e.g. Europe/Paris' } } },
    execute(input) {
      const asked = (input as { timeZone?: unknown } | null)?.timeZone;
      const timeZone = typeof asked === 'string' && asked ? asked : Intl.DateTimeFormat().resolvedOptions().timeZone;
      // Throws a RangeError for a zone Intl does not know: the model sees it as a failed call.
      const time = new Date().toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' });
      return { time, timeZone };
    },
  },
};

/**
 * The tools the mock calls: every offered tool the last question names, and
 * `local_time` also for a question about the time, `rounds` times in a row
 * (a round is done when the conversation after the question holds a call of
 * each); then it answers in text.
 */
function toolsToCall(messages: readonly ChatInputMessage[], tools: readonly ToolDefinition[], rounds: number): string[] {
  // ES2022 has no findLastIndex.
  const asked = messages.map((message) => message.role).lastIndexOf('user');
  if (asked === -1) return [];
  const words = new Set(messages[asked]!.content.toLowerCase().match(/[\w-]+/g) ?? []);
  const names = tools
    .map((tool) => tool.name)
    .filter((name) => words.has(name.toLowerCase()) || (name === 'local_time' && words.has('time')));
  const made = messages
    .slice(asked + 1)
    .flatMap((message) => message.parts ?? [])
    .filter((part) => part.type === 'dynamic-tool' && names.includes(part.toolName)).length;
  return names.length > 0 && made < rounds * names.length ? names : [];
}

/** The mock's words about the results of the calls it made, when the conversation ends with them. */
function resultsReply(messages: readonly ChatInputMessage[]): string | undefined {
  const calls = messages.at(-1)?.parts?.filter((part) => part.type === 'dynamic-tool') ?? [];
  if (messages.at(-1)?.role !== 'assistant' || calls.length === 0) return undefined;
  return calls
    .map((call) => {
      const output = call.output as { time?: unknown; timeZone?: unknown } | undefined;
      if (call.state === 'output-error') return `The tool \`${call.toolName}\` failed: ${call.errorText ?? ''}`;
      if (call.toolName === 'local_time' && typeof output?.time === 'string') {
        return `It is **${output.time}** on the server (${String(output.timeZone)}), says the \`local_time\` tool.`;
      }
      return `The tool \`${call.toolName}\` answered: \`${JSON.stringify(call.output) ?? 'nothing'}\``;
    })
    .join('\n\n');
}

const TOKEN = /\S+\s*|\s+/g;

/** Words with their trailing space or line break, the way models emit tokens. */
export function mockTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function requestFaults(request: Request): string {
  const fromQuery = new URL(request.url).searchParams.get('fault');
  return fromQuery ?? request.headers.get('x-mock-fault') ?? '';
}

/**
 * The `cut-after:N` fault: passes `body` on until N events have gone out, then
 * fails the connection the way a network drop does. The answer itself goes on
 * (the inner body is cancelled as if its reader left), so a resume can
 * continue it.
 */
function cutAfterEvents(body: ReadableStream<Uint8Array>, events: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Checked on the pull after the last allowed event, so that event has
      // been taken by the server before the connection dies.
      if (sent >= events) {
        // Node's http corks a response until the next tick; erroring now
        // would destroy the socket with the last event still in its buffer.
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.error(Object.assign(new Error('Connection reset by the mock fault cut-after.'), { code: 'ECONNRESET' }));
        await reader.cancel().catch(() => undefined);
        return;
      }
      const next = await reader.read();
      if (next.done) return controller.close();
      controller.enqueue(next.value);
      // Events end with a blank line; pings are comments and do not count.
      pending += decoder.decode(next.value, { stream: true });
      const blocks = pending.split('\n\n');
      pending = blocks.pop()!;
      sent += blocks.filter((block) => /^id:/m.test(block)).length;
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** What one mock answer says and how it paces it; see {@link MockChunks}. */
interface MockScript {
  firstDelay: number;
  tokenDelay: number;
  /** The answer's words; for a `script` array, one array shared by every answer that says it. */
  tokens: readonly string[];
  faults: MockFaults;
  opening: () => unknown;
  content: (text: string) => unknown;
  finish: (reason: 'stop' | 'tool_calls') => unknown;
  /** The tool call chunks; undefined for a text answer. */
  calls: (() => unknown[]) | undefined;
}

const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The chunks of one mock answer, paced like a model: the opening chunk after
 * `firstDelay`, a word every `tokenDelay`, then the finish chunk at once; or
 * the tool calls and their finish chunk together. An iterator by hand, not an
 * async generator with a sleep: one timer a token, the cost of a bare
 * server's timer, so a load test of the handler measures the handler. With
 * {@link Pull.pull} (the handler's way) a word goes from its timer to the
 * reader as a call, with no promise; `next()` costs one. A pending wait
 * ends (the answer is done) when `signal` aborts.
 */
class MockChunks implements AsyncIterableIterator<unknown>, Pull<unknown> {
  readonly #script: MockScript;
  readonly #signal: AbortSignal;
  /** Chunks of the current step sent without a wait (the tool calls and their finish). */
  #queued: unknown[] = [];
  /** The loop step of the original generator: 0 opens, then a word or the calls each. */
  #step = 0;
  /** The index in `tokens` of the next word. */
  #word = 0;
  #finished = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Who waits for the chunk the timer brings: a `pull`'s `later`, or a `next()`'s resolve. */
  #later: ((result: IteratorResult<unknown>) => void) | undefined;
  readonly #onAbort = () => {
    clearTimeout(this.#timer);
    this.#end();
  };
  readonly #wait = (resolve: (result: IteratorResult<unknown>) => void) => {
    this.#later = resolve;
  };

  constructor(script: MockScript, signal: AbortSignal) {
    this.#script = script;
    this.#signal = signal;
    // Its listener ends the answer, so `signal.aborted` is not read a token.
    if (signal.aborted) this.#finished = true;
    else signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<unknown>> {
    try {
      const now = this.#now();
      return now ? Promise.resolve(now) : new Promise(this.#wait);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Throws the fault `error-after` rather than returning it. */
  pull(later: (result: IteratorResult<unknown>) => void): IteratorResult<unknown> | undefined {
    const now = this.#now();
    if (!now) this.#later = later;
    return now;
  }

  return(): Promise<IteratorResult<unknown>> {
    clearTimeout(this.#timer);
    this.#queued = [];
    this.#end();
    return Promise.resolve(DONE_RESULT);
  }

  /** The chunk of this step if it goes now; else arms its wait and returns undefined. */
  #now(): IteratorResult<unknown> | undefined {
    if (this.#queued.length > 0) {
      const value = this.#queued.shift();
      if (this.#queued.length === 0) this.#finish();
      return { done: false, value };
    }
    if (this.#finished) return this.#finish();
    const { faults, firstDelay, tokenDelay } = this.#script;
    const step = this.#step;
    if (step === faults.errorAfter) {
      this.#finish();
      throw new UpstreamError(500, `The mock provider failed after ${step} chunks (fault error-after:${step}).`, 'mock_error');
    }
    // Nothing more until the client leaves: the abort ends the wait.
    if (step === faults.stallAfter) return undefined;
    const delay = step === 0 ? firstDelay : this.#word === this.#script.tokens.length ? 0 : tokenDelay;
    if (delay === 0) return this.#take();
    this.#timer = setTimeout(this.#tick, delay);
    return undefined;
  }

  readonly #tick = () => {
    const later = this.#later;
    this.#later = undefined;
    // An abort clears the timer: this runs only for a live answer.
    later?.(this.#take());
  };

  /** The chunk of this step, sent now. */
  #take(): IteratorResult<unknown> {
    const script = this.#script;
    const step = this.#step++;
    if (step === 0) return { done: false, value: script.opening() };
    if (script.calls) {
      const [first, ...rest] = script.calls();
      this.#queued = [...rest, script.finish('tool_calls')];
      return { done: false, value: first };
    }
    if (this.#word === script.tokens.length) {
      this.#finish();
      return { done: false, value: script.finish('stop') };
    }
    return { done: false, value: script.content(script.tokens[this.#word++]!) };
  }

  #finish(): IteratorReturnResult<undefined> {
    this.#finished = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    return DONE_RESULT;
  }

  /**
   * Done now: a pending wait ends, in a microtask as a promise's would, so
   * the reader sees the end after every listener of the abort has run (the
   * handler tells a stopped answer from a finished one by its signal).
   */
  #end(): void {
    this.#finish();
    const later = this.#later;
    this.#later = undefined;
    if (later) queueMicrotask(() => later(DONE_RESULT));
  }
}

let mockCalls = 0;

/**
 * A deterministic stand-in for a model: scripted markdown replies streamed
 * token by token as OpenAI `chat.completion.chunk` objects, with faults on
 * demand for demos and tests. Offered tools (the server's and the page's)
 * are called when the question names them, `local_time` also for a question
 * about the time; with their results it says what they answered.
 */
export function mockProvider(options: MockOptions = {}): ProviderAdapter {
  const fromRequest = options.faultsFromRequest ?? true;
  // A scripted reply's words, split once for every answer that says it: a
  // thousand answers in flight share one array, and a word costs no match.
  const { script } = options;
  const scripted = Array.isArray(script) ? new Map<string, readonly string[]>() : undefined;
  const wordsOf = (reply: string): readonly string[] => {
    if (!scripted || !(script as readonly string[]).includes(reply)) return mockTokens(reply);
    let words = scripted.get(reply);
    if (!words) scripted.set(reply, (words = mockTokens(reply)));
    return words;
  };
  return {
    name: 'mock',
    async start({ messages, model, request, signal, tools = [] }): Promise<ProviderStream> {
      const faults = {
        ...parseMockFaults(options.faults ?? ''),
        ...(fromRequest ? parseMockFaults(requestFaults(request)) : {}),
      };
      if (faults.status !== undefined) {
        throw new UpstreamError(faults.status, `The mock provider answered ${faults.status} (fault status:${faults.status}).`, 'mock_error', faults.retryAfter);
      }
      const tokenDelay = faults.tokenDelayMs ?? options.tokenDelayMs ?? 30;
      const firstDelay = options.firstTokenDelayMs ?? 200;
      const created = Math.floor(Date.now() / 1000);
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
        id: 'chatcmpl-mock',
        object: 'chat.completion.chunk',
        created,
        // An adapter passed as `provider` gets no default model from the handler.
        model: model || 'mock',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      const calls = toolsToCall(messages, tools, options.toolRounds ?? 1);
      // A script, when given, says every text answer, after tool results too.
      const reply = calls.length > 0 ? '' : ((options.script ? undefined : resultsReply(messages)) ?? replyFor(messages, options.script));
      // Ids unique across calls, as a provider's are.
      const callId = (index: number) => `call_mock_${created.toString(36)}_${(mockCalls++).toString(36)}_${index}`;

      // Each chunk is built when it is sent, not all up front: a thousand
      // answers in flight should cost what their words cost, not their chunks.
      const script: MockScript = {
        firstDelay,
        tokenDelay,
        tokens: wordsOf(reply),
        faults,
        opening: () => chunk({ role: 'assistant', content: '' }),
        content: (text) => chunk({ content: text }),
        finish: (reason) => chunk({}, reason),
        // Each call whole in one chunk, as some compatible servers send them.
        calls:
          calls.length === 0
            ? undefined
            : () =>
                calls.map((name, position) => chunk({ tool_calls: [{ index: position, id: callId(position), type: 'function', function: { name, arguments: '{}' } }] })),
      };
      const cutAfter = faults.cutAfter;
      return { chunks: new MockChunks(script, signal), dialect: 'openai', ...(cutAfter !== undefined ? { wrapBody: (body) => cutAfterEvents(body, cutAfter) } : {}) };
    },
  };
}
