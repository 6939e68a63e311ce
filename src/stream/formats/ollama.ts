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
  const { message } = value;
  let { response: content, thinking } = value;
  let problem: string | undefined;
  if (isObject(message)) {
    ({ content, thinking } = message);
    problem = notText('message.content', content) ?? notText('message.thinking', thinking);
    if (!problem && isArray(message.tool_calls)) problem = 'tool call';
  }
  const done = value.done === true;
  return extraction({ text: str(content), reasoning: str(thinking), done }, problem ?? 'a line without text');
}

/** Every stream ends with a `done: true` line (the JS client throws without it). */
export const createOllamaReader = (): FamilyReader => ({
  name: 'ollama',
  expectsTerminal: true,
  event: ({ value }) => (isObject(value) && isOllama(value) ? read(value) : undefined),
});

/** A `stream: false` body. */
export const readOllamaBody = (value: Json): ExtractResult | undefined => (isOllama(value) ? read(value) : undefined);
