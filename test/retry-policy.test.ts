import { expect } from '@open-wc/testing';
import { ERROR_CODES, isRetryable, type ErrorCode } from '../src/errors.js';
import {
  backoffDelay,
  clampServerRetry,
  MAX_BACKOFF_MS,
  newIdempotencyKey,
  parseRetryAfter,
} from '../src/stream/retry-policy.js';

describe('retry policy (pure)', () => {
  it('retries network failures, idle time-outs, cut streams and 408/429/502/503/504 only', () => {
    const retried: ErrorCode[] = ['unreachable', 'connection-lost', 'idle', 'incomplete'];
    for (const code of retried) expect(isRetryable({ code }), code).to.equal(true);
    for (const status of [408, 429, 502, 503, 504]) expect(isRetryable({ code: 'http', status }), String(status)).to.equal(true);
    // A plain 500 is the route's own failure: a retry re-runs it (and maybe a paid call) for the same answer.
    for (const status of [400, 401, 403, 404, 409, 413, 422, 500, 501, 505, 507]) {
      expect(isRetryable({ code: 'http', status }), String(status)).to.equal(false);
    }
    expect(isRetryable({ code: 'http' }), 'http without a status').to.equal(false);
    // Every other code is final: what the server said or sent would be the same next time.
    for (const code of ERROR_CODES.filter((c) => c !== 'http' && !retried.includes(c))) {
      expect(isRetryable({ code }), code).to.equal(false);
    }
  });

  it('backs off exponentially with full jitter, capped at 30 s', () => {
    const top = () => 0.999999;
    expect(backoffDelay({ attempt: 0, baseMs: 1000, random: top })).to.equal(999);
    expect(backoffDelay({ attempt: 3, baseMs: 1000, random: top })).to.equal(7999);
    expect(backoffDelay({ attempt: 20, baseMs: 1000, random: top })).to.equal(MAX_BACKOFF_MS - 1);
    expect(backoffDelay({ attempt: 2, baseMs: 1000, random: () => 0 })).to.equal(0);
  });

  it('never waits less than the server asked for', () => {
    const low = () => 0;
    expect(backoffDelay({ attempt: 0, baseMs: 1000, random: low, serverRetryMs: 2500 })).to.equal(2500);
    expect(backoffDelay({ attempt: 0, baseMs: 1000, random: low, retryAfterMs: 4000, serverRetryMs: 2000 })).to.equal(4000);
  });

  it('clamps a server retry: field to 1–60 s', () => {
    expect(clampServerRetry(0)).to.equal(1000);
    expect(clampServerRetry(5)).to.equal(1000);
    expect(clampServerRetry(3000)).to.equal(3000);
    expect(clampServerRetry(10 ** 9)).to.equal(60_000);
    expect(clampServerRetry(Infinity)).to.equal(60_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('1', now)).to.equal(1000);
    expect(parseRetryAfter(' 120 ', now)).to.equal(120_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).to.equal(5000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('-1', now)).to.equal(undefined);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(null, now)).to.equal(undefined);
  });

  it('makes a fresh UUID for every turn', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).to.not.equal(b);
  });
});
