import type { SseFrame } from './sse.js';

/**
 * Keeps the events of answers that were requested with an `Idempotency-Key`,
 * so a client that lost its connection can continue from `Last-Event-ID`
 * without a second provider call. Swap the in-memory default for a shared
 * store (Redis streams, say) when several instances serve the same clients.
 */
export interface ResumeStore {
  /** Claims `key` for a new answer; resolves false when the key is already taken. */
  create(key: string, fingerprint: string): Promise<boolean>;
  /** The fingerprint of the request that claimed `key`, or undefined when unknown or expired. */
  fingerprint(key: string): Promise<string | undefined>;
  /** Adds the next event of the answer. */
  append(key: string, frame: SseFrame): Promise<void>;
  /** Marks the answer complete: readers stop after its last event. */
  end(key: string): Promise<void>;
  /** Forgets `key`, so a retry calls the provider again (it refused the first call). */
  delete(key: string): Promise<void>;
  /** The events after `afterId`, then each new one as it is appended, until the answer ends or `signal` aborts. */
  read(key: string, afterId: number, signal: AbortSignal): AsyncIterable<SseFrame>;
}

export interface MemoryResumeStoreOptions {
  /** How long an answer is kept after its last event, in ms. Default 5 minutes. */
  ttlMs?: number;
  /** Most answers kept; the oldest go first. Default 1000. */
  maxEntries?: number;
  /** Most event text kept in all, in UTF-16 code units; the oldest answers go first. Default 32 Mi. */
  maxSize?: number;
}

interface Entry {
  fingerprint: string;
  frames: SseFrame[];
  size: number;
  ended: boolean;
  touched: number;
  wake: Set<() => void>;
}

/** The default {@link ResumeStore}: this process's memory, with a time limit. */
export class MemoryResumeStore implements ResumeStore {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxSize: number;
  readonly #entries = new Map<string, Entry>();
  #size = 0;

  constructor(options: MemoryResumeStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxSize = options.maxSize ?? 32 * 1024 * 1024;
  }

  async create(key: string, fingerprint: string): Promise<boolean> {
    this.#sweep();
    if (this.#entries.has(key)) return false;
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#drop(oldest);
    }
    this.#entries.set(key, { fingerprint, frames: [], size: 0, ended: false, touched: Date.now(), wake: new Set() });
    return true;
  }

  async fingerprint(key: string): Promise<string | undefined> {
    return this.#live(key)?.fingerprint;
  }

  async append(key: string, frame: SseFrame): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.ended) return;
    entry.frames.push(frame);
    entry.size += frame.data.length;
    this.#size += frame.data.length;
    this.#touch(key, entry);
    // Over budget: forget the least recently written answers (never this one).
    for (const oldest of this.#entries.keys()) {
      if (this.#size <= this.#maxSize || oldest === key) break;
      this.#drop(oldest);
    }
  }

  async end(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.ended = true;
    this.#touch(key, entry);
  }

  async delete(key: string): Promise<void> {
    this.#drop(key);
  }

  async *read(key: string, afterId: number, signal: AbortSignal): AsyncGenerator<SseFrame> {
    const entry = this.#live(key);
    if (!entry) return;
    let index = entry.frames.findIndex((frame) => frame.id > afterId);
    if (index === -1) index = entry.frames.length;
    for (;;) {
      while (index < entry.frames.length) {
        if (signal.aborted) return;
        yield entry.frames[index++]!;
      }
      if (entry.ended || signal.aborted) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          entry.wake.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        entry.wake.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && Date.now() - entry.touched > this.#ttlMs) {
      this.#drop(key);
      return undefined;
    }
    return entry;
  }

  #touch(key: string, entry: Entry): void {
    entry.touched = Date.now();
    // Map order is the eviction order: most recently written last.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    for (const wake of [...entry.wake]) wake();
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#size -= entry.size;
    entry.ended = true;
    for (const wake of [...entry.wake]) wake();
  }

  /** Expired entries are found from the front: the map is ordered by last write. */
  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (now - entry.touched <= this.#ttlMs) break;
      this.#drop(key);
    }
  }
}
