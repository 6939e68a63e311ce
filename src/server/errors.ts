import type { ErrorBody } from './types.js';

/** The status nginx coined for a client that left before its answer; nobody reads it. */
export const CLIENT_GONE = 499;

/**
 * A response the handler answers itself (validation, CORS, resume conflicts).
 * An adapter may throw one to answer the browser in its own words.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string>;
  constructor(status: number, type: string, message: string, headers: Record<string, string> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HttpError';
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

/**
 * A provider refused the request before streaming. Custom adapters throw it;
 * SDK errors with a numeric `status` are read the same way. Its message goes
 * to the server log only: the browser gets a fixed sentence, the status (401
 * and 429 as they are, 502 otherwise) and `type` when it is a plain identifier.
 */
export class UpstreamError extends Error {
  readonly status: number;
  readonly type: string;
  /** The provider's `Retry-After`, passed on with 429. */
  readonly retryAfter?: string;
  constructor(status: number, message: string, type = 'upstream_error', retryAfter?: string) {
    super(message);
    this.name = 'UpstreamError';
    this.status = status;
    this.type = type;
    if (retryAfter !== undefined) this.retryAfter = retryAfter;
  }
}

/** Statuses passed on to the browser as they are; every other provider failure is a 502. */
const PASSED_THROUGH = new Set([401, 429]);

/** What a provider failure says, read from SDK errors of both vendors or anything thrown. */
export interface ProviderFailure {
  status?: number;
  message: string;
  type: string;
  retryAfter?: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  if (typeof headers.get === 'function') return text((headers as { get(name: string): unknown }).get(name));
  return text(headers[name]);
}

/**
 * The provider's own readable message: OpenAI SDK errors carry the body's
 * `error` object in `.error`, Anthropic's carry the whole body
 * (`{type:'error', error:{type, message}}`) and their `.message` is raw JSON
 * (see fixtures/anthropic-error-midstream.sse notes).
 */
export function describeProviderError(error: unknown): ProviderFailure {
  if (error instanceof UpstreamError) {
    return { status: error.status, message: error.message, type: error.type, ...(error.retryAfter ? { retryAfter: error.retryAfter } : {}) };
  }
  if (!isObject(error)) return { message: text(error) ?? 'The AI provider failed.', type: 'provider_error' };
  const body = error.error;
  const nested = isObject(body) && isObject(body.error) ? body.error : undefined;
  const message =
    text(nested?.message) ??
    text(error.apiMessage) ??
    (isObject(body) ? text(body.message) : text(body)) ??
    text(error.message) ??
    'The AI provider failed.';
  const type = text(nested?.type) ?? (isObject(body) ? text(body.type) : undefined) ?? text(error.type) ?? 'provider_error';
  const status = typeof error.status === 'number' ? error.status : undefined;
  const retryAfter = header(error.headers, 'retry-after');
  return { ...(status !== undefined ? { status } : {}), message, type, ...(retryAfter ? { retryAfter } : {}) };
}

/**
 * A provider's error type when it is a plain identifier (`rate_limit_error`):
 * the one piece of the provider's answer the browser gets, as a code to
 * branch on. Anything else is free text and stays in the server log.
 */
const SAFE_CODE = /^[a-z][a-z0-9_]{0,63}$/;
const safeCode = (type: string, fallback: string) => (SAFE_CODE.test(type) ? type : fallback);

/**
 * What the browser is told about a provider failure: a fixed sentence chosen
 * by status or code, never the provider's words. Those can carry a gateway's
 * HTML traceback, internal hosts and paths, or a masked key in a shape no
 * scrubber knows; the server log keeps them (scrubbed) for the operator.
 */
function sayFailure(status: number | undefined, code: string, during: 'start' | 'stream'): string {
  if (status === 401 || status === 403 || /auth|permission|api_key/.test(code)) {
    return 'The AI provider refused the server’s credentials.';
  }
  if (status === 429 || /rate_limit|quota/.test(code)) return 'The AI provider is over its rate limit; try again later.';
  if (status === 529 || code === 'overloaded_error') return 'The AI provider is overloaded; try again later.';
  if (during === 'stream') return 'The AI provider failed while answering.';
  return status !== undefined ? `The AI provider answered ${status}.` : 'The AI provider could not be reached.';
}

/** Maps a failure before streaming: 401 and 429 pass through with their code, the rest is 502. */
export function upstreamHttpError(failure: ProviderFailure): HttpError {
  const { status } = failure;
  if (status !== undefined && PASSED_THROUGH.has(status)) {
    // Retry-After is a delay the widget honours; only its two standard forms go on.
    const retryAfter = failure.retryAfter?.trim();
    const headers: Record<string, string> =
      status === 429 && retryAfter && /^(?:\d{1,9}|[A-Za-z]{3}, [\w :]{20,30})$/.test(retryAfter) ? { 'Retry-After': retryAfter } : {};
    return new HttpError(status, safeCode(failure.type, 'upstream_error'), sayFailure(status, failure.type, 'start'), headers);
  }
  return new HttpError(502, 'upstream_error', sayFailure(status, failure.type, 'start'));
}

/** The `event: error` body for a provider failure mid-stream: its code and a fixed sentence. */
export function streamErrorBody(failure: ProviderFailure): ErrorBody {
  const code = safeCode(failure.type, 'provider_error');
  return errorBody(code, sayFailure(failure.status, code, 'stream'));
}

/** True for the errors SDKs and fetch throw when their signal aborts. */
export function isAbortError(error: unknown): boolean {
  return isObject(error) && (error.name === 'AbortError' || error.name === 'APIUserAbortError');
}

export function errorBody(type: string, message: string): ErrorBody {
  return { error: { message, type } };
}

function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });
}

export function errorResponse(error: HttpError, headers: Record<string, string> = {}): Response {
  return jsonResponse(error.status, errorBody(error.type, error.message), { ...error.headers, ...headers });
}
