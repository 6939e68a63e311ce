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
  const data = frame.data.replace(/\r\n|\r|\n/g, '\ndata: ');
  return `id: ${frame.id}\n${frame.event ? `event: ${frame.event}\n` : ''}data: ${data}\n\n`;
}
