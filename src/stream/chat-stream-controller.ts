import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  chatFailure,
  formatBytes,
  formatSeconds,
  isRetryable,
  StreamFailureError,
  type ChatFailure,
  type ErrorCode,
  type ErrorParams,
} from '../errors.js';
import type { ChatRequest, ChatStatus } from '../types.js';
import { createBodyReader, type BodyInput } from './body-reader.js';
import {
  createAnswerReader,
  isSkipped,
  type AnswerReader,
  type Extraction,
  type ExtractResult,
  type FormatName,
  type ParseEvent,
  type ReaderInput,
} from './formats/index.js';
import { backoffDelay, clampServerRetry, newIdempotencyKey, parseRetryAfter } from './retry-policy.js';
import { openResponse } from './transport.js';

/** Policy for one answer; the element maps its attributes onto this. */
export interface StreamPolicy {
  /** Automatic retries after the first attempt. */
  maxRetries: number;
  /** Backoff base, ms. */
  retryDelay: number;
  /** Ms without a byte before the connection counts as dead; 0 = never. */
  idleTimeout: number;
  /**
   * Ms an attempt may wait for its first text or reasoning; 0 = never.
   * Keep-alive pings and comments do not count, so a server that only pings
   * cannot keep the widget typing forever.
   */
  firstTokenTimeout: number;
  /** Ms one answer may take in all; 0 = no limit. */
  timeout: number;
  /** The most bytes one answer may have, across all its responses (resumes included). */
  maxResponseBytes: number;
  /** `auto`, or the wire format to read first. */
  format: FormatName;
  /** The integrator's own event reader, tried before the built-in ones. */
  parseEvent?: ParseEvent | undefined;
  /** Cross-origin too, the turn's `Idempotency-Key` and `Last-Event-ID` go as headers (not in the body). */
  turnHeaders?: boolean | undefined;
}

export const DEFAULT_POLICY: StreamPolicy = {
  maxRetries: 3,
  retryDelay: 1000,
  idleTimeout: 30_000,
  // Reasoning models that stream nothing while they think can take well over
  // a minute before their first token; two minutes lets them, and still ends
  // a stream of pings in bounded time.
  firstTokenTimeout: 120_000,
  timeout: 0,
  maxResponseBytes: 16 * 1024 * 1024,
  format: 'auto',
};

/** The response that opened the stream, once its format is known (or its body ended). */
export interface AnswerOpened {
  status: number;
  contentType: string;
  /** The format detected or pinned; undefined when nothing in the body decided it. */
  format: string | undefined;
}

/** A retry about to happen, for the reader and for `ai-chat-retry`. */
export interface RetryNotice {
  /** 1 for the first retry. */
  attempt: number;
  maxRetries: number;
  /** How long the widget waits before it, ms. */
  delay: number;
  /** What failed, in the one failure vocabulary (`errors.ts`). */
  error: ChatFailure;
  /** Resuming a stream that had already shown text (`Last-Event-ID`). */
  resuming: boolean;
}

/** Receives the answer as it is read. */
export interface AnswerSink {
  /** Once per response, when its format is known (or its body ended without deciding it). */
  onOpen?(opened: AnswerOpened): void;
  onText(delta: string): void;
  onReasoning?(delta: string): void;
  /** A retry is scheduled (status is `retrying` until it starts). */
  onRetry?(notice: RetryNotice): void;
  /** Everything read, in order, before `onText` and `onReasoning` hear its text: for the answer's parts. */
  onRead?(result: Extraction): void;
  /** The turn started: its Idempotency-Key, which also names it to a cancel (`DELETE`). */
  onTurn?(idempotencyKey: string): void;
  /** An event with an id was read: resuming from it (`Last-Event-ID`) continues after what was shown. */
  onEventId?(id: string): void;
  /** The browser is offline; the widget waits for `online` without spending attempts. */
  onOffline?(): void;
  /** With `debug`: every event (or line, text piece, JSON body), the format so far, and what was made of it. */
  onDebug?(input: DebugInput, format: string | undefined, result: ExtractResult): void;
  /** With `debug`: something an integrator should know (a buffered response, a dropped duplicate). */
  onWarning?(message: string): void;
}

