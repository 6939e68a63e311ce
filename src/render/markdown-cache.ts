import { createMarkdownStream, type Block, type MarkdownSnapshot, type MarkdownStream } from './markdown.js';

interface Entry {
  stream: MarkdownStream;
  /** How much of the text the stream has been given, and its last character. */
  length: number;
  last: number;
  done: boolean;
  /** The caller's name for a text that is not the last one grown (see `get`). */
  version: number;
  /** How many pieces (see `firstPieces`) the last snapshot showed. */
  shown: number;
  /** The last snapshot shown whole: asked again (a finished answer, each render), it is not walked again. */
  whole?: MarkdownSnapshot;
  /** The last snapshot left pieces for later renders: asked for every message on every frame, so kept, not worked out. */
  behind?: boolean;
}

/**
 * How much more a snapshot shows than the last one, in pieces (see
 * `weight`). 4 KB of one-letter paragraphs is 1,365 blocks, which Lit and
 * layout took 150-300 ms to build in one frame; 290 table rows 100-350 ms;
 * 125 code chunks (8,000 lines) 70-260 ms of layout.
 */
const NEW_PIECES = 200;

/** The parts of a top-level block (table, list, quote, code) that a flood can be made of. */
const FLOODS = ['rows', 'items', 'children', 'chunks'];

/** What a part weighs, in pieces: a code chunk (64 lines) 16, a table row 1 and its cells, a list item or quoted block 1. */
const weight = (part: unknown) => (typeof part === 'string' ? 16 : Array.isArray(part) ? 1 + part.length : 1);

/**
 * `doc` with at most `limit` pieces, and how many pieces `doc` has. A
 * top-level block is one piece, its FLOODS parts weigh what `weight` says,
 * and each piece of rest is one. A block cut short is a copy holding its
 * first parts, open (so never cached).
 */
function firstPieces(doc: MarkdownSnapshot, limit: number): [MarkdownSnapshot, number] {
  let count = 0;
  let blocks: Block[] | undefined;
  doc.blocks.forEach((block, i) => {
    const key = FLOODS.find((name) => name in block)!;
    const parts = (block as unknown as Record<string, readonly unknown[]>)[key] ?? [];
    const before = count++;
    let fit = 0;
    for (const part of parts) if ((count += weight(part)) <= limit) fit++;
    if (!blocks && count > limit) {
      blocks = doc.blocks.slice(0, i);
      if (before < limit) blocks.push({ ...block, [key]: parts.slice(0, fit), closed: false } as Block);
    }
  });
  const rest = doc.rest.slice(0, blocks ? 0 : limit - count);
  return [blocks || rest.length < doc.rest.length ? { ...doc, blocks: blocks ?? doc.blocks, rest } : doc, count + doc.rest.length];
}

/**
 * One markdown stream per message, fed with what the message's text grew by
 * since the last call. Call it from `render()` with the whole text: a frame
 * then parses only the characters that arrived since the previous frame, and a
 * message restored whole is parsed once.
 *
 * Text is expected to grow by appending; if it shrinks or its last seen
 * character changed, the message is parsed again from the start.
 */
export class MarkdownCache<K extends object> {
  #entries = new WeakMap<K, Entry>();
  #onBehind: (() => void) | undefined;

  /**
   * With `onBehind`, a flood of new blocks is shown over several renders:
   * a snapshot shows at most NEW_PIECES more pieces (see `firstPieces`)
   * than the last one, and `onBehind` is called (in a microtask, so after
   * the render that asked) to ask for another render, until the whole text
   * is shown. Without it every snapshot is whole.
   */
  constructor(onBehind?: () => void) {
    this.#onBehind = onBehind;
  }

  /** Whether the last snapshot of `key` left pieces for later renders (see `onBehind`). */
  behind(key: K): boolean {
    const entry = this.#entries.get(key);
    return !!entry?.behind;
  }

  /**
   * The snapshot of `text` for `key`; `done` (the answer is complete) closes
   * every block. A new `version` says the text changed other than by
   * growing (citation markers placed in a finished answer): parsed again.
   */
  get(key: K, text: string, done: boolean, version = 0): MarkdownSnapshot {
    let entry = this.#entries.get(key);
    if (
      !entry ||
      entry.version !== version ||
      text.length < entry.length ||
      (entry.length && text.charCodeAt(entry.length - 1) !== entry.last)
    ) {
      // A text parsed again (its citations placed) shows at once what it showed before.
      entry = { stream: createMarkdownStream(), length: 0, last: 0, done: false, version, shown: entry?.shown ?? 0 };
      this.#entries.set(key, entry);
    }
    if (text.length > entry.length && !entry.done) {
      entry.stream.append(text.slice(entry.length));
      entry.length = text.length;
      entry.last = text.charCodeAt(text.length - 1);
    }
    if (done) {
      // A no-op on a stream that has ended already.
      entry.stream.end();
      entry.done = true;
    }
    const doc = entry.stream.snapshot();
    if (!this.#onBehind || doc === entry.whole) return doc;
    const [shown, all] = firstPieces(doc, entry.shown + NEW_PIECES);
    entry.behind = shown !== doc;
    if (shown === doc) {
      entry.shown = all;
      entry.whole = doc;
    } else {
      // The pieces not shown yet come in the next renders; the text after them waits.
      entry.shown += NEW_PIECES;
      queueMicrotask(this.#onBehind);
    }
    return shown;
  }
}
