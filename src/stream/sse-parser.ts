/**
 * A DOM-free reader for `text/event-stream` bodies.
 *
 * It follows WHATWG HTML § 9.2.6 "Interpreting an event stream"
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
 * and is checked against `test/data/sse-vectors.json` (web-platform-tests
 * and spec examples), whole and split at every byte offset.
 *
 * Cost is linear in the input: each decoded character is scanned once, and an
 * unfinished line is kept as a list of pieces that is joined only once, when
 * its line end arrives.
 */
import type { StreamEvent } from './types.js';

/** Options for {@link createSseParser}. */
export interface SseParserOptions {
  /**
   * Called for every dispatched event, in order. `carriesId` is true when the
   * event's own block had an `id:` field (the spec's `id` persists across
   * events, so `event.id` alone cannot tell). Should not throw: an exception
   * propagates out of `feed()` and the rest of that chunk is not read.
   */
  onEvent(event: StreamEvent, carriesId: boolean): void;
  /**
   * Called with a valid `retry:` value (ASCII digits only) in ms. The value is
   * not clamped: it may be 0 or huge (even `Infinity` for an absurdly long
   * digit string), so clamp it before handing it to `setTimeout`.
   */
  onRetry?(ms: number): void;
  /**
   * Called for each comment line with the text after the colon, exactly as
   * sent: the leading space is NOT removed, so `: ping` arrives as `" ping"`.
   * Comments are never dispatched as events.
   */
  onComment?(text: string): void;
  /**
   * Longest line accepted, in UTF-16 code units (line end excluded); default
   * 1 MiB (1_048_576). A longer line makes `feed()` throw
   * {@link SseLineTooLongError}, also while the line is still unfinished, so
   * an endless line cannot exhaust memory. The same limit caps the data of
   * one event (the `data` values joined with LF), so many short `data:`
   * lines cannot build an unbounded event either.
   */
  maxLineLength?: number;
}

/**
 * Thrown by `feed()` when a line, or the data of one event, is longer than
 * `maxLineLength`. The spec sets no limit; this is the client's policy.
 * After it is thrown the parser is finished: every later `feed()` throws it
 * again. Abort the request; retrying would most likely meet the same line.
 */
export class SseLineTooLongError extends Error {
  /** The `maxLineLength` that was exceeded, in UTF-16 code units. */
  readonly limit: number;

  constructor(limit: number) {
    super(`Event stream line or event data longer than ${limit} UTF-16 code units`);
    this.name = 'SseLineTooLongError';
    this.limit = limit;
  }
}

/** An event-stream reader fed with raw response bytes. */
export interface SseParser {
  /** Feed raw response bytes; may be split anywhere, including inside a UTF-8 sequence or between CR and LF. */
  feed(bytes: Uint8Array): void;
  /**
   * The body ended: flush the decoder. An unfinished final event (no blank
   * line after it) is NOT dispatched, per spec, and an `id:` inside it does
   * not reach `lastEventId`.
   *
   * The parser may then be fed the body of a reconnection: `lastEventId`
   * carries over (as EventSource keeps it across reconnects) and a BOM at the
   * start of the new body is dropped again.
   */
  end(): void;
  /** The last event ID as the spec defines it (persists across events). Useful for Last-Event-ID on reconnect. */
  readonly lastEventId: string;
}

/** Default for {@link SseParserOptions.maxLineLength}: 1 MiB. */
const DEFAULT_MAX_LINE_LENGTH = 1_048_576;

const LF = 0x0a;
const CR = 0x0d;

/** "consists of only ASCII digits" (§ 9.2.6, `retry`); empty is ignored. */
const ASCII_DIGITS = /^[0-9]+$/;

/**
 * Creates an event-stream reader.
 *
 * @example
 * const parser = createSseParser({ onEvent: (e) => console.log(e.event, e.data) });
 * for await (const chunk of response.body) parser.feed(chunk);
 * parser.end();
 */
export function createSseParser(options: SseParserOptions): SseParser {
  return new EventStreamReader(options);
}

/** Index of the next CR or LF at or after `from`, or -1. */
function nextLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === LF || code === CR) return i;
  }
  return -1;
}

class EventStreamReader implements SseParser {
  readonly #options: SseParserOptions;
  readonly #maxLength: number;
  #decoder = new TextDecoder('utf-8');
  #error: SseLineTooLongError | undefined;

  // Line splitting state.
  /** Pieces of the line that has not seen its line end yet. */
  #pieces: string[] = [];
  #piecesLength = 0;
  /** The previous chunk ended with CR: an LF starting the next one belongs to it. */
  #pendingCr = false;

  // The spec's buffers (§ 9.2.6). The data buffer is kept as its lines, so
  // "append value + LF" and "remove the trailing LF" become one join.
  #dataLines: string[] = [];
  #dataLength = 0;
  #eventType = '';
  #lastEventIdBuffer = '';
  /** The block being read had an `id:` field of its own. */
  #blockHasId = false;
  /** The "last event ID string": set only when a block is dispatched. */
  #lastEventId = '';

