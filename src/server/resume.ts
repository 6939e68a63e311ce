import type { Pull } from './pull.js';
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
   * Event text kept in all, in UTF-16 code units as the store keeps it (a
   * chunk like the one before counts only what differs, its token), past
   * which finished answers are evicted (oldest first) and new answers get
   * 503. Answers being written may together go past it, up to `maxEntries` ×
   * `maxAnswerSize`. Default 32 Mi.
   */
  maxSize?: number;
  /** Most event text kept for one answer; an answer that grows past it ends with `event: error` (`answer_too_long`). Default 4 Mi. */
  maxAnswerSize?: number;
  /** `Retry-After` of the 503 when the store is full, in seconds. Default 5. */
  retryAfterSeconds?: number;
}

/**
 * A frame kept as what it adds to the whole frame before it: providers send
 * chunks that differ from the previous one only in a few characters (the
 * token), so a 500-token answer keeps its 500 tokens, not 500 copies of the
 * chunk around them. Shared parts at most 2^15 - 1 (they are packed in one
 * number), middles at most a dozen characters (longer ones are kept whole).
 */
const MAX_SHARED = 0x7fff;
const MAX_MIDDLE = 12;
/** Characters a token takes in most text (English averages about 4 with its space). */
const SCRATCH_TOKEN = 6;
/** A frame kept whole (the base of the shared frames after it). */
const WHOLE = -1;
/**
 * Frames a block: a full block keeps its texts as one string with their
 * offsets, not as a string (and a pointer) each.
 */
const BLOCK = 64;

interface Block {
  /** The block's texts, one after the other, once it is closed (full, or its answer ended). */
  joined: string;
  /**
   * While the block fills (undefined once closed): its whole texts by slot
   * (few: they start a new shape); the middles are in the answer's
   * {@link Frames} scratch.
   */
  wholes: string[] | undefined;
  /** Where each text starts: in `joined`, or in the scratch while the block fills. */
  starts: Int32Array;
}

/** The frames of one answer, compact; see {@link MAX_SHARED} and {@link BLOCK}. */
class Frames {
  readonly #blocks: Block[] = [];
  #length = 0;
  /**
   * The middles of the block that fills, as UTF-16 code units: a frame's
   * token costs no string of its own, so nothing a token outlives the young
   * generation to be freed later from the old one. Released when the answer ends.
   * Sized for tokens of up to {@link SCRATCH_TOKEN} characters on average
   * (0.75 KB an answer being written, not 1.5), grown once when a block's are longer.
   */
  #scratch: Uint16Array | undefined = new Uint16Array(BLOCK * SCRATCH_TOKEN);
  #used = 0;
  /** Ids go up by one from the first, as the handler numbers them; kept one by one only once they do not. */
  #firstId = 0;
  #ids: number[] | undefined;
  /**
   * Each frame's shape ({@link WHOLE}, or the shared prefix length × 2^16 +
   * the shared suffix length) as runs: a run's first index and its shape.
   * A shape changes a few times an answer (its first chunk, the finish, a
   * tool call), so this is a handful of numbers, not 4 bytes a frame.
   */
  readonly #runStarts: number[] = [];
  readonly #runShapes: number[] = [];
  /** Indexes of `event: error` frames (an answer has at most one, last). */
  readonly #errors: number[] = [];
  #base = '';
  /** The start and end of {@link #base} that the frames after it share. */
  #prefix = '';
  #suffix = '';

  get length(): number {
    return this.#length;
  }

