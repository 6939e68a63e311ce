import type { PartDelta } from '../parts.js';
import type { StreamEvent } from '../types.js';

/**
 * Values of the `format` attribute. `auto` detects; every other value pins a
 * format (which still falls back to detection for events it does not match).
 */
export const FORMATS = [
  'auto',
  'openai',
  'openai-responses',
  'anthropic',
  'gemini',
  'ai-sdk',
  'ollama',
  'text',
] as const;

export type FormatName = (typeof FORMATS)[number];

/**
 * What a reader reports as the format it is reading: a pinnable format, or
 * `generic` (the `{content}` / `{text}` / `{delta}` shapes, LangServe,
 * LangGraph, AG-UI) or `json` (one complete, non-streamed body).
 */
export type DetectedFormat = Exclude<FormatName, 'auto'> | 'generic' | 'json';

/**
 * What one event contributes to the answer. An event may carry several parts
 * at once (a last text delta together with the end marker, say).
 */
export interface Extraction {
  /** Answer text to append. */
  text?: string;
  /** Model reasoning to append; never mixed into `text`. */
  reasoning?: string;
  /** The format's own end-of-stream marker (`[DONE]`, `message_stop`, ...). */
  done?: boolean;
  /** The provider reported a failure inside the stream: its readable message. */
  error?: string;
  /**
   * Present only when the event carries more than text and reasoning (a tool
   * call, a source, a file): every piece of the event in order, its text and
   * reasoning deltas included, for `createPartsBuilder` (src/stream/parts.ts).
   * `text` and `reasoning` still hold the joined text, so a consumer that
   * only shows text can ignore it; its presence means the answer has content.
   */
  parts?: PartDelta[];
}

/** An event that carries nothing for the answer, with the reason (for `debug` logs). */
export interface Skipped {
  skipped: string;
}

export type ExtractResult = Extraction | Skipped;

export const isSkipped = (result: ExtractResult): result is Skipped => 'skipped' in result;

/**
 * Integrator hook, called first for every event. Return `undefined` to hand
 * the event to the built-in detection.
 */
export type ParseEvent = (event: StreamEvent) => Extraction | undefined;

export interface AnswerReaderOptions {
  /** `auto` to detect, or a format to pin. */
  format: FormatName;
  /** The response's `Content-Type` (parameters allowed). */
  contentType: string;
  /** Response headers: `x-vercel-ai-ui-message-stream` and `x-vercel-ai-data-stream` are read. */
  headers?: Headers | Record<string, string>;
  parseEvent?: ParseEvent;
}

/**
 * One piece of a body as the answer reader takes it: an SSE event (with
 * whether its block had an `id:` of its own), an NDJSON line, decoded
 * text/plain, a complete JSON body, or the end of the body.
 */
export type ReaderInput =
  | { event: StreamEvent; carriesId?: boolean }
  | { line: string }
  | { text: string }
  | { json: unknown }
  | { end: true };

export interface AnswerReader {
  /**
   * The format detected (or pinned) so far: one of FORMATS minus 'auto', or
   * 'generic' / 'json', or undefined before any decision.
   */
  readonly format: string | undefined;
  /**
   * Read it when the body ends without a `done`: true when the format read so
   * far has an end marker that has not arrived, so the stream was cut.
   */
  readonly expectsTerminal: boolean;
  /** Any input: the one entry the stream controller uses; the methods below are its cases. */
  read(input: ReaderInput): ExtractResult;
  /** An SSE event (from the parser). */
  event(event: StreamEvent): ExtractResult;
  /** One NDJSON line (application/x-ndjson, Ollama /api/chat). */
  line(line: string): ExtractResult;
  /** A complete non-streamed JSON body (application/json). */
  complete(value: unknown): ExtractResult;
  /** A raw chunk of a text/plain body, already decoded. */
  plain(chunk: string): ExtractResult;
  /** The body ended: flush any buffered plain-text remainder. */
  end(): ExtractResult;
}

/** One event as the format families see it. */
export interface EventInput {
  /** The SSE `event` field (`message` when none was named, and for NDJSON lines). */
  type: string;
  /** The event's data, as dispatched. */
  data: string;
  /** `data` parsed as JSON; `undefined` when it is not JSON. */
  value: unknown;
}

/**
 * The reader of one format family. It keeps its own per-stream state, so a
 * fresh one is made for every answer.
 */
export interface FamilyReader {
  /** The name reported as `AnswerReader.format` when this family decides the stream. */
  readonly name: DetectedFormat;
  /** See `AnswerReader.expectsTerminal`, for this family's events so far. */
  readonly expectsTerminal: boolean;
  /** Reads one event; `undefined` means the event is not of this family. */
  event(input: EventInput): ExtractResult | undefined;
}
