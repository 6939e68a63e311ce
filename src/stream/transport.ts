import { fetchEventSource } from '@microsoft/fetch-event-source';
import { chatError, formatMiB } from '../errors.js';
import type { ChatError, ChatRequest } from '../types.js';
import { parseRetryAfter, type FailureReason } from './retry-policy.js';
import { bodyKind, createLineSplitter, mediaType, type BodyKind } from './formats/index.js';
import { errorText, FALLBACK_ERROR, parseJson } from './formats/json.js';
import { createSseParser, SseLineTooLongError } from './sse-parser.js';
import type { StreamEvent } from './types.js';

/** A failure of one attempt, carrying what the reader should be told and whether it may be retried. */
export class ChatStreamError extends Error {
  readonly detail: ChatError;
  readonly reason: FailureReason;
  /** The response's `Retry-After`, in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(detail: ChatError, reason: FailureReason, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super(detail.message, options);
    this.name = 'ChatStreamError';
    this.detail = detail;
    this.reason = reason;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Facts about the response that opened the stream. */
export interface StreamOpened {
  status: number;
  /** The media type, lower-cased, without parameters. */
  contentType: string;
  headers: Headers;
}

/** Where the transport hands what it reads. */
export interface StreamSink {
  onOpen(opened: StreamOpened): void;
  /** One dispatched event of a `text/event-stream` body. */
  onEvent(event: StreamEvent): void;
  /** One line of an NDJSON body. */
  onLine(line: string): void;
  /** A decoded piece of a `text/plain` body. */
  onPlain(text: string): void;
  /** A complete `application/json` body. */
  onJson(value: unknown): void;
  /** The body ended cleanly (not cut, not stopped early): flush what is buffered. */
  onEnd(): void;
  /** Checked after every chunk: true when the answer is complete and reading may stop. */
  isFinished(): boolean;
  /** Every chunk of the body as it arrives, comments and pings included (idle timers listen here). */
  onBytes?(byteLength: number): void;
  /** A valid `retry:` field from the server, in ms (not yet clamped). */
  onRetryField?(ms: number): void;
  /** The body was read to its end (or to the answer's end marker); `reads` is how many chunks it came in. */
  onBodyRead?(stats: { reads: number; bytes: number }): void;
}

export interface TransportLimits {
  /** The most bytes one response may have; more ends the answer with an error. */
  maxResponseBytes: number;
  /** The longest line or event, in characters. */
  maxEventLength: number;
}

export const DEFAULT_LIMITS: TransportLimits = { maxResponseBytes: 16 * 1024 * 1024, maxEventLength: 1024 * 1024 };

/** The most of an error body read to find the server's message. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Lower-cased names, so ours and an integrator's never both go out. */
function requestHeaders(request: ChatRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = String(value);
  headers['content-type'] = 'application/json';
  headers['accept'] = 'text/event-stream';
  return headers;
}

/**
 * The server's own words from an error body: any error shape the stream
 * readers know (`{"error":{"message"}}`, `{"error":"..."}`, `{"message"}`,
 * `{"detail"}`, …), or the body's text; nothing for an HTML error page.
 */
function serverMessage(body: string): string {
  const text = body.trim();
  if (!text) return '';
  const value = parseJson(text);
  if (value !== undefined) {
    const said = errorText(value);
    return said === FALLBACK_ERROR ? '' : said;
  }
  // An HTML error page says nothing useful in a chat bubble.
  if (/^<(!doctype|html)/i.test(text)) return '';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function readLimitedText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

async function httpError(response: Response): Promise<ChatStreamError> {
  const said = serverMessage(await readLimitedText(response, ERROR_BODY_LIMIT).catch(() => ''));
  return new ChatStreamError(
    chatError('http', { status: response.status, statusText: response.statusText, said }),
    'http',
    { retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) },
  );
}

function lostConnection(cause: unknown, started: boolean): ChatStreamError {
  return new ChatStreamError(chatError(started ? 'connection-lost' : 'unreachable'), 'network', { cause });
}

function tooLarge(code: 'too-large' | 'event-too-large', limit: number): ChatStreamError {
  return new ChatStreamError(chatError(code, { limit: formatMiB(limit) }), 'protocol');
}

/** Turns body bytes into what the sink reads, by kind of body. */
interface BodyFeeder {
  feed(bytes: Uint8Array): void;
  end(): void;
}

function feederFor(kind: BodyKind, sink: StreamSink, limits: TransportLimits, status: number): BodyFeeder {
  switch (kind) {
    case 'sse':
      return createSseParser({
        onEvent: (event) => sink.onEvent(event),
        onRetry: (ms) => sink.onRetryField?.(ms),
        maxLineLength: limits.maxEventLength,
      });
    case 'ndjson':
      return createLineSplitter((line) => {
        if (line.length > limits.maxEventLength) throw tooLarge('event-too-large', limits.maxEventLength);
        sink.onLine(line);
      });
    case 'plain': {
      const decoder = new TextDecoder();
      return {
        feed: (bytes) => sink.onPlain(decoder.decode(bytes, { stream: true })),
        end: () => {
          const rest = decoder.decode();
          if (rest) sink.onPlain(rest);
        },
      };
    }
    case 'json': {
      // One complete body: collect it, then parse once.
      const decoder = new TextDecoder();
      const pieces: string[] = [];
      return {
        feed: (bytes) => void pieces.push(decoder.decode(bytes, { stream: true })),
        end: () => {
          pieces.push(decoder.decode());
          let value: unknown;
          try {
            value = JSON.parse(pieces.join(''));
          } catch (cause) {
            throw new ChatStreamError(chatError('bad-json', { status }), 'protocol', { cause });
          }
          sink.onJson(value);
        },
      };
    }
  }
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
 * A buffering proxy can deliver a whole answer in one chunk of megabytes:
 * reading it in one go would freeze the page. Feed it in slices and yield
 * whenever a slice has taken its share of the frame.
 */
async function feedInSlices(feeder: BodyFeeder, chunk: Uint8Array, sink: StreamSink): Promise<void> {
  if (chunk.byteLength <= SLICE_BYTES) return feeder.feed(chunk);
  let started = performance.now();
  for (let offset = 0; offset < chunk.byteLength && !sink.isFinished(); offset += SLICE_BYTES) {
    feeder.feed(chunk.subarray(offset, offset + SLICE_BYTES));
    if (performance.now() - started > SLICE_MS) {
      await yieldToPage();
      started = performance.now();
    }
  }
}

async function readBody(body: ReadableStream<Uint8Array>, feeder: BodyFeeder, sink: StreamSink, limits: TransportLimits) {
  const reader = body.getReader();
  let bytes = 0;
  let reads = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads += 1;
      bytes += value.byteLength;
      sink.onBytes?.(value.byteLength);
      if (bytes > limits.maxResponseBytes) throw tooLarge('too-large', limits.maxResponseBytes);
      await feedInSlices(feeder, value, sink);
      if (sink.isFinished()) {
        // The answer is complete; a server that keeps the connection open
        // after its end marker must not keep us waiting.
        await reader.cancel().catch(() => undefined);
        sink.onBodyRead?.({ reads, bytes });
        return;
      }
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof SseLineTooLongError) throw tooLarge('event-too-large', error.limit);
    throw error;
  }
  feeder.end();
  sink.onBodyRead?.({ reads, bytes });
  sink.onEnd();
}

