/**
 * Ollama `/api/chat` and `/api/generate`: NDJSON lines, or one JSON body with
 * `stream: false`. See test/fixtures/ollama-and-openai-compat.md.
 */
import { at, extraction, isObject, isString, list, newKey, notText, str, toolDelta, type Json } from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

/** `done` is a boolean on every line, with `message` (chat) or `response` (generate). */
const isOllama = (value: Json) =>
  typeof value.done === 'boolean' && (isObject(value.message) || isString(value.response));

function read(value: Json): ExtractResult {
  // /api/chat nests the text in `message`; /api/generate sends it as `response`.
  const { message } = value;
  const source: Json = isObject(message) ? message : { content: value.response, thinking: value.thinking };
  const { content, thinking } = source;
  const problem = notText('content', content) ?? notText('thinking', thinking) ?? 'a line without text';
  // Calls arrive whole, `arguments` an object, usually without an id.
  const calls = list(source.tool_calls);
  const parts = [
    { reasoning: str(thinking), text: str(content) },
    ...calls.map((call: unknown) =>
      toolDelta(newKey(), at(call, 'id'), at(call, 'function', 'name'), {
        input: at(call, 'function', 'arguments') ?? {},
      }),
    ),
  ];
  return extraction({ parts, done: value.done === true }, problem);
}

/** Every stream ends with a `done: true` line (the JS client throws without it). */
export const createOllamaReader = (): FamilyReader => ({
  name: 'ollama',
  expectsTerminal: true,
  event: ({ value }) => (isObject(value) && isOllama(value) ? read(value) : undefined),
});

/** A `stream: false` body. */
export const readOllamaBody = (value: Json): ExtractResult | undefined => (isOllama(value) ? read(value) : undefined);
