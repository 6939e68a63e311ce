/**
 * How long to wait before trying an answer again. Pure: the stream
 * controller asks, this module decides. Whether a failure may be retried at
 * all is the failure table's call (`errors.ts`); a repeated request carries
 * the turn's Idempotency-Key (IETF Idempotency-Key draft).
 */

/** The longest backoff, whatever the attempt number. */
export const MAX_BACKOFF_MS = 30_000;

/** A server's `retry:` field is obeyed only within these bounds (a `retry: 0` must not become a hot loop). */
const SERVER_RETRY_MIN_MS = 1_000;
const SERVER_RETRY_MAX_MS = 60_000;

/** A server `retry:` value clamped to sane bounds. */
export function clampServerRetry(ms: number): number {
  if (!Number.isFinite(ms)) return SERVER_RETRY_MAX_MS;
  return Math.min(SERVER_RETRY_MAX_MS, Math.max(SERVER_RETRY_MIN_MS, ms));
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, 24 * 60 * 60 * 1000);
  // An HTTP date always names a month and a time of day; this keeps
  // Date.parse from reading junk such as "-1" as a year.
  if (!/[a-z]/i.test(text) || !text.includes(':')) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface BackoffInput {
  /** 0 for the first retry. */
  attempt: number;
  /** The `retry-delay` base in ms. */
  baseMs: number;
  /** The server's clamped `retry:` field, if it sent one. */
  serverRetryMs?: number | undefined;
  /** The response's `Retry-After`, if any. */
  retryAfterMs?: number | undefined;
  /** A number in [0, 1); injectable so tests can pin it. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter, `random(0, min(cap, base·2^attempt))`,
 * never shorter than what the server asked for.
 */
export function backoffDelay({ attempt, baseMs, serverRetryMs, retryAfterMs, random = Math.random }: BackoffInput): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, Math.max(0, baseMs) * 2 ** Math.max(0, attempt));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, serverRetryMs ?? 0, retryAfterMs ?? 0);
}

/** A fresh Idempotency-Key for one user turn; crypto.randomUUID needs a secure context, so fall back. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' && globalThis.isSecureContext !== false) {
    return crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
