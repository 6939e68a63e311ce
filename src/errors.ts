import type { ChatError } from './types.js';

/** Every way an answer can fail, so text can be chosen per language. */
export const ERROR_CODES = [
  'http', // the server answered with an error status
  'unreachable', // no response at all
  'connection-lost', // the body was cut
  'idle', // no byte for idle-timeout ms
  'incomplete', // the stream closed before its end marker
  'not-a-stream', // a 2xx that is neither an event stream nor JSON
  'bad-json', // a JSON body that does not parse
  'no-answer', // a stream without one readable event
  'too-large', // the response passed max-response-bytes
  'event-too-large', // one line or event passed 1 MiB
  'stream', // the provider reported an error inside the stream
  'timeout', // the answer passed the timeout attribute
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What an error message may mention. */
export interface ErrorParams {
  status?: number;
  statusText?: string;
  /** The server's or provider's own words. */
  said?: string;
  contentType?: string;
  /** A size or a duration, already formatted ("16 MiB", "30 s"). */
  limit?: string;
}

export type ErrorTexts = Record<ErrorCode, (params: ErrorParams) => string>;

/** `503 Service Unavailable`, or as much of it as the response had. */
export const statusLine = ({ status, statusText }: ErrorParams) => `${status ?? ''}${statusText ? ` ${statusText}` : ''}`;

/** English, also the `message` of every `ChatError` (stable for integrators' logs). */
export const ENGLISH_ERRORS: ErrorTexts = {
  http: (p) => `The server answered ${statusLine(p)}${p.said ? `: ${p.said}` : '.'}`,
  unreachable: () => 'Could not reach the server. Check your connection and try again.',
  'connection-lost': () => 'The connection was lost while the answer was arriving.',
  idle: (p) => `The server went silent for ${p.limit}.`,
  incomplete: () => 'The answer stopped before it was complete.',
  'not-a-stream': (p) => `The server answered with ${p.contentType || 'no content type'}, not an event stream.`,
  'bad-json': () => 'The server sent JSON that could not be read.',
  'no-answer': () => 'The server sent no answer.',
  'too-large': (p) => `The answer was stopped: it was larger than ${p.limit}.`,
  'event-too-large': (p) => `The answer was stopped: one event was longer than ${p.limit}.`,
  stream: (p) => p.said || 'The server reported an error.',
  timeout: (p) => `The answer took longer than ${p.limit} and was stopped.`,
};

const KINDS: Record<ErrorCode, ChatError['kind']> = {
  http: 'http',
  unreachable: 'network',
  'connection-lost': 'network',
  idle: 'network',
  incomplete: 'network',
  'not-a-stream': 'protocol',
  'bad-json': 'protocol',
  'no-answer': 'protocol',
  'too-large': 'protocol',
  'event-too-large': 'protocol',
  stream: 'stream',
  timeout: 'timeout',
};

/** A `ChatError` whose `message` is the English text. */
export function chatError(code: ErrorCode, params: ErrorParams = {}): ChatError {
  return {
    kind: KINDS[code],
    code,
    message: ENGLISH_ERRORS[code](params),
    ...(params.status !== undefined ? { status: params.status } : {}),
    params,
  };
}

export const formatMiB = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
export const formatSeconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
