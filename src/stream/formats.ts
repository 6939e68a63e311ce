import type { StreamEvent } from './types.js';

/**
 * What one event contributes to the answer. An event may carry several parts
 * at once (a last text delta together with the end marker, say).
 */
export interface Extraction {
  /** Answer text to append. */
  text?: string;
  /** Model reasoning to append; never mixed into `text`. */
  reasoning?: string;
  /** The stream's own end marker (`[DONE]` and the like). */
  done?: boolean;
  /** The provider reported a failure inside the stream. */
  error?: string;
}

/** An event that carries nothing for the reader, with the reason (for `debug` logs). */
export interface Skipped {
  skipped: string;
}

export type ExtractResult = Extraction | Skipped;

export const isSkipped = (result: ExtractResult): result is Skipped => 'skipped' in result;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The readable message of an `error` field in the shapes providers use. */
export function errorMessage(error: unknown): string | undefined {
  if (typeof error === 'string') return error || 'Unknown error';
  if (isObject(error)) {
    if (typeof error.message === 'string') return error.message;
    if (typeof error.type === 'string') return error.type;
    return 'Unknown error';
  }
  return undefined;
}

/** OpenAI Chat Completions chunk: `choices[0].delta.content`. */
function openAiChunk(value: Json): ExtractResult | undefined {
  if (!Array.isArray(value.choices)) return undefined;
  const delta = isObject(value.choices[0]) ? value.choices[0].delta : undefined;
  if (!isObject(delta)) return { skipped: 'a chunk without a delta' };
  return typeof delta.content === 'string' ? { text: delta.content } : { skipped: 'a delta without text' };
}

/** `{"content": "..."}` from hand-written backends. */
function contentField(value: Json): ExtractResult | undefined {
  return typeof value.content === 'string' ? { text: value.content } : undefined;
}

const EXTRACTORS = [openAiChunk, contentField];

/**
 * Reads one event of an answer stream. Never throws: an event it cannot read
 * is reported as skipped, so one malformed event never ends the stream.
 */
export function extractEvent(event: StreamEvent): ExtractResult {
  const data = event.data.trim();
  if (data === '[DONE]') return { done: true };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { skipped: 'not JSON' };
  }
  if (!isObject(value)) return { skipped: 'not a JSON object' };
  const error = errorMessage(value.error);
  if (error !== undefined) return { error };
  for (const extract of EXTRACTORS) {
    const result = extract(value);
    if (result) return result;
  }
  return { skipped: 'no answer text in this event' };
}

/** Reads a complete, non-streamed JSON answer (`application/json`). */
export function extractCompleteAnswer(value: unknown): ExtractResult {
  if (!isObject(value)) return { skipped: 'not a JSON object' };
  const error = errorMessage(value.error);
  if (error !== undefined) return { error };
  if (Array.isArray(value.choices) && isObject(value.choices[0]) && isObject(value.choices[0].message)) {
    const content = value.choices[0].message.content;
    if (typeof content === 'string') return { text: content, done: true };
  }
  const result = contentField(value);
  return result && !isSkipped(result) ? { ...result, done: true } : { skipped: 'no answer text in this body' };
}
