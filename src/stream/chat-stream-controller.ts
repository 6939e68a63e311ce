import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatError, ChatRequest, ChatStatus } from '../types.js';
import { extractCompleteAnswer, extractEvent, isSkipped, type ExtractResult } from './formats.js';
import { ChatStreamError, sendChatRequest, type StreamOpened } from './transport.js';
import type { StreamEvent } from './types.js';

/** Receives the answer as it is read. */
export interface AnswerSink {
  onOpen?(opened: StreamOpened): void;
  onText(delta: string): void;
  onReasoning?(delta: string): void;
  /** With `debug`: every event and what was made of it. */
  onDebug?(event: StreamEvent | { json: unknown }, result: ExtractResult): void;
}

/** How one answer ended. */
export type AnswerOutcome = { status: 'done' } | { status: 'aborted' } | { status: 'error'; error: ChatError };

const NO_ANSWER: ChatError = { kind: 'protocol', message: 'The server sent no answer.' };

/**
 * Owns the life of the streaming request: one answer at a time, a fresh
 * `AbortController` for each, stale callbacks dropped by run id, and an abort
 * when the host leaves the document. The host renders from `status`.
 *
 * Modelled on `@lit/task`: the controller decides when work runs and stops;
 * what the work reads lives in plain modules (`transport`, `formats`).
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

  /** True while an answer is being requested or read. */
  get busy(): boolean {
    return this.#abortController !== undefined;
  }

  hostDisconnected(): void {
    // A removed widget must not keep a connection (and a provider bill) running.
    this.abort();
  }

  /**
   * Stops the answer in flight, if any: the fetch is aborted, so the server
   * sees the connection close. The pending `run()` resolves as `aborted`.
   */
  abort(): void {
    const controller = this.#abortController;
    if (!controller) return;
    this.#abortController = undefined;
    controller.abort();
    this.#setStatus('idle');
  }

  /**
   * Requests an answer and feeds it to `sink`. Resolves (never rejects) with
   * how it ended. Callers must not start a run while `busy`.
   */
  async run(request: ChatRequest, sink: AnswerSink): Promise<AnswerOutcome> {
    const runId = ++this.#runId;
    const abortController = new AbortController();
    this.#abortController = abortController;
    const isCurrent = () => runId === this.#runId && !abortController.signal.aborted;
    let finished = false;
    // Set once the answer has content: an end marker alone is no answer.
    let recognised = false;
    let streamError: ChatError | undefined;

    const apply = (result: ExtractResult, source: StreamEvent | { json: unknown }) => {
      if (!isCurrent()) return;
      sink.onDebug?.(source, result);
      if (isSkipped(result)) return;
      if (result.text || result.reasoning || result.error !== undefined) recognised = true;
      if (result.text) {
        if (this.#status !== 'streaming') this.#setStatus('streaming');
        sink.onText(result.text);
      }
      if (result.reasoning) sink.onReasoning?.(result.reasoning);
      if (result.error !== undefined) {
        streamError = { kind: 'stream', message: result.error };
        finished = true;
      }
      if (result.done) finished = true;
    };

    this.#setStatus('connecting');
    let outcome: AnswerOutcome;
    try {
      await sendChatRequest(
        request,
        {
          onOpen: (opened) => {
            if (!isCurrent()) return;
            this.#setStatus('streaming');
            sink.onOpen?.(opened);
          },
          onEvent: (event) => apply(extractEvent(event), event),
          onJson: (json) => apply(extractCompleteAnswer(json), { json }),
          isFinished: () => finished || !isCurrent(),
        },
        abortController.signal,
      );
      if (abortController.signal.aborted) outcome = { status: 'aborted' };
      else if (streamError) outcome = { status: 'error', error: streamError };
      // A stream without a single event we could read is a failure, not an
      // empty answer: say so instead of showing an empty bubble as done.
      else if (!recognised) outcome = { status: 'error', error: NO_ANSWER };
      else outcome = { status: 'done' };
    } catch (error) {
      if (abortController.signal.aborted) outcome = { status: 'aborted' };
      else if (error instanceof ChatStreamError) outcome = { status: 'error', error: error.detail };
      else outcome = { status: 'error', error: { kind: 'protocol', message: String(error) } };
    }

    if (runId === this.#runId) {
      this.#abortController = undefined;
      this.#setStatus(outcome.status === 'error' ? 'error' : 'idle');
    }
    return outcome;
  }

  /** Forgets a past error (a new turn, or a cleared conversation). */
  reset(): void {
    if (!this.busy) this.#setStatus('idle');
  }

  #setStatus(status: ChatStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#host.requestUpdate();
  }
}
