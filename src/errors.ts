/**
 * The one failure vocabulary: every way an answer can fail, whether it may be
 * retried, and the text the reader is shown for it (keyed by the same code in
 * every language). Events, `message.error` and the retry policy all read this
 * file; nothing else lists failures.
 */

/** Every way an answer can fail, so text can be chosen per language. */
export const ERROR_CODES = [
  'http', // the server answered with an error status
  'unreachable', // no response at all
  'cross-origin', // the browser refused a cross-origin request the server did not allow (CORS)
  'connection-lost', // the body was cut
  'idle', // no byte for idle-timeout ms
  'first-token', // bytes (pings) but no text for first-token-timeout ms
  'incomplete', // the stream closed before its end marker
  'not-a-stream', // a 2xx that is neither an event stream nor JSON (or HTML sent as text)
  'bad-json', // a JSON body that does not parse
  'no-answer', // a stream without one readable event
  'too-large', // the answer passed max-response-bytes (across resumes)
  'event-too-large', // one line or event passed 1 MiB
  'stream', // the provider reported an error inside the stream
  'timeout', // the answer passed the timeout attribute
  'max-steps', // page tools were called in max-steps requests and the model still asks for more
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Statuses worth another attempt: the server may well answer next time (RFC
 * 9110 §15.6, RFC 6585 §4). Not a plain 500: from a chat route it is nearly
 * always the route's own bug (a body it cannot read, a missing key), which
 * answers the same the next time, and each retry re-runs the route, maybe a
 * paid provider call. 502, 503 and 504 are the gateway's or the server's
 * word that the next try may succeed; 408 and 429 ask for it.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/**
 * The failures that may be retried (attempts left and user intent aside), and
 * `http` by its status. A chat request is a paid POST: only what a second try
 * may well cure is repeated. Not `first-token`: the server is there (it sends
 * pings) but does not answer, and a new request would wait as long again; the
 * reader decides with Retry. Every other code would meet the same answer
 * again, and a code added later is not retried until it is listed here.
 */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(['unreachable', 'connection-lost', 'idle', 'incomplete']);

/** What an error message may mention. */
export interface ErrorParams {
  status?: number;
  statusText?: string;
  /** The server's or provider's own words. */
  said?: string;
  contentType?: string;
  /** A size or a duration, already formatted ("16 MiB", "30 s"). */
  limit?: string;
  /** The page's origin, which a cross-origin server must allow. */
  origin?: string;
  /** The request headers a cross-origin server must allow, comma-separated ("Content-Type, Authorization"). */
  headers?: string;
}

/**
 * A failure as the reader sees it and as an integrator can branch on it:
 * plain data (never thrown), carried by `ai-chat-error` and `ai-chat-retry`.
 */
export interface ChatFailure {
  /** Exactly what went wrong; see `ERROR_CODES`. */
  code: ErrorCode;
  /** Values the message mentions (status, the server's words, a limit), for custom texts. */
  params: ErrorParams;
  /** An English sentence for the reader, including the server's own message when it sent one. */
  message: string;
  /** The HTTP status, when there was a response. */
  status?: number;
}

export type ErrorTexts = Record<ErrorCode, (params: ErrorParams) => string>;

/** `503 Service Unavailable`, or as much of it as the response had. */
export const statusLine = ({ status, statusText }: ErrorParams) => `${status ?? ''}${statusText ? ` ${statusText}` : ''}`;

/** The values of `record` for `keys`, in their order: how the built-in languages write their texts. */
export type Table<Keys extends readonly (keyof Record)[], Record> = { -readonly [I in keyof Keys]: Record[Keys[I]] };

/** Texts given in `keys` order, as an object by key: the key names ship once, not once per language. */
export const byKey = <Value>(keys: readonly string[], values: readonly unknown[]) =>
  Object.fromEntries(keys.map((key, i) => [key, values[i]])) as Value;

/** A language's error texts, in `ERROR_CODES` order. */
export const errorTexts = (texts: Table<typeof ERROR_CODES, ErrorTexts>) => byKey<ErrorTexts>(ERROR_CODES, texts);

/** English, also the `message` of every `ChatFailure` (stable for integrators' logs). */
export const ENGLISH_ERRORS = errorTexts([
  (p) => `The server answered ${statusLine(p)}${p.said ? `: ${p.said}` : '.'}`, // http
  () => 'Could not reach the server. Check your connection and try again.', // unreachable
  (p) =>
    `The browser refused the cross-origin request: the server's CORS settings must allow the origin ${p.origin} and the headers ${p.headers}.`, // cross-origin
  () => 'The connection was lost while the answer was arriving.', // connection-lost
  (p) => `The server went silent for ${p.limit}.`, // idle
  (p) => `The server sent no answer within ${p.limit}.`, // first-token
  () => 'The answer stopped before it was complete.', // incomplete
  (p) => `The server answered with ${p.contentType || 'no content type'}, not an event stream.`, // not-a-stream
  () => 'The server sent JSON that could not be read.', // bad-json
  () => 'The server sent no answer.', // no-answer
  (p) => `The answer was stopped: it was larger than ${p.limit}.`, // too-large
  (p) => `The answer was stopped: one event was longer than ${p.limit}.`, // event-too-large
  (p) => p.said || 'The server reported an error.', // stream
  (p) => `The answer took longer than ${p.limit} and was stopped.`, // timeout
  (p) => `The answer stopped after ${p.limit} steps of tool calls. Send a message to let it go on.`, // max-steps
]);

/** A `ChatFailure` whose `message` is the English text. */
export function chatFailure(code: ErrorCode, params: ErrorParams = {}): ChatFailure {
  return {
    code,
    message: ENGLISH_ERRORS[code](params),
    ...(params.status !== undefined ? { status: params.status } : {}),
    params,
  };
}

/** Whether a failure may be retried at all, by the rules above. */
export function isRetryable({ code, status }: Pick<ChatFailure, 'code' | 'status'>): boolean {
  return code === 'http' ? status !== undefined && RETRYABLE_STATUSES.has(status) : RETRYABLE_CODES.has(code);
}

/**
 * A failure on its way up the stack: the one thrown thing of the stream
 * pipeline. Its `failure` is what the reader and the events get.
 */
export class StreamFailureError extends Error {
  readonly failure: ChatFailure;
  /** The response's `Retry-After` header as sent; read by whoever owns the clock. */
  readonly retryAfter: string | undefined;
  constructor(failure: ChatFailure, options?: { cause?: unknown; retryAfter?: string | undefined }) {
    super(failure.message, options);
    this.name = 'StreamFailureError';
    this.failure = failure;
    this.retryAfter = options?.retryAfter;
  }
}

/** Throws the failure `code` as a `StreamFailureError`. */
export const fail = (code: ErrorCode, params?: ErrorParams, cause?: unknown): never => {
  throw new StreamFailureError(chatFailure(code, params), { cause });
};

/** A byte limit for a sentence: `16 MiB`, or `2 KiB` below one MiB (never `0 MiB`). */
export const formatBytes = (bytes: number) =>
  bytes < 1048576 ? `${Math.round((bytes / 1024) * 10) / 10} KiB` : `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
export const formatSeconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
