/**
 * OpenAI Responses API (`POST /v1/responses`, `stream: true`): `event:`
 * lines whose names repeat `data.type`, no `[DONE]`.
 * See test/fixtures/openai-responses.md.
 */
import { at, errorText, extraction, isArray, isObject, isString, readContent, skip, type Json } from './json.js';
import { readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

export function createOpenAiResponsesReader(): FamilyReader {
  let reasoningShown = false;
  return {
    name: 'openai-responses',
    expectsTerminal: true,
    event({ type, value }) {
      // Forwarded streams may drop the event name; data.type still carries it.
      const name = [isObject(value) && value.type, type].find((t) => isString(t) && t.startsWith('response.'));
      if (!isString(name)) return undefined;
      if (!isObject(value)) return skip(`${name} without a JSON object`);
      if (name === 'response.reasoning_summary_part.added') {
        // Each summary part is a paragraph with its own bold title; keep
        // them apart rather than glued together.
        return reasoningShown ? { reasoning: '\n\n' } : skip('first reasoning summary part');
      }
      if (name === 'response.failed') {
        const failed = isObject(at(value, 'response', 'error'));
        return { error: failed ? errorText(value.response) : 'The response failed.', done: true };
      }
      const result = readTyped(value, name);
      if ('reasoning' in result) reasoningShown = true;
      return result;
    },
  };
}

/** A non-streamed Responses API body (`object: "response"`). */
export function readResponsesBody(value: Json): ExtractResult | undefined {
  if (value.object !== 'response' || !isArray(value.output)) return undefined;
  if (value.status === 'failed' && isObject(value.error)) return { error: errorText(value) };
  let text = '';
  const reasoning: string[] = [];
  for (const item of value.output) {
    if (!isObject(item)) continue;
    if (item.type === 'message' && isArray(item.content)) text += readContent(item.content).text;
    if (item.type === 'reasoning' && isArray(item.summary)) {
      for (const part of item.summary) if (isObject(part) && isString(part.text)) reasoning.push(part.text);
    }
  }
  return extraction({ text, reasoning: reasoning.join('\n\n') });
}
