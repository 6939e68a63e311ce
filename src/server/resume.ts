import type { SseFrame } from './sse.js';

/**
 * Keeps the events of answers that were requested with an `Idempotency-Key`,
 * so a client that lost its connection (or reloaded the page) can continue
 * from `Last-Event-ID` without a second provider call. The in-memory default
 * serves one process; `redisResumeStore` (`ai-chat-element/server/redis`)
 * serves several instances.
 *
 * A store never drops an answer that is still being written: when it is full
 * it refuses a new one with {@link ResumeStoreFullError} (the handler answers
 * 503 with `Retry-After`), after evicting finished answers first.
 */
export interface ResumeStore {
  /**
   * Claims `key` for a new answer; resolves false when the key is already
   * taken. Rejects with {@link ResumeStoreFullError} when no answer can be
   * added without dropping one that is still being written.
   */
  create(key: string, fingerprint: string): Promise<boolean>;
  /** The fingerprint of the request that claimed `key`, or undefined when unknown or expired. */
  fingerprint(key: string): Promise<string | undefined>;
  /**
   * Adds the next event of the answer. Resolves false when the answer has
   * reached the store's size cap per answer: the frame was not kept, and the
   * handler ends the answer with one `event: error` frame, which a store
   * accepts past the cap.
   */
  append(key: string, frame: SseFrame): Promise<boolean | void>;
  /** Marks the answer complete: readers stop after its last event. */
  end(key: string): Promise<void>;
  /** Forgets `key`, so a retry calls the provider again (it refused the first call). */
  delete(key: string): Promise<void>;
  /** The events after `afterId`, then each new one as it is appended, until the answer ends or `signal` aborts. */
  read(key: string, afterId: number, signal: AbortSignal): AsyncIterable<SseFrame>;
  /**
   * Asks whichever instance runs the answer `key` to stop its provider call
   * (a `DELETE` that reached another instance). Stores of one process leave
   * it out: the handler stops its own answers itself.
   */
  cancel?(key: string): Promise<void>;
  /** Calls `listener` when {@link cancel} is called for `key` on any instance; returns the unsubscribe. */
  onCancel?(key: string, listener: () => void): () => void;
  /**
   * Calls `listener` again and again (every 250 ms or so) while a reader on
   * another instance follows `key`, so the instance running the provider
   * does not stop it for want of readers; returns the unsubscribe.
   */
  onRemoteReader?(key: string, listener: () => void): () => void;
}

/** Thrown by {@link ResumeStore.create} when the store is full of answers still being written. */
export class ResumeStoreFullError extends Error {
  /** Sent as `Retry-After` with the 503. */
  readonly retryAfterSeconds: number;
  constructor(message = 'The resume store is full of answers still being written.', retryAfterSeconds = 5) {
    super(message);
    this.name = 'ResumeStoreFullError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface MemoryResumeStoreOptions {
  /** How long a finished answer is kept for a late resume, in ms. Answers still being written never expire. Default 5 minutes. */
  ttlMs?: number;
  /** Most answers kept, being written or finished; past it finished ones go first, then new answers get 503. Default 1000. */
  maxEntries?: number;
  /**
   * Event text kept in all, in UTF-16 code units, past which finished answers
   * are evicted (oldest first) and new answers get 503. Answers being written
   * may together go past it, up to `maxEntries` × `maxAnswerSize`. Default 32 Mi.
   */
  maxSize?: number;
  /** Most event text kept for one answer; an answer that grows past it ends with `event: error` (`answer_too_long`). Default 4 Mi. */
  maxAnswerSize?: number;
  /** `Retry-After` of the 503 when the store is full, in seconds. Default 5. */
  retryAfterSeconds?: number;
}

interface Entry {
  fingerprint: string;
  frames: SseFrame[];
  size: number;
  ended: boolean;
  /** When it ended, for the TTL; finished answers only. */
  endedAt: number;
  wake: Set<() => void>;
}

/** Calls everyone waiting on `entry` once; later waits register anew. */
function wakeAll(entry: Entry): void {
  if (entry.wake.size === 0) return;
  const waiting = entry.wake;
  entry.wake = new Set();
  for (const wake of waiting) wake();
}

/** The default {@link ResumeStore}: this process's memory, bounded in answers and in text. */
export class MemoryResumeStore implements ResumeStore {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxSize: number;
  readonly #maxAnswerSize: number;
  readonly #retryAfterSeconds: number;
  readonly #entries = new Map<string, Entry>();
  /** Finished answers, the first ended first: the eviction order. */
  readonly #finished = new Map<string, Entry>();
  #size = 0;

  constructor(options: MemoryResumeStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxSize = options.maxSize ?? 32 * 1024 * 1024;
    this.#maxAnswerSize = options.maxAnswerSize ?? 4 * 1024 * 1024;
    this.#retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }

  async create(key: string, fingerprint: string): Promise<boolean> {
    this.#sweep();
    if (this.#entries.has(key)) return false;
    while (this.#entries.size >= this.#maxEntries || this.#size >= this.#maxSize) {
      const oldest = this.#finished.keys().next().value;
      if (oldest === undefined) throw new ResumeStoreFullError(undefined, this.#retryAfterSeconds);
      this.#drop(oldest);
    }
    this.#entries.set(key, { fingerprint, frames: [], size: 0, ended: false, endedAt: 0, wake: new Set() });
    return true;
  }

  async fingerprint(key: string): Promise<string | undefined> {
    return this.#live(key)?.fingerprint;
  }

  async append(key: string, frame: SseFrame): Promise<boolean> {
    const entry = this.#entries.get(key);
    if (!entry || entry.ended) return false;
    if (frame.event !== 'error' && entry.size + frame.data.length > this.#maxAnswerSize) return false;
    entry.frames.push(frame);
    entry.size += frame.data.length;
    this.#size += frame.data.length;
    wakeAll(entry);
    // Over budget: forget finished answers, never one still being written.
    for (const oldest of this.#finished.keys()) {
      if (this.#size <= this.#maxSize) break;
      this.#drop(oldest);
    }
    return true;
  }

  async end(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.ended) return;
    entry.ended = true;
    entry.endedAt = Date.now();
    this.#finished.set(key, entry);
    wakeAll(entry);
  }

  async delete(key: string): Promise<void> {
    this.#drop(key);
  }

  async *read(key: string, afterId: number, signal: AbortSignal): AsyncGenerator<SseFrame> {
    const entry = this.#live(key);
    if (!entry) return;
    let index = entry.frames.findIndex((frame) => frame.id > afterId);
    if (index === -1) index = entry.frames.length;
    // One abort listener for the whole read, not one per wait.
    let waiting: (() => void) | undefined;
    const stop = () => waiting?.();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        while (index < entry.frames.length) {
          if (signal.aborted) return;
          yield entry.frames[index++]!;
        }
        if (entry.ended || signal.aborted) return;
        await new Promise<void>((resolve) => {
          waiting = resolve;
          entry.wake.add(resolve);
        });
        entry.wake.delete(waiting!);
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.ended && Date.now() - entry.endedAt > this.#ttlMs) {
      this.#drop(key);
      return undefined;
    }
    return entry;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#finished.delete(key);
    this.#size -= entry.size;
    entry.ended = true;
    wakeAll(entry);
  }

  /** Expired answers are found from the front: finished answers are ordered by end. */
  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#finished) {
      if (now - entry.endedAt <= this.#ttlMs) break;
      this.#drop(key);
    }
  }
}