async function readResponse(response: Response, sink: StreamSink, limits: TransportLimits): Promise<void> {
  if (!response.ok) throw await httpError(response);
  const contentType = mediaType(response.headers.get('content-type') ?? '');
  const kind = bodyKind(contentType);
  if (!kind || (!response.body && kind !== 'json')) {
    throw new ChatStreamError(chatError('not-a-stream', { status: response.status, contentType }), 'protocol');
  }
  sink.onOpen({ status: response.status, contentType, headers: response.headers });
  const body = response.body ?? new Response('').body!;
  await readBody(body, feederFor(kind, sink, limits, response.status), sink, limits);
}

/**
 * Sends one chat request and reads its answer into `sink`. Resolves when the
 * body ends (or `signal` aborts); rejects with a {@link ChatStreamError}.
 *
 * fetch-event-source makes the request, but its parser breaks the event-stream
 * rules in ways no option can fix (see README, "Reading the stream"), and its
 * defaults retry forever and re-send the POST when the tab is hidden. So:
 * `openWhenHidden` is on; `onerror` always throws, leaving retry policy to the
 * caller; and the body is read here, with the spec-conformant parser, from the
 * real response, while the library gets a body-less copy to read nothing from.
 */
export async function sendChatRequest(
  request: ChatRequest,
  sink: StreamSink,
  signal: AbortSignal,
  limits: TransportLimits = DEFAULT_LIMITS,
): Promise<void> {
  // fetch-event-source ignores a signal that is already aborted and sends anyway.
  if (signal.aborted) return;
  let opened = false;
  let response: Response | undefined;
  try {
    await fetchEventSource(request.url, {
      method: 'POST',
      // A plain object: the library silently drops a `Headers` instance.
      headers: requestHeaders(request),
      body: JSON.stringify(request.body),
      credentials: request.withCredentials ? 'include' : 'same-origin',
      signal,
      openWhenHidden: true,
      async fetch(input, init) {
        response = await fetch(input, init);
        // The library goes on to read this copy's body: an empty one, since
        // onopen has read the real body by then. Status 200 because a copy of
        // a 204 or 304 may not have a body at all.
        return new Response('', { status: 200, headers: response.headers });
      },
      async onopen() {
        opened = true;
        await readResponse(response!, sink, limits);
      },
      onerror(error: unknown) {
        // Synchronous and always throwing: anything else makes the library retry.
        throw error;
      },
    });
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof ChatStreamError) throw error;
    throw lostConnection(error, opened);
  }
}