  /** Keeps `frame`; returns how many characters that took. */
  push(frame: SseFrame): number {
    const { data } = frame;
    const prefix = this.#prefix;
    const suffix = this.#suffix;
    const middle = data.length - prefix.length - suffix.length;
    // The common case in a few native compares: the shape of the frame before.
    // `lastIndexOf(prefix, 0)` looks at position 0 only; `startsWith` took
    // about 1 µs a frame on a freshly serialised chunk (V8 11, Node 20),
    // more than the rest of the append.
    if (middle < 0 || middle > MAX_MIDDLE || prefix.length + suffix.length <= MAX_MIDDLE || data.lastIndexOf(prefix, 0) !== 0 || !data.endsWith(suffix)) {
      this.#reshape(data);
    }
    const index = this.#length++;
    const slot = index % BLOCK;
    if (slot === 0) this.#blocks.push({ joined: '', wholes: [], starts: new Int32Array(BLOCK) });
    const block = this.#blocks[this.#blocks.length - 1]!;
    const shared = this.#prefix.length + this.#suffix.length;
    let scratch = this.#scratch!;
    let kept = data.length;
    block.starts[slot] = this.#used;
    if (shared > MAX_MIDDLE && data.length - shared <= MAX_MIDDLE) {
      const end = data.length - this.#suffix.length;
      if (this.#used + end - this.#prefix.length > scratch.length) {
        scratch = new Uint16Array(BLOCK * MAX_MIDDLE);
        scratch.set(this.#scratch!.subarray(0, this.#used));
        this.#scratch = scratch;
      }
      for (let at = this.#prefix.length; at < end; at++) scratch[this.#used++] = data.charCodeAt(at);
      kept = end - this.#prefix.length;
      this.#setShape(index, this.#prefix.length * 0x10000 + this.#suffix.length);
    } else {
      this.#setShape(index, WHOLE);
      block.wholes![slot] = data;
      this.#base = data;
      this.#prefix = this.#suffix = '';
    }
    if (slot === BLOCK - 1) this.#close(index + 1 - BLOCK, block, BLOCK);
    if (index === 0) this.#firstId = frame.id;
    else if (this.#ids) this.#ids.push(frame.id);
    else if (frame.id !== this.#firstId + index) {
      this.#ids = Array.from({ length: index }, (_, each) => this.#firstId + each);
      this.#ids.push(frame.id);
    }
    if (frame.event === 'error') this.#errors.push(index);
    return kept;
  }

  isWhole(index: number): boolean {
    return this.#shapeOf(index) === WHOLE;
  }

  /** The answer ended: its last block is joined, and the scratch goes. */
  seal(): void {
    const filled = this.#length % BLOCK;
    if (filled > 0) this.#close(this.#length - filled, this.#blocks[this.#blocks.length - 1]!, filled);
    this.#scratch = undefined;
  }

  /** The frame at `index`; `base` is the whole frame at or before it, as {@link baseFor} finds it. */
  at(index: number, base: string): SseFrame {
    const slot = index % BLOCK;
    const block = this.#blocks[Math.floor(index / BLOCK)]!;
    const shape = this.#shapeOf(index);
    const text = this.#textOf(block, slot, this.#filled(block), shape);
    const data = shape === WHOLE ? text : base.slice(0, Math.floor(shape / 0x10000)) + text + base.slice(base.length - (shape % 0x10000));
    const id = this.#ids ? this.#ids[index]! : this.#firstId + index;
    return { id, data, ...(this.#errors.includes(index) ? { event: 'error' as const } : {}) };
  }

  /** The whole frame that the frame at `index` is kept against. */
  baseFor(index: number): string {
    for (let each = index; each >= 0; each--) if (this.isWhole(each)) return this.at(each, '').data;
    return '';
  }

  /** The first index with an id after `afterId`. */
  after(afterId: number): number {
    if (this.#ids) {
      const index = this.#ids.findIndex((id) => id > afterId);
      return index === -1 ? this.#length : index;
    }
    return Math.min(this.#length, Math.max(0, afterId - this.#firstId + 1));
  }

  /** How many frames `block` holds. */
  #filled(block: Block): number {
    return block === this.#blocks[this.#blocks.length - 1] ? this.#length - (this.#blocks.length - 1) * BLOCK : BLOCK;
  }

  /** The text kept for `slot` of `block`, which holds `filled` frames; `shape` is its frame's. */
  #textOf(block: Block, slot: number, filled: number, shape: number): string {
    const start = block.starts[slot]!;
    if (!block.wholes) return block.joined.slice(start, slot + 1 < filled ? block.starts[slot + 1] : block.joined.length);
    if (shape === WHOLE) return block.wholes[slot]!;
    const end = slot + 1 < filled ? block.starts[slot + 1]! : this.#used;
    return this.#codeUnits(start, end);
  }

  /**
   * A full block, or the last one of an ended answer: its texts joined, and
   * where each starts. The middles lie one after the other in the scratch,
   * so each run of them between wholes becomes a string in one call (not a
   * string, a view and an iterator a frame: about 0.5 KB of garbage a token).
   */
  #close(first: number, block: Block, filled: number): void {
    const { starts } = block;
    let joined = '';
    /** Where the run of middles being read starts in the scratch; -1: none. */
    let run = -1;
    for (let slot = 0; slot < filled; slot++) {
      const start = starts[slot]!;
      if (!this.isWhole(first + slot)) {
        if (run === -1) run = start;
        starts[slot] = joined.length + start - run;
        continue;
      }
      if (run !== -1) joined += this.#codeUnits(run, start);
      run = -1;
      starts[slot] = joined.length;
      joined += block.wholes![slot]!;
    }
    if (run !== -1) joined += this.#codeUnits(run, this.#used);
    block.joined = joined;
    block.wholes = undefined;
    this.#used = 0;
  }

  /** Frame `index` (the next one) has `shape`: the last run goes on, or a new one starts. */
  #setShape(index: number, shape: number): void {
    if (this.#runShapes[this.#runShapes.length - 1] === shape) return;
    this.#runStarts.push(index);
    this.#runShapes.push(shape);
  }

  /** The shape of frame `index`: the last run's for the newest frames, else found by halves. */
  #shapeOf(index: number): number {
    const starts = this.#runStarts;
    let low = starts.length - 1;
    if (starts[low]! <= index) return this.#runShapes[low]!;
    let high = low;
    low = 0;
    // The last run starting at or before `index`: starts[low] <= index < starts[high].
    while (high - low > 1) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! <= index) low = middle;
      else high = middle;
    }
    return this.#runShapes[low]!;
  }

