import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { chatError, formatSeconds } from '../errors.js';
import type { ChatError, ChatRequest, ChatStatus } from '../types.js';
import {
  createAnswerReader,
  isSkipped,
  type AnswerReader,
  type ExtractResult,
  type FormatName,
  type ParseEvent,
} from './formats/index.js';
import {
  backoffDelay,
  clampServerRetry,
  isRetryable,
  newIdempotencyKey,
  type AttemptFailure,
  type FailureReason,
} from './retry-policy.js';
import { ChatStreamError, DEFAULT_LIMITS, sendChatRequest } from './transport.js';
import type { StreamEvent } from './types.js';

/** Policy for one answer; the element maps its attributes onto this. */
export interface StreamPolicy {
  /** Automatic retries after the first attempt. */
  maxRetries: number;
  /** Backoff base, ms. */
  retryDelay: number;
  /** Ms without a byte before the connection counts as dead; 0 = never. */
  idleTimeout: number;
  /** Ms one answer may take in all; 0 = no limit. */
  timeout: number;
  /** The most bytes one response may have. */
  maxResponseBytes: number;
  /** `auto`, or the wire format to read first. */
  format: FormatName;
  /** The integrator's own event reader, tried before the built-in ones. */
  parseEvent?: ParseEvent | undefined;
}

export const DEFAULT_POLICY: StreamPolicy = {
  maxRetries: 3,
  retryDelay: 1000,
  idleTimeout: 30_000,
  timeout: 0,
  maxResponseBytes: DEFAULT_LIMITS.maxResponseBytes,
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
  reason: FailureReason;
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
  /** The browser is offline; the widget waits for `online` without spending attempts. */
  onOffline?(): void;
  /** With `debug`: every event (or line, text piece, JSON body), the format so far, and what was made of it. */
  onDebug?(input: DebugInput, format: string | undefined, result: ExtractResult): void;
  /** With `debug`: something an integrator should know (a buffered response, a dropped duplicate). */
  onWarning?(message: string): void;
}

/** What the widget read, for `debug` logs. */
export type DebugInput =
  | { event: StreamEvent }
  | { line: string }
  | { text: string }
  | { json: unknown }
  | { end: true };

/** How one answer ended. `interrupted`: text had arrived and could not be resumed. */
export type AnswerOutcome =
  | { status: 'done' }
  | { status: 'aborted' }
  | { status: 'error'; error: ChatError; interrupted?: boolean };


/** How one attempt ended. */
type AttemptResult =
  | { kind: 'complete' }
  | { kind: 'aborted' }
  | { kind: 'failed'; failure: AttemptFailure; error: ChatError; retryAfterMs?: number | undefined };

