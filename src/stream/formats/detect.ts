/**
 * Format decisions that do not need a whole event: the response's
 * `Content-Type` and headers, and the reading of a complete JSON body.
 */
import { readAnthropicMessage } from './anthropic.js';
import { readGeminiResponse } from './gemini.js';
import { readGenericBody } from './generic.js';
import { errorInObject, extraction, isArray, isObject, isString, mergeResults, skip, type Json } from './json.js';
import { readOllamaBody } from './ollama.js';
import { readOpenAiCompletion } from './openai.js';
import { readResponsesBody } from './openai-responses.js';
import { isSkipped, type DetectedFormat, type ExtractResult } from './types.js';

/** How the transport must read a body, by its content type. */
export type BodyKind = 'sse' | 'ndjson' | 'json' | 'plain';

/** `text/event-stream; charset=utf-8` → `text/event-stream` (media types are case-insensitive). */
export const mediaType = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

/**
 * Which reader method a body goes to: `sse` → parser → `event()`, `ndjson` →
 * `createLineSplitter` → `line()`, `json` → `complete()`, `plain` →
 * `plain()`. `undefined` for anything else (an HTML error page, say).
 */
export function bodyKind(contentType: string): BodyKind | undefined {
  const type = mediaType(contentType);
  if (type === 'text/event-stream') return 'sse';
  if (/^application\/(x-)?(ndjson|jsonl|jsonlines)$/.test(type)) return 'ndjson';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  return type === 'text/plain' ? 'plain' : undefined;
}

/** Whether a response header is present, by case-insensitive name, in a `Headers` or a plain record. */
const hasHeader = (headers: Headers | Record<string, string> | undefined, name: string): boolean =>
  headers instanceof Headers ? headers.has(name) : Object.keys(headers ?? {}).some((key) => key.toLowerCase() === name);

/** The AI SDK 4 data stream header (`X-Vercel-AI-Data-Stream: v1`) is present. */
export const isDataStream = (headers: Headers | Record<string, string> | undefined) =>
  hasHeader(headers, 'x-vercel-ai-data-stream');

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
  if (kind === 'sse' && hasHeader(headers, 'x-vercel-ai-ui-message-stream')) return 'ai-sdk';
  return kind === 'plain' && isDataStream(headers) ? 'ai-sdk' : undefined;
}

/** The complete-body shapes, most specific first; what they read is always `done`. */
const BODY_READERS: ((value: Json) => ExtractResult | undefined)[] = [
  readOpenAiCompletion,
  readResponsesBody,
  readAnthropicMessage,
  readGeminiResponse,
  readOllamaBody,
  readGenericBody,
];

const NO_ANSWER = 'no answer in this JSON body';

function readBodyObject(value: unknown): ExtractResult {
  if (isString(value)) return extraction({ text: value, done: true });
  if (!isObject(value)) return skip(NO_ANSWER);
  const error = errorInObject(value);
  if (error !== undefined) return { error, done: true };
  for (const read of BODY_READERS) {
    const result = read(value);
    // A shape with nothing to show (a Gemini usage-only body, say) is still a complete answer.
    if (result) return { ...(isSkipped(result) ? {} : result), done: true };
  }
  return skip(NO_ANSWER);
}

/**
 * A complete, non-streamed answer: an OpenAI `chat.completion`, a Responses
 * `response`, an Anthropic `message`, a Gemini response (or, without
 * `alt=sse`, an array of them), an Ollama `stream: false` body,
 * `{"content"|"text"|"message"|"reply"|"answer"|"output"|"response": …}`, or
 * a bare JSON string. Always `done` when read.
 */
export const readCompleteBody = (value: unknown): ExtractResult =>
  // Every body read is `done`, so the merged array is too.
  isArray(value) ? mergeResults(value.map(readBodyObject), NO_ANSWER) : readBodyObject(value);
