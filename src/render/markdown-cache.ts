import { createMarkdownStream, type MarkdownSnapshot, type MarkdownStream } from './markdown.js';

interface Entry {
  stream: MarkdownStream;
  /** How much of the text the stream has been given, and its last character. */
  length: number;
  last: number;
  done: boolean;
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

  /** The snapshot of `text` for `key`; `done` (the answer is complete) closes every block. */
  get(key: K, text: string, done: boolean): MarkdownSnapshot {
    let entry = this.#entries.get(key);
    if (!entry || text.length < entry.length || (entry.length && text.charCodeAt(entry.length - 1) !== entry.last)) {
      entry = { stream: createMarkdownStream(), length: 0, last: 0, done: false };
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