/** What the widget read, for `debug` logs. */
export type DebugInput = ReaderInput;

/** A turn that was streaming when its page went away, to be read on from where it was. */
export interface TurnResume {
  idempotencyKey: string;
  /** The id of the last event shown; empty when none had one (then nothing can be resumed). */
  lastEventId: string;
}

/** How one answer ended. `interrupted`: text had arrived and could not be resumed. */
export type AnswerOutcome =
  | { status: 'done' }
  | { status: 'aborted' }
  | { status: 'error'; error: ChatFailure; interrupted?: boolean };

/** Time as the controller sees it; injectable so policy tests need not wait. */
export interface StreamClock {
  /** Wall-clock ms (an HTTP-date `Retry-After` is read against it). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Whether the browser is online, and a wait for it to come back. */
export interface Connectivity {
  isOffline(): boolean;
  /** Resolves when the browser is back online, or when `signal` aborts. */
  whenOnline(signal: AbortSignal): Promise<void>;
}

/** What the controller takes from its surroundings; real ones by default. */
export interface StreamDependencies {
  clock?: StreamClock;
  /** A number in [0, 1), for backoff jitter. */
  random?: () => number;
  connectivity?: Connectivity;
}

const REAL_CLOCK: StreamClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const BROWSER_CONNECTIVITY: Connectivity = {
  isOffline: () => typeof navigator !== 'undefined' && navigator.onLine === false,
  whenOnline: (signal) =>
    new Promise((resolve) => {
      const done = () => {
        removeEventListener('online', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      addEventListener('online', done);
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** How one attempt ended. */
type AttemptResult =
  | { kind: 'complete' }
  | { kind: 'aborted' }
  | { kind: 'failed'; failure: ChatFailure; retryAfter?: string | undefined };

/** What one answer (all its attempts) has seen so far. */
interface TurnState {
  idempotencyKey: string;
  /** Text or reasoning reached the reader. */
  hasContent: boolean;
  /** Ids of events (with an `id:` of their own) already rendered, so a resumed stream never repeats one. */
  renderedIds: Set<string>;
  /** The id of the last event rendered; sent back as `Last-Event-ID`. */
  lastRenderedId: string;
  /** Body bytes of every response of the answer: `maxResponseBytes` bounds their sum. */
  bytes: number;
  serverRetryMs?: number;
  /** Reads every response of the turn, so detection and cumulative text survive a resume. */
  reader?: AnswerReader;
}

/** Bytes read between checks of the time budget. */
const SLICE_BYTES = 16 * 1024;
/** The longest stretch of reading before the page gets a turn (a long task starts at 50 ms). */
const SLICE_MS = 8;

/** Lets input, rendering and timers run before reading on. */
const yieldToPage = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/**
 * Owns the life of the streaming request: one answer at a time, a fresh
 * `AbortController` for each, stale callbacks dropped by run id, retries by
 * policy (never by library default), and an abort when the host leaves the
 * document. The host renders from `status`.
 *
 * The stream is one loop, here: the transport opens a response and hands its
 * body piece by piece; the body reader turns each piece into inputs; the
 * answer reader turns each input into text. Nothing below asks this loop a
 * question, and only this loop decides when reading ends.
 *
 * Modelled on `@lit/task`: the controller decides when work runs and stops;
 * what the work reads and how long it waits live in plain modules
 * (`transport`, `body-reader`, `formats`, `retry-policy`).
 */
export class ChatStreamController implements ReactiveController {
  #host: ReactiveControllerHost;
  #status: ChatStatus = 'idle';
  #abortController?: AbortController;
  #runId = 0;
  #clock: StreamClock;
  #random: () => number;
  #connectivity: Connectivity;

  constructor(host: ReactiveControllerHost, dependencies: StreamDependencies = {}) {
    this.#host = host;
    this.#clock = dependencies.clock ?? REAL_CLOCK;
    this.#random = dependencies.random ?? Math.random;
    this.#connectivity = dependencies.connectivity ?? BROWSER_CONNECTIVITY;
    host.addController(this);
  }

  /** What the stream is doing; the host re-renders on every change. */
  get status(): ChatStatus {
    return this.#status;
  }

  /** True while an answer is being requested, read or waited for. */
  get busy(): boolean {
    return this.#abortController !== undefined;
  }

  hostDisconnected(): void {
    // A removed widget must not keep a connection (and a provider bill) running.
    this.abort();
  }

  /**
   * Stops the answer in flight, if any: the fetch is aborted, so the server
   * sees the connection close, and a pending backoff wait is cancelled, so no
   * further request is sent for that turn. The pending `run()` resolves as
   * `aborted`.
   */
  abort(): void {
    const controller = this.#abortController;
    if (!controller) return;
    this.#abortController = undefined;
    controller.abort();
    this.#setStatus('idle');
  }

  /** Forgets a past error (a new turn, or a cleared conversation). */
  reset(): void {
    if (!this.busy) this.#setStatus('idle');
  }

  /**
   * Requests an answer and feeds it to `sink`, retrying by `policy`. Resolves
   * (never rejects) with how it ended. Callers must not start a run while `busy`.
   */
  async run(
    request: ChatRequest,
    sink: AnswerSink,
    policy: StreamPolicy = DEFAULT_POLICY,
    resume?: TurnResume,
  ): Promise<AnswerOutcome> {
    const runId = ++this.#runId;
    const turn = new AbortController();
    this.#abortController = turn;
    const state: TurnState = {
      idempotencyKey: resume?.idempotencyKey ?? newIdempotencyKey(),
      // A resumed turn has shown text already: its first request asks for the rest.
      hasContent: resume !== undefined,
      renderedIds: new Set(),
      lastRenderedId: resume?.lastEventId ?? '',
      bytes: 0,
    };
    sink.onTurn?.(state.idempotencyKey);
    let timedOut = false;
    const deadline = this.#after(policy.timeout, () => ((timedOut = true), turn.abort()));

    let outcome: AnswerOutcome;
    try {
      outcome = await this.#attempts(request, sink, policy, state, turn.signal);
    } finally {
      this.#clock.clearTimeout(deadline);
    }
    if (timedOut) outcome = { status: 'error', error: chatFailure('timeout', { limit: formatSeconds(policy.timeout) }) };
    if (runId === this.#runId) {
      this.#abortController = undefined;
      this.#setStatus(outcome.status === 'error' ? 'error' : 'idle');
    }
    return outcome;
  }

  /** A timer on the injected clock; none when `ms` is 0 (the policy's "never"). */
  #after(ms: number, callback: () => void): unknown {
    return ms > 0 ? this.#clock.setTimeout(callback, ms) : undefined;
  }

  /** Resolves after `ms`, or at once when `signal` aborts. */
  #pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#clock.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.#clock.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async #attempts(
    request: ChatRequest,
    sink: AnswerSink,
    policy: StreamPolicy,
    state: TurnState,
    signal: AbortSignal,
  ): Promise<AnswerOutcome> {
    for (let retries = 0; ; ) {
      this.#setStatus('connecting');
      const result = await this.#attempt(request, sink, policy, state, signal);
      if (signal.aborted || result.kind === 'aborted') return { status: 'aborted' };
      if (result.kind === 'complete') return { status: 'done' };

      const { failure } = result;
      // Once text is on screen, a retry may only continue it, never restart
      // it: that needs ids to resume from. Without them the partial answer
      // stays, marked interrupted, and the reader decides (Retry replaces it).
      const resuming = state.hasContent;
      const canResume = !resuming || state.lastRenderedId !== '';
      if (!isRetryable(failure)) return { status: 'error', error: failure };
      if (!canResume || retries >= policy.maxRetries) return { status: 'error', error: failure, interrupted: resuming };
      if (this.#connectivity.isOffline()) {
        this.#setStatus('retrying');
        sink.onOffline?.();
        await this.#connectivity.whenOnline(signal);
        if (signal.aborted) return { status: 'aborted' };
        continue; // Waiting offline spends no attempt.
      }
      const delay = backoffDelay({
        attempt: retries,
        baseMs: policy.retryDelay,
        serverRetryMs: state.serverRetryMs,
        retryAfterMs: parseRetryAfter(result.retryAfter, this.#clock.now()),
        random: this.#random,
      });
      retries += 1;
      this.#setStatus('retrying');
      sink.onRetry?.({ attempt: retries, maxRetries: policy.maxRetries, delay, error: failure, resuming });
      await this.#pause(delay, signal);
      if (signal.aborted) return { status: 'aborted' };
    }
  }

  /** One request, read to its end in one loop: resolves with how it ended; never rejects. */
  async #attempt(
    request: ChatRequest,
    sink: AnswerSink,
    policy: StreamPolicy,
    state: TurnState,
    turnSignal: AbortSignal,
  ): Promise<AttemptResult> {
    const clock = this.#clock;
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort();
    turnSignal.addEventListener('abort', stopAttempt, { once: true });
    /** Why this loop stopped the attempt itself, if it did. */
    let stoppedFor: ErrorCode | undefined;
    const stop = (code: ErrorCode) => () => ((stoppedFor = code), attempt.abort());
    let idleTimer: unknown;
    // Armed only while the loop waits on the network: bytes that arrived and
    // are still being read are the client's time, not the server's silence.
    const disarmIdle = () => clock.clearTimeout(idleTimer);
    const armIdle = () => {
      disarmIdle();
      idleTimer = this.#after(policy.idleTimeout, stop('idle'));
    };
    const firstTokenTimer = state.hasContent ? undefined : this.#after(policy.firstTokenTimeout, stop('first-token'));

    let sawEndMarker = false;
    let streamError: ChatFailure | undefined;
    let reads = 0;
    let opened: Omit<AnswerOpened, 'format'> | undefined;
    const finished = () => sawEndMarker || streamError !== undefined || attempt.signal.aborted;

    /** `ai-chat-open` waits for the format, so integrators learn what was detected. */
    const announceOpen = (force: boolean) => {
      if (!opened || !state.reader || (!force && state.reader.format === undefined)) return;
      sink.onOpen?.({ ...opened, format: state.reader.format });
      opened = undefined;
    };

    const headers: Record<string, string> = { ...request.headers, 'idempotency-key': state.idempotencyKey };
    const resuming = state.hasContent && state.lastRenderedId !== '';
    if (resuming) headers['last-event-id'] = state.lastRenderedId;

    /** One input of the body: de-duplicated on resume, read, and handed to the sink. */
    const take = (input: BodyInput) => {
      if ('retry' in input) return void (state.serverRetryMs = clampServerRetry(input.retry));
      // Past the end marker (or an error) in the same piece: the answer is over.
      if (finished()) return;
      if ('event' in input) {
        const { id } = input.event;
        // A resumed stream may replay events already shown: drop those. Only
        // an event with an `id:` of its own can be a replay; the spec hands
        // the last id to every later event, which says nothing about them.
        if (resuming && input.carriesId && state.renderedIds.has(id)) {
          return sink.onWarning?.(`dropped event ${id}: already rendered before the reconnect`);
        }
        if (input.carriesId) state.renderedIds.add(id);
        if (id && id !== state.lastRenderedId) {
          state.lastRenderedId = id;
          sink.onEventId?.(id);
        }
      }
      const result = state.reader!.read(input);
      announceOpen('end' in input);
      sink.onDebug?.(input, state.reader!.format, result);
      if (isSkipped(result)) return;
      sink.onRead?.(result);
      if ((result.text || result.reasoning || result.parts) && !state.hasContent) {
        state.hasContent = true;
        clock.clearTimeout(firstTokenTimer);
      }
      if (result.text) {
        this.#setStatus('streaming');
        sink.onText(result.text);
      }
      if (result.reasoning) sink.onReasoning?.(result.reasoning);
      // An error ends the answer as its end marker does.
      if (result.error !== undefined) streamError = chatFailure('stream', { said: result.error });
      if (result.done) sawEndMarker = true;
    };

    armIdle();
    try {
      const response = await openResponse({ ...request, headers }, attempt.signal, { turnHeadersCrossOrigin: policy.turnHeaders });
      // The headers are bytes too: the wait for the body starts afresh.
      armIdle();
      state.reader ??= createAnswerReader({
        format: policy.format,
        contentType: response.contentType,
        headers: response.headers,
        parseEvent: policy.parseEvent,
      });
      this.#setStatus('streaming');
      opened = { status: response.status, contentType: response.contentType };
      announceOpen(false);
      const body = createBodyReader(response.kind, response.status);

      for await (const piece of response.pieces) {
        disarmIdle();
        reads += 1;
        state.bytes += piece.byteLength;
        if (state.bytes > policy.maxResponseBytes) {
          return this.#failed('too-large', { limit: formatBytes(policy.maxResponseBytes) });
        }
        // A buffering proxy can deliver a whole answer in one piece of
        // megabytes: read it in slices, and give the page a turn whenever a
        // slice has taken its share of the frame.
        let sliceStart = clock.now();
        for (let offset = 0; offset < piece.byteLength && !finished(); offset += SLICE_BYTES) {
          body.read(piece.subarray(offset, offset + SLICE_BYTES)).forEach(take);
          if (clock.now() - sliceStart > SLICE_MS) {
            await yieldToPage();
            sliceStart = clock.now();
          }
        }
        // Leaving the loop cancels the body: a server that keeps the
        // connection open after its end marker must not keep us waiting.
        if (finished()) break;
        armIdle();
      }
      if (!finished()) body.end().forEach(take);
      const buffered = body.bufferedNotice(reads);
      if (buffered) sink.onWarning?.(buffered);
    } catch (error) {
      if (!attempt.signal.aborted) {
        if (error instanceof StreamFailureError) return { kind: 'failed', failure: error.failure, retryAfter: error.retryAfter };
        // Not ours: a bug in a sink. Report it rather than retry a paid request over it.
        return { kind: 'failed', failure: chatFailure('stream', { said: String(error) }) };
      }
    } finally {
      disarmIdle();
      clock.clearTimeout(firstTokenTimer);
      turnSignal.removeEventListener('abort', stopAttempt);
      // Whatever ended the attempt, its request ends with it (a response
      // whose body was never read would otherwise stay open).
      attempt.abort();
    }

    if (stoppedFor === 'idle') return this.#failed('idle', { limit: formatSeconds(policy.idleTimeout) });
    if (stoppedFor === 'first-token') return this.#failed('first-token', { limit: formatSeconds(policy.firstTokenTimeout) });
    if (turnSignal.aborted) return { kind: 'aborted' };
    if (streamError) return { kind: 'failed', failure: streamError };
    // A stream without a single event we could read is a failure, not an
    // empty answer: say so instead of showing an empty bubble as done. (An
    // event with an error has returned above, so only text or reasoning counts.)
    if (!state.hasContent) return this.#failed('no-answer');
    // A resumed stream that ends cleanly completes the answer.
    if (!sawEndMarker && state.reader?.expectsTerminal) return this.#failed('incomplete');
    return { kind: 'complete' };
  }

  #failed(code: ErrorCode, params?: ErrorParams): AttemptResult {
    return { kind: 'failed', failure: chatFailure(code, params) };
  }

  #setStatus(status: ChatStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#host.requestUpdate();
  }
}