/** What one answer (all its attempts) has seen so far. */
interface TurnState {
  idempotencyKey: string;
  /** Text or reasoning reached the reader. */
  hasContent: boolean;
  /** Ids of events already rendered, so a resumed stream never repeats one. */
  renderedIds: Set<string>;
  /** The id of the last event rendered; sent back as `Last-Event-ID`. */
  lastRenderedId: string;
  serverRetryMs?: number;
  timedOut: boolean;
  /** Reads every response of the turn, so detection and cumulative text survive a resume. */
  reader?: AnswerReader;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when the browser is back online, or when `signal` aborts. */
function onceOnline(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      removeEventListener('online', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    addEventListener('online', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * Owns the life of the streaming request: one answer at a time, a fresh
 * `AbortController` for each, stale callbacks dropped by run id, retries by
 * policy (never by library default), and an abort when the host leaves the
 * document. The host renders from `status`.
 *
 * Modelled on `@lit/task`: the controller decides when work runs and stops;
 * what the work reads and how long it waits live in plain modules
 * (`transport`, `formats`, `retry-policy`).
 */
export class ChatStreamController implements ReactiveController {
  #host: ReactiveControllerHost;
  #status: ChatStatus = 'idle';
  #abortController?: AbortController;
  #runId = 0;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
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
  async run(request: ChatRequest, sink: AnswerSink, policy: StreamPolicy = DEFAULT_POLICY): Promise<AnswerOutcome> {
    const runId = ++this.#runId;
    const turn = new AbortController();
    this.#abortController = turn;
    const state: TurnState = {
      idempotencyKey: newIdempotencyKey(),
      hasContent: false,
      renderedIds: new Set(),
      lastRenderedId: '',
      timedOut: false,
    };
    const deadline = policy.timeout > 0 ? setTimeout(() => ((state.timedOut = true), turn.abort()), policy.timeout) : 0;

    let outcome: AnswerOutcome;
    try {
      outcome = await this.#attempts(request, sink, policy, state, turn.signal);
    } finally {
      clearTimeout(deadline);
    }
    if (state.timedOut) {
      outcome = { status: 'error', error: chatError('timeout', { limit: formatSeconds(policy.timeout) }) };
    }
    if (runId === this.#runId) {
      this.#abortController = undefined;
      this.#setStatus(outcome.status === 'error' ? 'error' : 'idle');
    }
    return outcome;
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

      const { failure, error } = result;
      // Once text is on screen, a retry may only continue it, never restart
      // it: that needs ids to resume from. Without them the partial answer
      // stays, marked interrupted, and the reader decides (Retry replaces it).
      const resuming = state.hasContent;
      const canResume = !resuming || state.lastRenderedId !== '';
      if (!isRetryable(failure)) return { status: 'error', error };
      if (!canResume || retries >= policy.maxRetries) return { status: 'error', error, interrupted: resuming };
      if (isOffline()) {
        this.#setStatus('retrying');
        sink.onOffline?.();
        await onceOnline(signal);
        if (signal.aborted) return { status: 'aborted' };
        continue; // Waiting offline spends no attempt.
      }
      const delay = backoffDelay({
        attempt: retries,
        baseMs: policy.retryDelay,
        serverRetryMs: state.serverRetryMs,
        retryAfterMs: result.retryAfterMs,
      });
      retries += 1;
      this.#setStatus('retrying');
      sink.onRetry?.({ attempt: retries, maxRetries: policy.maxRetries, delay, reason: failure.reason, resuming });
      await pause(delay, signal);
      if (signal.aborted) return { status: 'aborted' };
    }
  }

  /** One request: resolves with how it ended; never rejects. */
  async #attempt(
    request: ChatRequest,
    sink: AnswerSink,
    policy: StreamPolicy,
    state: TurnState,
    turnSignal: AbortSignal,
  ): Promise<AttemptResult> {
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort();
    turnSignal.addEventListener('abort', stopAttempt, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idle = false;
    const armIdleTimer = () => {
      if (policy.idleTimeout <= 0) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => ((idle = true), attempt.abort()), policy.idleTimeout);
    };

    let sawEndMarker = false;
    let streamError: ChatError | undefined;
    let eventsThisAttempt = 0;
    let opened: Omit<AnswerOpened, 'format'> | undefined;
    const live = () => !attempt.signal.aborted;

    /** `ai-chat-open` waits for the format, so integrators learn what was detected. */
    const announceOpen = (force: boolean) => {
      if (!opened || !state.reader || (!force && state.reader.format === undefined)) return;
      sink.onOpen?.({ ...opened, format: state.reader.format });
      opened = undefined;
    };

    const apply = (result: ExtractResult, input: DebugInput) => {
      if (!live()) return;
      announceOpen(false);
      sink.onDebug?.(input, state.reader?.format, result);
      if (isSkipped(result)) return;
      if (result.text || result.reasoning) state.hasContent = true;
      if (result.text) {
        if (this.#status !== 'streaming') this.#setStatus('streaming');
        sink.onText(result.text);
      }
      if (result.reasoning) sink.onReasoning?.(result.reasoning);
      if (result.error !== undefined) streamError = chatError('stream', { said: result.error });
      if (result.done) sawEndMarker = true;
    };

    const headers: Record<string, string> = { ...request.headers, 'idempotency-key': state.idempotencyKey };
    const resuming = state.hasContent && state.lastRenderedId !== '';
    if (resuming) headers['last-event-id'] = state.lastRenderedId;

    armIdleTimer();
    try {
      await sendChatRequest(
        { ...request, headers },
        {
          onOpen: (response) => {
            if (!live()) return;
            armIdleTimer();
            state.reader ??= createAnswerReader({
              format: policy.format,
              contentType: response.contentType,
              headers: response.headers,
              parseEvent: policy.parseEvent,
            });
            this.#setStatus('streaming');
            opened = { status: response.status, contentType: response.contentType };
            announceOpen(false);
          },
          onEvent: (event) => {
            if (!live()) return;
            eventsThisAttempt += 1;
            // A resumed stream may replay events we already showed: drop them.
            // (Only then: within one connection an id persists across events.)
            if (resuming && event.id && state.renderedIds.has(event.id)) {
              sink.onWarning?.(`dropped event ${event.id}: already rendered before the reconnect`);
              return;
            }
            apply(state.reader!.event(event), { event });
            if (event.id) {
              state.renderedIds.add(event.id);
              state.lastRenderedId = event.id;
            }
          },
          onLine: (line) => {
            eventsThisAttempt += 1;
            apply(state.reader!.line(line), { line });
          },
          onPlain: (text) => apply(state.reader!.plain(text), { text }),
          onJson: (json) => apply(state.reader!.complete(json), { json }),
          onEnd: () => {
            apply(state.reader!.end(), { end: true });
            announceOpen(true);
          },
          // An error ends the answer as its end marker does.
          isFinished: () => sawEndMarker || streamError !== undefined || !live(),
          onBytes: armIdleTimer,
          onRetryField: (ms) => (state.serverRetryMs = clampServerRetry(ms)),
          onBodyRead: ({ reads }) => {
            if (reads === 1 && eventsThisAttempt > 2) {
              sink.onWarning?.(
                `the response arrived in one piece (${eventsThisAttempt} events at once): a proxy or compression is buffering the stream`,
              );
            }
          },
        },
        attempt.signal,
        { maxResponseBytes: policy.maxResponseBytes, maxEventLength: DEFAULT_LIMITS.maxEventLength },
      );
    } catch (error) {
      if (error instanceof ChatStreamError) {
        return {
          kind: 'failed',
          failure: { reason: error.reason, ...(error.detail.status ? { status: error.detail.status } : {}) },
          error: error.detail,
          retryAfterMs: error.retryAfterMs,
        };
      }
      // Not ours: a bug in a sink. Report it rather than retry a paid request over it.
      return { kind: 'failed', failure: { reason: 'stream' }, error: chatError('stream', { said: String(error) }) };
    } finally {
      clearTimeout(idleTimer);
      turnSignal.removeEventListener('abort', stopAttempt);
    }

    if (idle) {
      return {
        kind: 'failed',
        failure: { reason: 'idle-timeout' },
        error: chatError('idle', { limit: formatSeconds(policy.idleTimeout) }),
      };
    }
    if (turnSignal.aborted) return { kind: 'aborted' };
    if (streamError) return { kind: 'failed', failure: { reason: 'stream' }, error: streamError };
    // A stream without a single event we could read is a failure, not an
    // empty answer: say so instead of showing an empty bubble as done. (An
    // event with an error has returned above, so only text or reasoning counts.)
    if (!state.hasContent) return { kind: 'failed', failure: { reason: 'protocol' }, error: chatError('no-answer') };
    // A resumed stream that ends cleanly completes the answer.
    if (!sawEndMarker && state.reader?.expectsTerminal) {
      return { kind: 'failed', failure: { reason: 'incomplete' }, error: chatError('incomplete') };
    }
    return { kind: 'complete' };
  }

  #setStatus(status: ChatStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#host.requestUpdate();
  }
}
