import { createMarkdownStream, type Block, type MarkdownSnapshot, type MarkdownStream } from './markdown.js';

interface Entry {
  stream: MarkdownStream;
  /** How much of the text the stream has been given, and its last character. */
  length: number;
  last: number;
  done: boolean;
  /** The caller's name for a text that is not the last one grown (see `get`). */
  version: number;
  /** How many pieces (see `pieces`) the last snapshot showed. */
  shown: number;
}

/**
 * New pieces a snapshot shows beyond the last one's. 4 KB of one-letter
 * paragraphs is 1,365 blocks, which Lit and layout took 150-300 ms to build
 * in one frame; 4 KB of table rows, 290 rows, took 100-350 ms.
 */
const NEW_PIECES = 200;

/** The parts of a top-level block that a flood can be made of: a snapshot may show some of them. */
const FLOODS: Partial<Record<Block['type'], string>> = { table: 'rows', list: 'items', blockquote: 'children', code: 'chunks' };

const partsOf = (block: Block): readonly unknown[] =>
  (block as unknown as Record<string, readonly unknown[] | undefined>)[FLOODS[block.type]!] ?? [];

/**
 * `doc` with its first `limit` pieces: a top-level block is one, and so is
 * each of its rows, items, children or code chunks, and each piece of rest.
 * A block cut short is a copy holding its first parts, open (so never cached).
 */
function firstPieces(doc: MarkdownSnapshot, limit: number): MarkdownSnapshot {
  const blocks: Block[] = [];
  for (const block of doc.blocks) {
    const parts = partsOf(block);
    if (limit <= parts.length) {
      if (limit > 0) blocks.push({ ...block, [FLOODS[block.type]!]: parts.slice(0, limit - 1), closed: false } as Block);
      return { ...doc, blocks, rest: [] };
    }
    blocks.push(block);
    limit -= 1 + parts.length;
  }
  return { ...doc, blocks, rest: doc.rest.slice(0, limit) };
}

const pieces = (doc: MarkdownSnapshot) => doc.blocks.reduce((sum, block) => sum + 1 + partsOf(block).length, doc.rest.length);

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
   * than the last one, and `onBehind` is called (in a microtask, so after the render that
   * asked) to ask for another render, until the whole text is shown. Without
   * it every snapshot is whole.
   */
  constructor(onBehind?: () => void) {
    this.#onBehind = onBehind;
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
    if (!this.#onBehind) return doc;
    const all = pieces(doc);
    const shown = entry.shown + NEW_PIECES;
    if (all <= shown) {
      entry.shown = all;
      return doc;
    }
    // The pieces not shown yet come in the next renders; the text after them waits.
    entry.shown = shown;
    queueMicrotask(this.#onBehind);
    return firstPieces(doc, shown);
  }
}
