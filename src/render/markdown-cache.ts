import { createMarkdownStream, type MarkdownSnapshot, type MarkdownStream } from './markdown.js';

interface Entry {
  stream: MarkdownStream;
  /** How much of the text the stream has been given, and its last character. */
  length: number;
  last: number;
  done: boolean;
  /** The caller's name for a text that is not the last one grown (see `get`). */
  version: number;
  /** Top-level blocks and rest pieces the last snapshot showed. */
  shown: number;
}

/**
 * New top-level blocks (and pieces of plain rest) a snapshot shows beyond
 * the last one's. 4 KB of one-letter paragraphs is 1,365 blocks, which Lit
 * and layout took 150-300 ms to build in one frame.
 */
const NEW_BLOCKS = 200;

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
   * a snapshot shows at most NEW_BLOCKS more top-level blocks than the last
   * one, and `onBehind` is called (in a microtask, so after the render that
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
    const { blocks, rest } = doc;
    const shown = entry.shown + NEW_BLOCKS;
    if (!this.#onBehind || blocks.length + rest.length <= shown) {
      entry.shown = blocks.length + rest.length;
      return doc;
    }
    // The blocks not shown yet come in the next renders; the text after them waits.
    entry.shown = shown;
    queueMicrotask(this.#onBehind);
    return { ...doc, blocks: blocks.slice(0, shown), rest: rest.slice(0, Math.max(0, shown - blocks.length)) };
  }
}
