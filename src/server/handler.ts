import { checkOrigin, corsHeaders, corsPolicy, preflightResponse, type CorsPolicy } from './cors.js';
import { API_KEY_ENV, readEnv } from './env.js';
import {
  CLIENT_GONE,
  describeProviderError,
  errorBody,
  errorResponse,
  HttpError,
  isAbortError,
  streamErrorBody,
  upstreamHttpError,
  type ProviderFailure,
} from './errors.js';
import { anthropicProvider } from './providers/anthropic.js';
import { mockProvider } from './providers/mock.js';
import { openAiProvider } from './providers/openai.js';
import { canPull, type Pull } from './pull.js';
import { APPENDED, MemoryResumeStore, ResumeStoreFullError, writerOf, type ResumeStore } from './resume.js';
import { scrub, scrubbingLogger } from './secrets.js';
import { DONE, encodeFrame, eventSinks, PING, sinkWriters, SSE_HEADERS, type EventSink, type SseFrame } from './sse.js';
import { callPart, createStepReader, runTool, toolErrorChunk, toolOutputChunk } from './tools.js';
import type {
  ChatHandlerOptions,
  ChatInputMessage,
  ChatLogger,
  ChatToolCallPart,
  ProviderAdapter,
  ProviderStream,
  ServerTool,
  ToolDefinition,
} from './types.js';
import { defaultBodyBytes, fileLimits, readChatInput, TOOL_NAME, type ChatInput, type InputLimits } from './validate.js';

/** A standard fetch handler: Node (through an adapter), Deno, Bun, Workers. */
export type ChatHandler = (request: Request) => Promise<Response>;

interface Config {
  provider: ProviderAdapter;
  model: string;
  allowedModels: readonly string[];
  limits: InputLimits;
  pingIntervalMs: number;
  resumeGraceMs: number;
  store: ResumeStore;
  cors: CorsPolicy;
  secrets: string[];
  logger: ChatLogger;
  identify: ChatHandlerOptions['identify'];
  tools: Map<string, ServerTool>;
  /** The server tools as offered to the model. */
  toolDefinitions: ToolDefinition[];
  maxSteps: number;
}

/** The server tools, checked at start-up: names providers accept, an `execute` each. */
function readServerTools(tools: ChatHandlerOptions['tools']): Map<string, ServerTool> {
  const map = new Map<string, ServerTool>();
  for (const [name, tool] of Object.entries(tools ?? {})) {
    if (!TOOL_NAME.test(name)) throw new TypeError(`createChatHandler: the tool name "${name}" must be 1 to 64 letters, digits, _ or -.`);
    if (typeof tool?.execute !== 'function') throw new TypeError(`createChatHandler: the tool "${name}" needs an \`execute\` function.`);
    map.set(name, tool);
  }
  return map;
}

/**
 * Ends an answer on purpose with `event: error` and its own words (not a
 * provider failure): what was streamed before it stays.
 */
class AnswerStop extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`createChatHandler: \`${name}\` must be a ${allowZero ? 'non-negative' : 'positive'} number.`);
  }
  return value;
}

function resolveConfig(options: ChatHandlerOptions): Config {
  const { provider } = options;
  let apiKey = options.apiKey;
  let adapter: ProviderAdapter;
  let model = options.model ?? '';
  const secrets: string[] = [];
  // Reads `secrets` at each line, so the key added below is scrubbed too.
  const logger = scrubbingLogger(options.logger ?? console, secrets);

  if (provider === 'openai' || provider === 'anthropic') {
    apiKey ??= readEnv(API_KEY_ENV[provider]);
    if (!apiKey) throw new TypeError(`createChatHandler: no ${provider} key; set ${API_KEY_ENV[provider]} or pass \`apiKey\`.`);
    if (!model) throw new TypeError(`createChatHandler: \`model\` is required for the ${provider} provider.`);
    secrets.push(apiKey);
    const settings = {
      apiKey,
      baseURL: options.baseURL,
      maxTokens: options.maxTokens,
      maxRetries: positive('maxRetries', options.maxRetries, 0, true),
      logger,
    };
    adapter = provider === 'openai' ? openAiProvider(settings) : anthropicProvider(settings);
  } else if (provider === 'mock') {
    adapter = mockProvider();
    model ||= 'mock';
  } else if (typeof provider === 'object' && provider !== null && typeof provider.start === 'function') {
    adapter = provider;
    if (apiKey) secrets.push(apiKey);
  } else {
    throw new TypeError('createChatHandler: `provider` must be "openai", "anthropic", "mock" or an adapter.');
  }

  const tools = readServerTools(options.tools);
  const maxSteps = positive('maxSteps', options.maxSteps, 5);
  if (!Number.isInteger(maxSteps)) throw new TypeError('createChatHandler: `maxSteps` must be a whole number.');
  const files = fileLimits(options.files);
  return {
    provider: adapter,
    model,
    tools,
    toolDefinitions: [...tools].map(([name, tool]) => ({
      name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    })),
    maxSteps,
    allowedModels: options.allowedModels ?? (model ? [model] : []),
    limits: {
      maxMessages: positive('maxMessages', options.maxMessages, 200),
      maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, defaultBodyBytes(files)),
      bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 15_000),
      files,
    },
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs, 15_000),
    resumeGraceMs: positive('resumeGraceMs', options.resumeGraceMs, 5_000, true),
    store: options.resumeStore ?? new MemoryResumeStore(),
    cors: corsPolicy(options.allowedOrigins, options.allowCredentials, options.allowedHeaders),
    secrets,
    logger,
    identify: options.identify,
  };
}

