/**
 * Format decisions that do not need a whole event: the response's
 * `Content-Type` and headers, and the reading of a complete JSON body.
 */
import { readAnthropicMessage } from './anthropic.js';
import { readGeminiResponse } from './gemini.js';
import { readGenericBody } from './generic.js';
import { errorInObject, extraction, isObject, mergeResults, skip, type Json } from './json.js';
import { readOllamaBody } from './ollama.js';
import { readOpenAiCompletion } from './openai.js';
import { readResponsesBody } from './openai-responses.js';
import type { DetectedFormat, ExtractResult } from './types.js';

/** How the transport must read a body, by its content type. */
export type BodyKind = 'sse' | 'ndjson' | 'json' | 'plain';

/** `text/event-stream; charset=utf-8` → `text/event-stream` (media types are case-insensitive). */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
]);

/**
 * Which reader method a body goes to: `sse` → parser → `event()`, `ndjson` →
 * `createLineSplitter` → `line()`, `json` → `complete()`, `plain` →
 * `plain()`. `undefined` for anything else (an HTML error page, say).
 */
export function bodyKind(contentType: string): BodyKind | undefined {
  const type = mediaType(contentType);
  if (type === 'text/event-stream') return 'sse';
  if (NDJSON_TYPES.has(type)) return 'ndjson';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'text/plain') return 'plain';
  return undefined;
}

/** A response header by case-insensitive name, from a `Headers` or a plain record. */
export function headerValue(headers: Headers | Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return String(value);
  return undefined;
}

/** The AI SDK 4 data stream header (`X-Vercel-AI-Data-Stream: v1`) is present. */
export const isDataStream = (headers: Headers | Record<string, string> | undefined) =>
  headerValue(headers, 'x-vercel-ai-data-stream') !== undefined;

/**
 * What the content type and headers alone decide: `json` for a JSON body,
 * `ai-sdk` for the AI SDK headers (`x-vercel-ai-ui-message-stream` on SSE,
 * `x-vercel-ai-data-stream` on text/plain). Everything else waits for the
 * body: NDJSON for its first line (Ollama, or another shape), SSE for its
 * events, text/plain for its first characters (an AI SDK 4 data stream is
 * often served without its header).
 */
export function formatFromHeaders(
  contentType: string,
  headers: Headers | Record<string, string> | undefined,
): DetectedFormat | undefined {
  const kind = bodyKind(contentType);
  if (kind === 'json') return 'json';
  if (kind === 'sse' && headerValue(headers, 'x-vercel-ai-ui-message-stream') !== undefined) return 'ai-sdk';
  if (kind === 'plain' && isDataStream(headers)) return 'ai-sdk';
  return undefined;
}

/** The complete-body shapes, most specific first. */
const BODY_READERS: ((value: Json) => ExtractResult | undefined)[] = [
  readOpenAiCompletion,
  readResponsesBody,
  readAnthropicMessage,
  readGeminiResponse,
  readOllamaBody,
  readGenericBody,
];

function readBodyObject(value: unknown): ExtractResult {
  if (typeof value === 'string') return extraction({ text: value, done: true }, 'an empty string');
  if (!isObject(value)) return skip('a JSON body that is neither an object nor a string');
  const error = errorInObject(value);
  if (error !== undefined) return { error, done: true };
  for (const read of BODY_READERS) {
    const result = read(value);
    if (result) return result;
  }
  return skip('no answer in this JSON body');
}

/**
 * A complete, non-streamed answer: an OpenAI `chat.completion`, a Responses
 * `response`, an Anthropic `message`, a Gemini response (or, without
 * `alt=sse`, an array of them), an Ollama `stream: false` body,
 * `{"content"|"text"|"message"|"reply"|"answer"|"output"|"response": …}`, or
 * a bare JSON string. Always `done` when read.
 */
export function readCompleteBody(value: unknown): ExtractResult {
  if (!Array.isArray(value)) return readBodyObject(value);
  const result = mergeResults(value.map(readBodyObject), 'no answer in this JSON array');
  return 'skipped' in result ? result : { ...result, done: true };
}