  /** The scratch's code units from `start` to `end` as a string, exactly (a lone surrogate too, which a TextDecoder would replace). */
  #codeUnits(start: number, end: number): string {
    return String.fromCharCode.apply(null, this.#scratch!.subarray(start, end) as unknown as number[]);
  }

  /** What `data` shares with the base at its start and end, character by character (the rare case). */
  #reshape(data: string): void {
    const base = this.#base;
    const most = Math.min(data.length, base.length, MAX_SHARED);
    let prefix = 0;
    while (prefix < most && data.charCodeAt(prefix) === base.charCodeAt(prefix)) prefix++;
    const rest = Math.min(data.length, base.length, MAX_SHARED) - prefix;
    let suffix = 0;
    while (suffix < rest && data.charCodeAt(data.length - 1 - suffix) === base.charCodeAt(base.length - 1 - suffix)) suffix++;
    this.#prefix = base.slice(0, prefix);
    this.#suffix = base.slice(base.length - suffix);
  }
}

interface Entry {
  fingerprint: string;
  frames: Frames;
  /** Its event text, for `maxAnswerSize`. */
  size: number;
  /** What the store keeps of it, for `maxSize`. */
  kept: number;
  ended: boolean;
  /** When it ended, for the TTL; finished answers only. */
  endedAt: number;
  /**
   * The reader waiting for the next frame, and any others after it. Most
   * answers have one reader: a field, not an array, because an array emptied
   * a frame loses its storage and allocates it again at the next wait
   * (about 150 bytes a token).
   */
  waiting: EntryReader | undefined;
  moreWaiting: EntryReader[] | undefined;
}

const DONE_RESULT: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * What {@link MemoryResumeStore.append} returns for a kept frame: one
 * settled promise for every append, which the handler recognises to go on
 * without waiting a promise reaction.
 */
export const APPENDED: Promise<boolean> = Promise.resolve(true);
const NOT_APPENDED: Promise<boolean> = Promise.resolve(false);

/** The handler's way to {@link MemoryResumeStore}'s writer of one answer; not public. */
export const writerOf = Symbol('writerOf');

/**
 * One read of an entry: its frames after an id, then each new one as it is
 * appended. An iterator by hand, not an async generator: a reader that
 * follows a live answer is handed each frame as it is appended: with
 * {@link Pull.pull}, at once, from inside the append; with `next()`,
 * with one promise a frame.
 */