const ALLOWED_METHODS = 'POST, DELETE, OPTIONS';

/** Printable ASCII, as the IETF Idempotency-Key draft allows; long enough for any UUID. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const EVENT_ID = /^\d{1,15}$/;

/**
 * The turn's `Idempotency-Key`: the header, or else the body's
 * `idempotencyKey`, where the widget puts it cross-origin so that stock CORS
 * settings need not allow the header.
 */
function readIdempotencyKey(request: Request, input?: ChatInput): string | undefined {
  const key = request.headers.get('idempotency-key') ?? input?.idempotencyKey;
  if (key === null || key === undefined) return undefined;
  const trimmed = key.trim().replace(/^"(.*)"$/, '$1');
  if (!IDEMPOTENCY_KEY.test(trimmed)) {
    throw new HttpError(400, 'invalid_idempotency_key', '`Idempotency-Key` must be 1 to 255 printable ASCII characters.');
  }
  return trimmed;
}

/** `Last-Event-ID`: the header, or else the body's `lastEventId` (see {@link readIdempotencyKey}). */
function readLastEventId(request: Request, input: ChatInput): number | undefined {
  const value = (request.headers.get('last-event-id') ?? input.lastEventId)?.trim();
  if (!value) return undefined;
  if (!EVENT_ID.test(value)) throw new HttpError(400, 'invalid_last_event_id', '`Last-Event-ID` must be an event id this server sent.');
  return Number(value);
}