  constructor(options: SseParserOptions) {
    this.#options = options;
    this.#maxLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  feed(bytes: Uint8Array): void {
    if (this.#error) throw this.#error;
    // {stream: true} keeps a UTF-8 sequence cut by the chunk boundary for
    // the next call; the decoder drops one BOM at the start of the stream
    // only (Encoding Standard "UTF-8 decode"), never a later U+FEFF.
    this.#readText(this.#decoder.decode(bytes, { stream: true }));
  }

  end(): void {
    // Flushing can only yield a U+FFFD for a cut sequence, never a line end,
    // so it could only lengthen the unfinished last line, which is discarded.
    this.#decoder.decode();
    // § 9.2.6: "Once the end of the file is reached, any pending data must
    // be discarded." The id buffer restarts from the committed last event ID,
    // as browsers do when they reconnect.
    this.#pieces = [];
    this.#piecesLength = 0;
    this.#pendingCr = false;
    this.#resetEvent();
    this.#lastEventIdBuffer = this.#lastEventId;
  }

  /** Splits decoded text into lines; CRLF, LF and CR all end a line. */
  #readText(text: string): void {
    let start = 0;
    if (this.#pendingCr && text.length > 0) {
      this.#pendingCr = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    while (start < text.length) {
      const end = nextLineEnd(text, start);
      if (end === -1) {
        this.#keepPiece(text.slice(start));
        return;
      }
      this.#readLine(this.#finishLine(text.slice(start, end)));
      start = end + 1;
      if (text.charCodeAt(end) === CR) {
        if (start === text.length) this.#pendingCr = true;
        else if (text.charCodeAt(start) === LF) start++;
      }
    }
  }

  /** Buffers the start of a line whose end has not arrived yet. */
  #keepPiece(piece: string): void {
    this.#checkLength(this.#piecesLength + piece.length);
    this.#pieces.push(piece);
    this.#piecesLength += piece.length;
  }

  /** Joins the buffered pieces with the last one: each line is joined once. */
  #finishLine(lastPiece: string): string {
    if (this.#pieces.length === 0) {
      this.#checkLength(lastPiece.length);
      return lastPiece;
    }
    this.#checkLength(this.#piecesLength + lastPiece.length);
    this.#pieces.push(lastPiece);
    const line = this.#pieces.join('');
    this.#pieces = [];
    this.#piecesLength = 0;
    return line;
  }

  #checkLength(length: number): void {
    if (length > this.#maxLength) {
      this.#error = new SseLineTooLongError(this.#maxLength);
      throw this.#error;
    }
  }

  /** § 9.2.6: blank line, comment, or field. */
  #readLine(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 0x3a /* : */) {
      this.#options.onComment?.(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    if (colon === -1) {
      // A line without a colon is a field name with an empty value.
      this.#processField(line, '');
      return;
    }
    let value = line.slice(colon + 1);
    // Only one U+0020 SPACE is removed; a tab or a second space stays.
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    this.#processField(line.slice(0, colon), value);
  }

  /** § 9.2.6 "process the field". Names are case-sensitive; others are ignored. */
  #processField(name: string, value: string): void {
    switch (name) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#appendData(value);
        break;
      case 'id':
        // An id containing NULL is ignored entirely; the old value stays.
        if (!value.includes('\0')) {
          this.#lastEventIdBuffer = value;
          this.#blockHasId = true;
        }
        break;
      case 'retry':
        if (ASCII_DIGITS.test(value)) this.#options.onRetry?.(Number(value));
        break;
    }
  }

  #appendData(value: string): void {
    // Length of the data as it would be dispatched: values joined with LF.
    const length = this.#dataLength + (this.#dataLines.length > 0 ? 1 : 0) + value.length;
    this.#checkLength(length);
    this.#dataLines.push(value);
    this.#dataLength = length;
  }

  /** § 9.2.6 "dispatch the event", for a blank line. */
  #dispatch(): void {
    // The last event ID string is set even when nothing is dispatched, so an
    // id-only block still counts for Last-Event-ID.
    this.#lastEventId = this.#lastEventIdBuffer;
    if (this.#dataLines.length === 0) {
      this.#resetEvent();
      return;
    }
    const event: StreamEvent = {
      // Each data line added value + LF; joining with LF drops the last one.
      data: this.#dataLines.join('\n'),
      event: this.#eventType || 'message',
      id: this.#lastEventId,
    };
    const carriesId = this.#blockHasId;
    // Reset first, so the parser is consistent even if onEvent throws.
    this.#resetEvent();
    this.#options.onEvent(event, carriesId);
  }

  /** Clears the data and event type buffers (not the last event ID). */
  #resetEvent(): void {
    this.#dataLines = [];
    this.#dataLength = 0;
    this.#eventType = '';
    this.#blockHasId = false;
  }
}
