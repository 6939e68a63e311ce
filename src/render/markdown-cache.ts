import { createMarkdownStream, type MarkdownSnapshot, type MarkdownStream } from './markdown.js';

interface Entry {
  stream: MarkdownStream;
  /** How much of the text the stream has been given, and its last character. */
  length: number;
  last: number;
  done: boolean;
  /** The caller's name for a text that is not the last one grown (see `get`). */
  version: number;
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
      entry = { stream: createMarkdownStream(), length: 0, last: 0, done: false, version };
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
    return entry.stream.snapshot();
  }
}
