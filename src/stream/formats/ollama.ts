/**
 * Ollama `/api/chat` and `/api/generate`: NDJSON lines, or one JSON body with
 * `stream: false`. See test/fixtures/ollama-and-openai-compat.md.
 */
import { extraction, isArray, isObject, isString, notText, str, type Json } from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

/** `done` is a boolean on every line, with `message` (chat) or `response` (generate). */
const isOllama = (value: Json) =>
  typeof value.done === 'boolean' && (isObject(value.message) || isString(value.response));

function read(value: Json): ExtractResult {
  // /api/chat nests the text in `message`; /api/generate sends it as `response`.
  const { message } = value;
  const source: Json = isObject(message) ? message : { content: value.response, thinking: value.thinking };
  const { content, thinking } = source;
  const problem =
    notText('content', content) ??
    notText('thinking', thinking) ??
    (isArray(source.tool_calls) ? 'tool call' : 'a line without text');
  return extraction({ text: str(content), reasoning: str(thinking), done: value.done === true }, problem);
}

/** Every stream ends with a `done: true` line (the JS client throws without it). */
export const createOllamaReader = (): FamilyReader => ({
  name: 'ollama',
  expectsTerminal: true,
  event: ({ value }) => (isObject(value) && isOllama(value) ? read(value) : undefined),
});

/** A `stream: false` body. */
export const readOllamaBody = (value: Json): ExtractResult | undefined => (isOllama(value) ? read(value) : undefined);
