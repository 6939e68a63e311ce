/**
 * OpenAI Responses API (`POST /v1/responses`, `stream: true`): `event:`
 * lines whose names repeat `data.type`, no `[DONE]`.
 * See test/fixtures/openai-responses.md.
 */
import { errorText, extraction, isObject, notText, readParts, skip, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

class OpenAiResponses implements FamilyReader {
  readonly name = 'openai-responses';
  readonly expectsTerminal = true;
  #reasoningShown = false;

  event({ type, value }: EventInput): ExtractResult | undefined {
    // Forwarded streams may drop the event name; data.type still carries it.
    const name =
      isObject(value) && typeof value.type === 'string' && value.type.startsWith('response.')
        ? value.type
        : type.startsWith('response.')
          ? type
          : undefined;
    if (name === undefined) return undefined;
    if (!isObject(value)) return skip(`${name} without a JSON object`);
    switch (name) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return typeof value.delta === 'string'
          ? extraction({ text: value.delta }, 'empty delta')
          : skip(notText('delta', value.delta) ?? 'no delta');
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        if (typeof value.delta !== 'string') return skip(notText('delta', value.delta) ?? 'no delta');
        if (value.delta) this.#reasoningShown = true;
        return extraction({ reasoning: value.delta }, 'empty delta');
      }
      case 'response.reasoning_summary_part.added':
        // Each summary part is a paragraph with its own bold title; keep
        // them apart rather than glued together.
        return this.#reasoningShown ? { reasoning: '\n\n' } : skip('first reasoning summary part');
      case 'response.completed':
      case 'response.incomplete':
        return { done: true };
      case 'response.failed': {
        const response = isObject(value.response) ? value.response : {};
        return { error: isObject(response.error) ? errorText(response) : 'The response failed.', done: true };
      }
      default:
        // Full-text repeats (*.done, content_part.done, output_item.done),
        // tool-call arguments, lifecycle events: never appended.
        return skip(`${name} carries no answer text`);
    }
  }
}

export const createOpenAiResponsesReader = (): FamilyReader => new OpenAiResponses();

/** A non-streamed Responses API body (`object: "response"`). */
export function readResponsesBody(value: Json): ExtractResult | undefined {
  if (value.object !== 'response' || !Array.isArray(value.output)) return undefined;
  if (value.status === 'failed' && isObject(value.error)) return { error: errorText(value), done: true };
  let text = '';
  const reasoning: string[] = [];
  for (const item of value.output) {
    if (!isObject(item)) continue;
    if (item.type === 'message' && Array.isArray(item.content)) text += readParts(item.content).text;
    if (item.type === 'reasoning' && Array.isArray(item.summary)) {
      for (const part of item.summary) if (isObject(part) && typeof part.text === 'string') reasoning.push(part.text);
    }
  }
  return extraction({ text, reasoning: reasoning.join('\n\n'), done: true });
}
