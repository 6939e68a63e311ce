import { fail, formatBytes } from '../errors.js';
import { createLineSplitter, type BodyKind, type ReaderInput } from './formats/index.js';
import { createSseParser, SseLineTooLongError } from './sse-parser.js';

/** What a body piece holds for the answer reader, or a `retry:` field for the retry policy. */
export type BodyInput = ReaderInput | { retry: number };

/**
 * Turns the bytes of one response into reader inputs, by kind of body: one
 * entry for every piece, so the caller's loop stays the only loop. Throws a
 * `StreamFailureError` for an oversized event, unreadable JSON, or an HTML
 * page sent as text.
 */
export interface BodyReader {
  read(bytes: Uint8Array): BodyInput[];
  /** The body ended cleanly: what was buffered, then `{ end: true }`. */
  end(): BodyInput[];
  /**
   * For the debug log, once the body ended: a warning when a body that
   * should stream came in `reads` = 1 network read although it held several
   * pieces of answer (events, lines, words), which is what a buffering proxy
   * or compression middleware does to a stream.
   */
  bufferedNotice(reads: number): string | undefined;
}

/** More pieces than this in one read: not streamed (two fit in one packet by chance). */
const BUFFERED_PIECES = 2;

function notice(reads: number, pieces: number, unit: string): string | undefined {
  if (reads !== 1 || pieces <= BUFFERED_PIECES) return undefined;
  return `the response arrived in one piece (${pieces} ${unit} at once): a proxy or compression is buffering the stream (send Cache-Control: no-transform)`;
}

/** An HTML page (a login form, a proxy's error page) whatever its content type claims. */
export const looksLikeHtml = (text: string) => /^\s*<(!doctype\s+html|html|head|body)[\s>]/i.test(text);

/** The longest line or event, in characters: the client's policy, the spec sets none. */
const MAX_EVENT_LENGTH = 1024 * 1024;

/** Enough of a body that starts with `<` to tell an HTML page (`<!doctype html>` is the longest opening). */
const HTML_SNIFF_LENGTH = 16;

function sseInputs(maxEventLength: number): BodyReader {
  let out: BodyInput[] = [];
  let events = 0;
  const parser = createSseParser({
    onEvent: (event, carriesId) => (events++, out.push({ event, carriesId })),
    onRetry: (ms) => out.push({ retry: ms }),
    maxLineLength: maxEventLength,
  });
  const take = (step: () => void) => {
    out = [];
    try {
      step();
    } catch (error) {
      if (error instanceof SseLineTooLongError) fail('event-too-large', { limit: formatBytes(error.limit) });
      throw error;
    }
    return out;
  };
  return {
    read: (bytes) => take(() => parser.feed(bytes)),
    end: () => [...take(() => parser.end()), { end: true }],
    bufferedNotice: (reads) => notice(reads, events, 'events'),
  };
}

function ndjsonInputs(maxEventLength: number): BodyReader {
  let out: BodyInput[] = [];
  const splitter = createLineSplitter((line) => {
    if (line.length > maxEventLength) fail('event-too-large', { limit: formatBytes(maxEventLength) });
    out.push({ line });
  });
  let lines = 0;
  const take = (step: () => void) => ((out = []), step(), (lines += out.length), out);
  return {
    read: (bytes) => take(() => splitter.feed(bytes)),
    end: () => [...take(() => splitter.end()), { end: true }],
    bufferedNotice: (reads) => notice(reads, lines, 'lines'),
  };
}

/**
 * A text/plain body is the answer as it comes, except when it is an HTML page
 * (a login page answered with 200): that must fail as `text/html` does, not
 * be shown as the answer. The start is held back until it can tell.
 */
function plainInputs(status: number): BodyReader {
  const decoder = new TextDecoder();
  let held: string | undefined = '';
  // Words, for the buffering notice: a word cut between two reads counts twice, which only matters past one read.
  let words = 0;
  const pass = (text: string, final: boolean): BodyInput[] => {
    words += text.match(/\S+/g)?.length ?? 0;
    if (held !== undefined) {
      held += text;
      const start = held.trimStart();
      // Only a body that opens with `<` is held back, and only until it can tell.
      if (!final && (start === '' || (start[0] === '<' && start.length < HTML_SNIFF_LENGTH))) return [];
      if (looksLikeHtml(start)) fail('not-a-stream', { status, contentType: 'text/html' });
      text = held;
      held = undefined;
    }
    return text ? [{ text }] : [];
  };
  return {
    read: (bytes) => pass(decoder.decode(bytes, { stream: true }), false),
    end: () => [...pass(decoder.decode(), true), { end: true }],
    bufferedNotice: (reads) => notice(reads, words, 'words'),
  };
}

/** One complete JSON body: collected, then parsed once. */
function jsonInputs(status: number): BodyReader {
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  return {
    read: (bytes) => (pieces.push(decoder.decode(bytes, { stream: true })), []),
    end: () => {
      pieces.push(decoder.decode());
      let json: unknown;
      try {
        json = JSON.parse(pieces.join(''));
      } catch (cause) {
        return fail('bad-json', { status }, cause);
      }
      return [{ json }, { end: true }];
    },
    // One JSON body is whole by design.
    bufferedNotice: () => undefined,
  };
}

export function createBodyReader(kind: BodyKind, status: number, maxEventLength = MAX_EVENT_LENGTH): BodyReader {
  switch (kind) {
    case 'sse':
      return sseInputs(maxEventLength);
    case 'ndjson':
      return ndjsonInputs(maxEventLength);
    case 'plain':
      return plainInputs(status);
    case 'json':
      return jsonInputs(status);
  }
}
