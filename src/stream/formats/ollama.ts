/**
 * Ollama `/api/chat` and `/api/generate`: NDJSON lines, or one JSON body with
 * `stream: false`. See test/fixtures/ollama-and-openai-compat.md.
 */
import { extraction, isObject, notText, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

/** `done` is a boolean on every line, with `message` (chat) or `response` (generate). */
const isOllama = (value: Json) =>
  typeof value.done === 'boolean' && (isObject(value.message) || typeof value.response === 'string');

function read(value: Json): ExtractResult {
  let text = '';
  let reasoning = '';
  let problem: string | undefined;
  if (isObject(value.message)) {
    const { content, thinking } = value.message;
    if (typeof content === 'string') text = content;
    else problem = notText('message.content', content);
    if (typeof thinking === 'string') reasoning = thinking;
    else problem ??= notText('message.thinking', thinking);
    if (!problem && Array.isArray(value.message.tool_calls)) problem = 'tool call';
  } else {
    text = value.response as string;
    if (typeof value.thinking === 'string') reasoning = value.thinking;
  }
  return extraction({ text, reasoning, done: value.done === true }, problem ?? 'a line without text');
}

class Ollama implements FamilyReader {
  readonly name = 'ollama';
  /** Every stream ends with a `done: true` line (the JS client throws without it). */
  readonly expectsTerminal = true;

  event({ value }: EventInput): ExtractResult | undefined {
    if (!isObject(value) || !isOllama(value)) return undefined;
    return read(value);
  }
}

export const createOllamaReader = (): FamilyReader => new Ollama();

/** A `stream: false` body. */
export function readOllamaBody(value: Json): ExtractResult | undefined {
  if (!isOllama(value)) return undefined;
  const result = read(value);
  return 'skipped' in result ? { done: true } : { ...result, done: true };
}