async function sha256(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return text;
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Ties a key to one request, so reusing a key for another conversation is refused rather than answered wrongly. */
function fingerprintOf(input: ChatInput): Promise<string> {
  return sha256(JSON.stringify([input.model, input.messages, input.tools]));
}

/**
 * What the store keeps for a key: who owns the answer (a hash of the user id
 * from `identify`, empty without it) and which conversation it answers.
 */
interface TurnRecord {
  owner: string;
  fingerprint: string;
}
const recordText = (record: TurnRecord) => `${record.owner}\n${record.fingerprint}`;
function parseRecord(text: string | undefined): TurnRecord | undefined {
  if (text === undefined) return undefined;
  const cut = text.indexOf('\n');
  return cut === -1 ? { owner: '', fingerprint: text } : { owner: text.slice(0, cut), fingerprint: text.slice(cut + 1) };
}

const notYours = () => new HttpError(404, 'not_found', 'No answer with this `Idempotency-Key` belongs to you.');

/**
 * A resumable answer generated by this instance. Its provider call outlives
 * any one response, but only while someone reads it: once the last reader
 * has been gone for `graceMs`, the provider request is aborted. The wait
 * starts when the last reader leaves, never before the first one came: a
 * provider may take longer than `graceMs` to accept while its client waits.
 */
class LiveRun {
  readonly controller = new AbortController();
  /** The answer can no longer be stored (the store failed): its readers stop. */
  #failed = false;
  /**
   * Its readers' stops, for {@link fail}: callbacks, not a second
   * AbortController (with its signal's listener maps, about 0.7 KB an answer).
   */
  readonly #onFail: (() => void)[] = [];
  /** Stopped by a `DELETE`, not by the grace: its last event says `cancelled`. */
  cancelled = false;
  #readers = 0;
  #finished = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #graceMs: number;
  /** See {@link TurnRecord}. */
  readonly owner: string;

  constructor(graceMs: number, owner: string) {
    this.#graceMs = graceMs;
    this.owner = owner;
  }

  attach(): void {
    this.#readers += 1;
    clearTimeout(this.#timer);
  }

  detach(): void {
    this.#readers -= 1;
    if (this.#readers === 0) this.#arm();
  }

  finish(): void {
    this.#finished = true;
    clearTimeout(this.#timer);
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** The store failed: every reader stops. */
  fail(): void {
    if (this.#failed) return;
    this.#failed = true;
    for (const stop of this.#onFail.splice(0)) stop();
  }

  /** Calls `stop` once when the run fails (at once if it has); returns the unsubscribe. */
  onFail(stop: () => void): () => void {
    if (this.#failed) {
      stop();
      return () => undefined;
    }
    this.#onFail.push(stop);
    return () => {
      const at = this.#onFail.indexOf(stop);
      if (at !== -1) this.#onFail.splice(at, 1);
    };
  }

  /** A reader on another instance is there: the grace starts again from now. */
  touch(): void {
    if (this.#readers === 0) this.#arm();
  }

  cancel(): void {
    if (this.#finished || this.controller.signal.aborted) return;
    this.cancelled = true;
    this.controller.abort();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (!this.#finished) this.#timer = setTimeout(() => this.controller.abort(), this.#graceMs);
  }
}

const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The frames of an answer (see `toFrames`). Its {@link Pull.pull}
 * hands each result from the provider's own callback (a source with `pull`,
 * the mock) or promise reaction, without a promise of its own.
 */
interface FrameSource extends AsyncIterableIterator<SseFrame>, Pull<SseFrame> {
  return(): Promise<IteratorResult<SseFrame>>;
}
const encoder = new TextEncoder();

/** Aborts `controller` when `signal` does; returns the unlink. */
function follow(signal: AbortSignal, controller: AbortController): () => void {
  const abort = () => controller.abort();
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}

/**
 * A loop over `pull` (see {@link Pull}): hands each result to `take`
 * while `take` returns true (it wants the next one now), at once while
 * results are there, else from `pull`'s reaction. Returns the loop, to call
 * again once what made `take` return false is over (a slow client, a store
 * write). A throw goes to `fail`: `take` may run inside a store's append,
 * which must not see it.
 */
function pullLoop(
  pull: (later: (result: IteratorResult<SseFrame>) => void) => IteratorResult<SseFrame> | undefined,
  take: (result: IteratorResult<SseFrame>) => boolean,
  fail: (error: unknown) => void,
): () => void {
  const later = (result: IteratorResult<SseFrame>) => {
    try {
      if (take(result)) loop();
    } catch (error) {
      fail(error);
    }
  };
  function loop(): void {
    try {
      for (;;) {
        const now = pull(later);
        if (now === undefined || !take(now)) return;
      }
    } catch (error) {
      fail(error);
    }
  }
  return loop;
}

/**
 * Creates the backend half of `<ai-chat>`: it validates the request, calls
 * the provider with the server's key and forwards each chunk as an SSE event
 * (`id: N`, `data: <json>`, then `data: [DONE]`; `event: error` on failure).
 */
export function createChatHandler(options: ChatHandlerOptions): ChatHandler {
  const config = resolveConfig(options);
  const { store, logger } = config;
  const live = new Map<string, LiveRun>();

  /** The provider's own words, for the operator only (the logger scrubs keys out). */
  const details = (failure: ProviderFailure) =>
    `${failure.status ?? 'no status'} ${failure.type}: ${failure.message.length > 2000 ? `${failure.message.slice(0, 2000)}…` : failure.message}`;

  /** The tools offered to the model: the server's, then the page's (a server tool wins a name both have). */
  const offeredTools = (input: ChatInput): ToolDefinition[] =>
    config.tools.size === 0 && input.tools.length === 0
      ? []
      : [...config.toolDefinitions, ...input.tools.filter((tool) => !config.tools.has(tool.name))];

  /** Calls the provider for the first step: a refusal here is an HTTP status, not an event. */
  async function startProvider(request: Request, input: ChatInput, signal: AbortSignal): Promise<ProviderStream> {
    try {
      return await config.provider.start({ messages: input.messages, model: input.model, tools: offeredTools(input), request, signal });
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (signal.aborted || isAbortError(error)) {
        throw new HttpError(CLIENT_GONE, 'client_closed_request', 'The client went away before the answer started.');
      }
      const failure = describeProviderError(error);
      logger.warn(`[ai-chat] ${config.provider.name} refused the request: ${details(failure)}`);
      throw upstreamHttpError(failure);
    }
  }

  /**
   * The chunks of a whole answer. Without server tools (or a provider
   * dialect to read calls in) they are the provider's, as they come. With
   * them, each step's chunks are forwarded (call ids made unique), then the
   * results of the server tools it called as `tool-output-available` /
   * `tool-output-error` chunks; the model is called again with them until
   * it answers without calling a server tool, a call is for the page (the
   * page runs it and sends a follow-up), or `maxSteps` calls were made
   * (`event: error` `max_steps`, after everything streamed so far).
   */
  function answerChunks(first: ProviderStream, request: Request, input: ChatInput, signal: AbortSignal): AsyncIterable<unknown> {
    const { dialect } = first;
    if (config.tools.size === 0 || !dialect) return first.chunks;
    const tools = offeredTools(input);
    return (async function* steps() {
      const ids = new Set<string>();
      let messages: ChatInputMessage[] = input.messages;
      let stream = first;
      for (let step = 1; ; step++) {
        const reader = createStepReader(stream.dialect ?? dialect, ids);
        const held: unknown[] = [];
        for await (const chunk of stream.chunks) {
          if (signal.aborted) return;
          if (reader.read(chunk)) yield chunk;
          else held.push(chunk);
        }
        if (signal.aborted) return;
        const calls = reader.calls.map(callPart);
        const mine = calls.filter((call) => config.tools.has(call.toolName));
        if (mine.length === 0) return yield* held;
        // Run in parallel; each result goes out in call order as soon as it and those before it are in.
        const context = (call: ChatToolCallPart) => ({ signal, toolCallId: call.toolCallId, messages });
        const running = mine.map((call) =>
          runTool(config.tools.get(call.toolName)!, call, context(call), (error) =>
            logger.warn(`[ai-chat] the tool ${call.toolName} failed:`, error),
          ),
        );
        // Settled even when one rejects (an abort): no rejection is left unhandled.
        running.forEach((run) => run.catch(() => undefined));
        const results = new Map<string, ChatToolCallPart>();
        for (const run of running) {
          const result = await run.catch((error: unknown) => {
            if (signal.aborted) return undefined;
            throw error;
          });
          if (!result || signal.aborted) return;
          // A tool's error message goes to the model and the user: no key may ride along.
          if (result.errorText !== undefined) result.errorText = scrub(result.errorText, config.secrets);
          results.set(result.toolCallId, result);
          yield result.state === 'output-available'
            ? toolOutputChunk(result.toolCallId, result.output)
            : toolErrorChunk(result.toolCallId, result.errorText ?? 'The tool failed.');
        }
        // A call for the page: it runs it and sends the conversation on.
        if (mine.length < calls.length) return yield* held;
        if (step >= config.maxSteps) {
          throw new AnswerStop(
            'max_steps',
            `The answer stopped after ${config.maxSteps} steps of tool calls. Send a message to let it go on.`,
          );
        }
        const parts = [
          ...(reader.text ? [{ type: 'text' as const, text: reader.text }] : []),
          ...calls.map((call) => results.get(call.toolCallId) ?? call),
        ];
        messages = [...messages, { role: 'assistant', content: reader.text, parts }];
        stream = await config.provider.start({ messages, model: input.model, tools, request, signal });
      }
    })();
  }

  /**
   * The answer's chunks as numbered events, ending with `[DONE]` or one
   * `event: error`. An iterator by hand rather than an async generator: it
   * runs once a token for every answer in flight, and a generator's
   * machinery per step costs more than the step.
   */
  function toFrames(chunks: AsyncIterable<unknown>, signal: AbortSignal): FrameSource {
    const source = chunks[Symbol.asyncIterator]();
    let id = 0;
    let finished = false;
    // Known from its listener: reading `signal.aborted` a token cost more than the rest of this step.
    let aborted = signal.aborted;
    const onAbort = () => (aborted = true);
    if (!aborted) signal.addEventListener('abort', onAbort, { once: true });
    const close = (): IteratorResult<SseFrame> => {
      if (!finished) {
        finished = true;
        void source.return?.()?.catch(() => undefined);
      }
      return DONE_RESULT;
    };
    const last = (frame: SseFrame): IteratorResult<SseFrame> => {
      finished = true;
      return { done: false, value: frame };
    };
    const failed = (error: unknown): IteratorResult<SseFrame> => {
      finished = true;
      if (signal.aborted || isAbortError(error)) return DONE_RESULT;
      if (error instanceof AnswerStop) return last({ id: ++id, event: 'error', data: JSON.stringify(errorBody(error.type, error.message)) });
      const failure = describeProviderError(error);
      logger.warn(`[ai-chat] ${config.provider.name} failed mid-stream: ${details(failure)}`);
      return last({ id: ++id, event: 'error', data: JSON.stringify(streamErrorBody(failure)) });
    };
    const read = (result: IteratorResult<unknown>): IteratorResult<SseFrame> | Promise<IteratorResult<SseFrame>> => {
      // SDK streams end quietly when aborted; an aborted answer is not done.
      if (aborted) return result.done ? ((finished = true), DONE_RESULT) : close();
      if (result.done) return last({ id: ++id, data: DONE });
      let data: string | undefined;
      try {
        data = JSON.stringify(result.value);
      } catch (error) {
        void source.return?.()?.catch(() => undefined);
        return failed(error);
      }
      return data === undefined ? next() : { done: false, value: { id: ++id, data } };
    };
    const next = (): Promise<IteratorResult<SseFrame>> => {
      if (finished) return Promise.resolve(DONE_RESULT);
      try {
        return source.next().then(read, failed);
      } catch (error) {
        return Promise.resolve(failed(error));
      }
    };
    // `pull`'s reactions, made once: the `later` of the pull in progress.
    let later: (result: IteratorResult<SseFrame>) => void = () => undefined;
    const onChunk = (result: IteratorResult<unknown>) => {
      const frame = read(result);
      if (frame instanceof Promise) void frame.then(later);
      else later(frame);
    };
    const onError = (error: unknown) => later(failed(error));
    // A source with `pull` (the mock) hands a chunk that is there now at
    // once, and a later one from its own callback: no promise a chunk.
    const sourcePull = canPull<unknown>(source) ? source : undefined;
    const pull = (then: (result: IteratorResult<SseFrame>) => void): IteratorResult<SseFrame> | undefined => {
      if (finished) return DONE_RESULT;
      later = then;
      try {
        if (!sourcePull) {
          source.next().then(onChunk, onError);
          return undefined;
        }
        const chunk = sourcePull.pull(onChunk);
        if (chunk === undefined) return undefined;
        const frame = read(chunk);
        if (!(frame instanceof Promise)) return frame;
        void frame.then(then);
      } catch (error) {
        return failed(error);
      }
      return undefined;
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next,
      pull,
      return: () => Promise.resolve(close()),
    };
  }

  /**
   * The streams open now, pinged together: one timer for the handler, not
   * one a stream. It runs only while a stream is open, so an idle handler
   * holds no timer (Workers, tests).
   */
  const pinged = new Set<() => void>();
  let pinger: ReturnType<typeof setInterval> | undefined;
  function pingAll(): void {
    for (const ping of pinged) ping();
  }
  function watchPings(ping: () => void, on: boolean): void {
    if (on) pinged.add(ping);
    else pinged.delete(ping);
    if (pinged.size === 0) {
      clearInterval(pinger);
      pinger = undefined;
    } else pinger ??= setInterval(pingAll, config.pingIntervalMs);
  }

  /**
   * Writes `frames` as an event stream with a ping comment every
   * `pingIntervalMs`. Pull-based, so a slow reader slows the store reads, not
   * memory. `onEnd` runs once, however the response ends: done, failed, or
   * cancelled because the client went away. `wrapBody` is the provider's
   * (see {@link ProviderStream.wrapBody}). Written into the adapter's
   * {@link EventSink} when it gave one for `request` (and nothing wraps the body).
   */
  function streamResponse(
    request: Request,
    frames: AsyncIterable<SseFrame>,
    cors: Record<string, string>,
    onEnd: () => void,
    wrapBody?: ProviderStream['wrapBody'],
  ): Response {
    const sink = wrapBody ? undefined : eventSinks.get(request)?.();
    if (sink) return sinkResponse(sink, frames, cors, onEnd);
    const iterator = frames[Symbol.asyncIterator]();
    let ended = false;
    let stream: ReadableStreamDefaultController<Uint8Array>;
    // Only into an empty queue: a client that stopped reading must not grow it.
    const ping = () => (stream.desiredSize ?? 0) > 0 && stream.enqueue(encoder.encode(PING));
    const end = () => {
      if (ended) return false;
      ended = true;
      watchPings(ping, false);
      onEnd();
      return true;
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        stream = controller;
        watchPings(ping, true);
      },
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (ended) return;
          if (next.done) {
            if (end()) controller.close();
            return;
          }
          controller.enqueue(encoder.encode(encodeFrame(next.value)));
        } catch (error) {
          logger.error('[ai-chat] the answer stream failed:', error);
          if (end()) controller.error(error);
        }
      },
      cancel() {
        end();
        void iterator.return?.()?.catch(() => undefined);
      },
    });
    return new Response(wrapBody ? wrapBody(body) : body, { status: 200, headers: { ...SSE_HEADERS, ...cors } });
  }

  /**
   * {@link streamResponse} into a sink: the same events, pings, backpressure
   * (a client that is behind is waited for, not buffered for) and `onEnd`.
   * The Response tells `@hono/node-server` that it has been sent.
   */
  function sinkResponse(sink: EventSink, frames: AsyncIterable<SseFrame>, cors: Record<string, string>, onEnd: () => void): Response {
    const iterator = frames[Symbol.asyncIterator]();
    let ended = false;
    const ping = () => !sink.backedUp && sink.write(PING);
    const end = () => {
      if (ended) return false;
      ended = true;
      watchPings(ping, false);
      stopWatchingClose();
      onEnd();
      return true;
    };
    // The client went away: as a cancelled body.
    const stopWatchingClose = sink.onClose(() => {
      if (end()) void iterator.return?.()?.catch(() => undefined);
    });
    sink.start(200, { ...SSE_HEADERS, ...cors });
    watchPings(ping, true);
    const fail = (error: unknown) => {
      logger.error('[ai-chat] the answer stream failed:', error);
      if (end()) sink.fail(error);
    };
    /** Writes `next`; true when the one after may be read now (not ended, the client keeps up). */
    const write = (next: IteratorResult<SseFrame>): boolean => {
      if (ended) return false;
      if (next.done) {
        if (end()) sink.end();
        return false;
      }
      if (sink.write(encodeFrame(next.value))) return true;
      sink.drained().then(read, fail);
      return false;
    };
    // A source without `pull` (a store of another kind): its `next()`, each result a promise reaction.
    const read = pullLoop(
      canPull<SseFrame>(iterator) ? (later) => iterator.pull(later) : (later) => void iterator.next().then(later, fail),
      write,
      fail,
    );
    read();
    return new Response(null, { headers: { 'x-hono-already-sent': 'true' } });
  }

  /** One answer, not resumable: it lives exactly as long as its response. */
  async function answerOnce(request: Request, input: ChatInput, cors: Record<string, string>): Promise<Response> {
    const run = new AbortController();
    const unlink = follow(request.signal, run);
    let stream: ProviderStream;
    try {
      stream = await startProvider(request, input, run.signal);
    } catch (error) {
      unlink();
      throw error;
    }
    const onEnd = () => {
      unlink();
      run.abort();
    };
    const frames = toFrames(answerChunks(stream, request, input, run.signal), run.signal);
    return streamResponse(request, frames, cors, onEnd, stream.wrapBody?.bind(stream));
  }

  /** Reads the stored answer `key` after `afterId`, following it live while it runs. */
  function readerResponse(
    request: Request,
    key: string,
    afterId: number,
    cors: Record<string, string>,
    wrapBody?: ProviderStream['wrapBody'],
  ): Response {
    const reader = new AbortController();
    const unlink = follow(request.signal, reader);
    const run = live.get(key);
    run?.attach();
    const unlinkFailed = run ? run.onFail(() => reader.abort()) : () => undefined;
    const onEnd = () => {
      unlink();
      unlinkFailed();
      reader.abort();
      run?.detach();
    };
    return streamResponse(request, store.read(key, afterId, reader.signal), cors, onEnd, wrapBody);
  }

  /**
   * Logs a store failure once per outage (a store that is down fails every
   * request); `storeRecovered` re-arms it.
   */
  let storeDown = false;
  function storeFailed(error: unknown, consequence: string): void {
    if (storeDown) return logger.debug(`[ai-chat] the resume store is still failing: ${consequence}`);
    storeDown = true;
    logger.error(`[ai-chat] the resume store failed; ${consequence}:`, error);
  }
  function storeRecovered(): void {
    if (!storeDown) return;
    storeDown = false;
    logger.info('[ai-chat] the resume store answers again; answers are resumable again.');
  }

  /**
   * Runs the provider into the store, independent of any one response. A
   * loop by hand (a frame, then its append, then the next frame), not a
   * `for await` in an async function: per token, the provider's promise
   * reaction and, for a store other than the memory one (whose append is
   * known done by its result, {@link APPENDED}), the append's; not a
   * generator's resume and three awaits. The memory store hands the frame to
   * its live readers inside the append, so that one reaction also writes it
   * to the client.
   */
  function produce(key: string, chunks: AsyncIterable<unknown>, run: LiveRun): void {
    let lastId = 0;
    const stopCancels = store.onCancel?.(key, () => run.cancel()) ?? (() => undefined);
    const stopRemoteReaders = store.onRemoteReader?.(key, () => run.touch()) ?? (() => undefined);
    const last = (type: string, message: string) => ({ id: lastId + 1, event: 'error' as const, data: JSON.stringify(errorBody(type, message)) });
    const frames = toFrames(chunks, run.controller.signal);
    const appendFrame = store instanceof MemoryResumeStore ? store[writerOf](key) : (frame: SseFrame) => store.append(key, frame);
    /** How the answer ended: its last event, if any, then the store's end. */
    const close = async (ending: 'done' | 'too_long' | { error: unknown }): Promise<void> => {
      try {
        if (ending === 'too_long') {
          run.controller.abort();
          await frames.return();
          await store.append(key, last('answer_too_long', 'The answer was stopped: it grew past the size the server keeps for one answer.'));
        } else if (ending !== 'done') {
          await frames.return();
          throw ending.error;
        } else if (run.cancelled) await store.append(key, last('cancelled', 'The answer was stopped at the user’s request.'));
        else if (run.controller.signal.aborted) {
          await store.append(key, last('interrupted', 'The answer was stopped before it was complete: nobody was reading it.'));
        }
      } catch (error) {
        // Its readers read the store: they end now, and the widget shows an interrupted answer.
        storeFailed(error, 'an answer in progress was stopped');
        run.controller.abort();
        run.fail();
      } finally {
        stopCancels();
        stopRemoteReaders();
        run.finish();
        if (live.get(key) === run) live.delete(key);
        if (!run.failed) await store.end(key).catch((error: unknown) => storeFailed(error, 'an answer could not be closed'));
      }
    };
    const failed = (error: unknown) => void close({ error });
    let appending = 0;
    const onAppended = (kept: boolean | void) => {
      if (kept === false) return void close('too_long');
      lastId = appending;
      step();
    };
    /** Stores `next`; true when the next one may be pulled now. */
    const append = (next: IteratorResult<SseFrame>): boolean => {
      if (next.done) {
        void close('done');
        return false;
      }
      const frame = next.value;
      const appended = appendFrame(frame);
      // The memory store kept it: no reaction to wait for.
      if (appended === APPENDED) {
        lastId = frame.id;
        return true;
      }
      appending = frame.id;
      Promise.resolve(appended).then(onAppended, failed);
      return false;
    };
    const step = pullLoop((later) => frames.pull(later), append, failed);
    step();
  }

  /** Who sends `request`, as a hash of `identify`'s answer; empty without `identify`. */
  async function ownerOf(request: Request): Promise<string> {
    if (!config.identify) return '';
    const user = await config.identify(request);
    if (user === undefined || user === null || user === '') {
      throw new HttpError(401, 'unauthenticated', 'Sign in to use the chat.');
    }
    return sha256(`ai-chat-owner\n${user}`);
  }

  /**
   * `DELETE` with the turn's `Idempotency-Key`: stops its provider call now,
   * on whichever instance runs it. 204 also when the answer already ended or
   * is unknown (a Stop races the answer's end); 404 only when `identify` says
   * the answer belongs to someone else.
   */
  async function cancel(request: Request, cors: Record<string, string>): Promise<Response> {
    const key = readIdempotencyKey(request);
    if (key === undefined) throw new HttpError(400, 'missing_idempotency_key', 'Send the `Idempotency-Key` of the answer to stop.');
    const owner = await ownerOf(request);
    const run = live.get(key);
    let record: TurnRecord | undefined;
    try {
      record = parseRecord(await store.fingerprint(key));
    } catch (error) {
      storeFailed(error, 'a cancel reaches this instance only');
      if (run?.owner === owner) run.cancel();
      return new Response(null, { status: 204, headers: cors });
    }
    if (record && record.owner !== owner) throw notYours();
    run?.cancel();
    if (record && !run) {
      try {
        await store.cancel?.(key);
      } catch (error) {
        storeFailed(error, 'a cancel could not reach the instance running the answer');
        throw new HttpError(503, 'cancel_unavailable', 'The answer could not be stopped now; it stops once nobody reads it.');
      }
    }
    return new Response(null, { status: 204, headers: cors });
  }

  async function answerResumable(request: Request, input: ChatInput, key: string, cors: Record<string, string>): Promise<Response> {
    const lastEventId = readLastEventId(request, input);
    const owner = await ownerOf(request);
    const mine: TurnRecord = { owner, fingerprint: await fingerprintOf(input) };
    const resume = (known: TurnRecord | undefined) => {
      if (known && known.owner !== owner) throw notYours();
      if (known?.fingerprint === mine.fingerprint) return readerResponse(request, key, lastEventId ?? 0, cors);
      // A resume of an unknown key and of another conversation's key get the
      // same answer, so `Last-Event-ID` cannot probe which keys exist.
      if (known === undefined || lastEventId !== undefined) {
        throw new HttpError(409, 'resume_unavailable', 'This answer cannot be resumed; send the request again without `Last-Event-ID`.');
      }
      throw new HttpError(422, 'idempotency_key_reused', 'This `Idempotency-Key` was used for a different request.');
    };

    let created: boolean;
    try {
      const known = parseRecord(await store.fingerprint(key));
      if (known !== undefined || (lastEventId ?? 0) > 0) return resume(known);
      created = await store.create(key, recordText(mine));
      storeRecovered();
    } catch (error) {
      if (error instanceof HttpError) throw error;
      // By name too: a store bundled with its own copy of the class.
      if (error instanceof ResumeStoreFullError || (error as Error | undefined)?.name === 'ResumeStoreFullError') {
        throw new HttpError(503, 'server_busy', 'The server is answering as many questions as it can; try again shortly.', {
          'Retry-After': String((error as ResumeStoreFullError).retryAfterSeconds ?? 5),
        });
      }
      // A store that is down must not take the chat with it: answer, without resume.
      storeFailed(error, 'answering without resume');
      return answerOnce(request, input, cors);
    }
    // Two first requests with one key at once: the second follows the first.
    if (!created) return resume(parseRecord(await store.fingerprint(key)));

    const run = new LiveRun(config.resumeGraceMs, owner);
    // Known before the provider accepts, so a second request with this key
    // counts as a reader; this one does too while it waits.
    live.set(key, run);
    run.attach();
    const unlink = follow(request.signal, run.controller);
    let stream: ProviderStream;
    try {
      stream = await startProvider(request, input, run.controller.signal);
    } catch (error) {
      run.finish();
      if (live.get(key) === run) live.delete(key);
      // The provider never answered: a retry with this key must call it again.
      await store.delete(key).catch((failure: unknown) => storeFailed(failure, 'a refused answer stays in the store'));
      throw error;
    } finally {
      // From here on the answer outlives this request (for `resumeGraceMs`).
      unlink();
    }
    produce(key, answerChunks(stream, request, input, run.controller.signal), run);
    const response = readerResponse(request, key, 0, cors, stream.wrapBody?.bind(stream));
    // Its response reads now (and counts as the reader).
    run.detach();
    return response;
  }

  async function handleChat(request: Request): Promise<Response> {
    const cors = corsHeaders(request, config.cors);
    try {
      if (request.method === 'OPTIONS') return preflightResponse(request, config.cors);
      if (request.method !== 'POST' && request.method !== 'DELETE') {
        throw new HttpError(405, 'method_not_allowed', 'Send the conversation with POST, or DELETE to stop an answer.', { Allow: ALLOWED_METHODS });
      }
      checkOrigin(request, config.cors);
      if (request.method === 'DELETE') return await cancel(request, cors);
      const input = await readChatInput(request, config.limits, config.model, config.allowedModels);
      const key = readIdempotencyKey(request, input);
      return key === undefined ? await answerOnce(request, input, cors) : await answerResumable(request, input, key, cors);
    } catch (error) {
      if (error instanceof HttpError && error.status === CLIENT_GONE) logger.debug(`[ai-chat] ${error.message}`);
      if (error instanceof HttpError) {
        return errorResponse(new HttpError(error.status, error.type, scrub(error.message, config.secrets), error.headers), cors);
      }
      if (request.signal.aborted || isAbortError(error)) {
        // The client left; whatever broke on the way is a consequence, not a server fault.
        logger.debug('[ai-chat] the client went away:', error);
        return errorResponse(new HttpError(CLIENT_GONE, 'client_closed_request', 'The client went away.'), cors);
      }
      logger.error('[ai-chat] the handler failed:', error);
      return errorResponse(new HttpError(500, 'server_error', 'The server failed to answer.'), cors);
    }
  }
  sinkWriters.add(handleChat);
  return handleChat;
}