class EntryReader implements AsyncIterableIterator<SseFrame>, Pull<SseFrame> {
  readonly #entry: Entry;
  readonly #signal: AbortSignal;
  #index: number;
  #base: string;
  #settle: ((result: IteratorResult<SseFrame>) => void) | undefined;
  #closed = false;
  readonly #onAbort = () => this.#close();
  readonly #wait = (settle: (result: IteratorResult<SseFrame>) => void) => {
    this.#settle = settle;
    const entry = this.#entry;
    if (!entry.waiting) entry.waiting = this;
    else (entry.moreWaiting ??= []).push(this);
  };

  constructor(entry: Entry, afterId: number, signal: AbortSignal) {
    this.#entry = entry;
    this.#signal = signal;
    this.#index = entry.frames.after(afterId);
    this.#base = entry.frames.baseFor(this.#index - 1);
    // Its listener closes the read, so `signal.aborted` is not read a frame.
    if (signal.aborted) this.#closed = true;
    else signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SseFrame>> {
    const now = this.#now();
    return now ? Promise.resolve(now) : new Promise(this.#wait);
  }

  pull(later: (result: IteratorResult<SseFrame>) => void): IteratorResult<SseFrame> | undefined {
    const now = this.#now();
    if (!now) this.#wait(later);
    return now;
  }

  return(): Promise<IteratorResult<SseFrame>> {
    return Promise.resolve(this.#close());
  }

  /** The entry got `frame` (undefined: it ended); a waiting read resolves. */
  wake(frame: SseFrame | undefined): void {
    const settle = this.#settle;
    this.#settle = undefined;
    if (!settle) return;
    const { frames } = this.#entry;
    // The frame just appended is the next one: handed over as it is.
    if (frame && this.#index === frames.length - 1) {
      this.#index++;
      if (frames.isWhole(frames.length - 1)) this.#base = frame.data;
      settle({ done: false, value: frame });
    } else if (this.#index < frames.length) settle({ done: false, value: this.#take() });
    else settle(this.#close());
  }

  /** The next result if there is one now; undefined while the answer goes on. */
  #now(): IteratorResult<SseFrame> | undefined {
    if (this.#closed) return DONE_RESULT;
    if (this.#index < this.#entry.frames.length) return { done: false, value: this.#take() };
    if (this.#entry.ended) return this.#close();
    return undefined;
  }

  #take(): SseFrame {
    const { frames } = this.#entry;
    const index = this.#index++;
    const frame = frames.at(index, this.#base);
    if (frames.isWhole(index)) this.#base = frame.data;
    return frame;
  }

  #close(): IteratorReturnResult<undefined> {
    if (!this.#closed) {
      this.#closed = true;
      this.#signal.removeEventListener('abort', this.#onAbort);
      const entry = this.#entry;
      if (entry.waiting === this) entry.waiting = entry.moreWaiting?.shift();
      else {
        const at = entry.moreWaiting?.indexOf(this) ?? -1;
        if (at !== -1) entry.moreWaiting!.splice(at, 1);
      }
      const settle = this.#settle;
      this.#settle = undefined;
      settle?.(DONE_RESULT);
    }
    return DONE_RESULT;
  }
}

const EMPTY_READ: AsyncIterator<SseFrame> = { next: () => Promise.resolve(DONE_RESULT) };

/**
 * Hands `frame` to everyone waiting on `entry` (undefined: it ended); a
 * later wait, also one made while they are woken, registers anew.
 */
function wakeAll(entry: Entry, frame?: SseFrame): void {
  const first = entry.waiting;
  if (!first) return;
  const more = entry.moreWaiting;
  entry.waiting = entry.moreWaiting = undefined;
  first.wake(frame);
  if (more) for (const reader of more) reader.wake(frame);
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
    this.#entries.set(key, { fingerprint, frames: new Frames(), size: 0, kept: 0, ended: false, endedAt: 0, waiting: undefined, moreWaiting: undefined });
    return true;
  }

  async fingerprint(key: string): Promise<string | undefined> {
    return this.#live(key)?.fingerprint;
  }

  /** Not `async`: a kept frame resolves to the one {@link APPENDED} promise. */
  append(key: string, frame: SseFrame): Promise<boolean> {
    return this.#append(this.#entries.get(key), frame);
  }

  /**
   * {@link append} for the answer `key` as it is now: the handler's writer
   * of that answer, which finds its entry once, not once a frame (the
   * lookup was about 0.7 µs a token at 500 answers in flight). A dropped
   * entry is ended, so a writer never writes into a later answer with the
   * same key.
   */
  [writerOf](key: string): (frame: SseFrame) => Promise<boolean> {
    const entry = this.#entries.get(key);
    return (frame) => this.#append(entry, frame);
  }

  #append(entry: Entry | undefined, frame: SseFrame): Promise<boolean> {
    if (!entry || entry.ended) return NOT_APPENDED;
    if (frame.event !== 'error' && entry.size + frame.data.length > this.#maxAnswerSize) return NOT_APPENDED;
    const kept = entry.frames.push(frame);
    entry.size += frame.data.length;
    entry.kept += kept;
    this.#size += kept;
    wakeAll(entry, frame);
    // Over budget: forget finished answers, never one still being written.
    if (this.#size > this.#maxSize) {
      for (const oldest of this.#finished.keys()) {
        if (this.#size <= this.#maxSize) break;
        this.#drop(oldest);
      }
    }
    return APPENDED;
  }

  async end(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (!entry || entry.ended) return;
    entry.ended = true;
    entry.endedAt = Date.now();
    entry.frames.seal();
    this.#finished.set(key, entry);
    wakeAll(entry);
  }

  async delete(key: string): Promise<void> {
    this.#drop(key);
  }

  read(key: string, afterId: number, signal: AbortSignal): AsyncIterable<SseFrame> {
    // Looked up on the first read, as a generator would.
    return {
      [Symbol.asyncIterator]: () => {
        const entry = this.#live(key);
        return entry ? new EntryReader(entry, afterId, signal) : EMPTY_READ;
      },
    };
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
    this.#size -= entry.kept;
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
