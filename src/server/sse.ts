/** One event of an answer as it goes on the wire and into the resume store. */
export interface SseFrame {
  /** Ascending from 1 within one answer; sent as `id:` so a client can resume after it. */
  id: number;
  /** One line: a provider chunk as JSON, `[DONE]`, or an error body. */
  data: string;
  /** Set only for `error`. */
  event?: 'error';
}

/**
 * `no-transform` keeps compression middleware and CDNs from buffering the
 * stream; `X-Accel-Buffering: no` does the same for nginx.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

export const DONE = '[DONE]';
export const PING = ': ping\n\n';

export function encodeFrame(frame: SseFrame): string {
  // JSON.stringify never emits a raw line break, so `data` is always one line;
  // the replace guards frames written by a custom store.
  const data = frame.data.includes('\n') || frame.data.includes('\r') ? frame.data.replace(/\r\n|\r|\n/g, '\ndata: ') : frame.data;
  return `id: ${frame.id}\n${frame.event ? `event: ${frame.event}\n` : ''}data: ${data}\n\n`;
}

/**
 * Where a runtime adapter lets the handler write an event stream itself
 * (`toNodeListener`: the `ServerResponse`), instead of through a
 * `ReadableStream` that the adapter then reads and copies chunk by chunk:
 * per token, that is one stream read, one promise and one byte array less
 * for every answer in flight.
 */
export interface EventSink {
  /** Sends the status and headers at once. */
  start(status: number, headers: Record<string, string>): void;
  /** Writes text; false when the client is behind: wait for {@link drained}. */
  write(text: string): boolean;
  /** True while written text waits for the client. */
  readonly backedUp: boolean;
  /** Resolves when the client has caught up, or the connection closed. */
  drained(): Promise<void>;
  /** Ends the response. */
  end(): void;
  /** Fails the response the way a dropped connection does. */
  fail(error: unknown): void;
  /** Calls `listener` once when the connection closes, ended or not; returns the unsubscribe. */
  onClose(listener: () => void): () => void;
}

/** The handlers that may write into an {@link EventSink}: those createChatHandler made, not a wrapper that may change the response. */
export const sinkWriters = new WeakSet<object>();

/** The sink of a request, set by the adapter before it calls the handler. */
export const eventSinks = new WeakMap<object, () => EventSink>();
