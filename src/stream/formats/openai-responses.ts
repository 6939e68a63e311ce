/**
 * OpenAI Responses API (`POST /v1/responses`, `stream: true`): `event:`
 * lines whose names repeat `data.type`, no `[DONE]`.
 * See test/fixtures/openai-responses.md.
 */
import { parseToolInput, type PartDelta } from '../parts.js';
import {
  at,
  errorText,
  extraction,
  isArray,
  isObject,
  isString,
  noAnswer,
  readContent,
  skip,
  sourceDelta,
  str,
  toolDelta,
  type Json,
} from './json.js';
import { readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

/**
 * `url_citation` annotations of an item's content parts (one annotation, in
 * `annotation.added`); `end_index` counts code points of the output text.
 */
const citations = (content: unknown): PartDelta[] =>
  [content]
    .flat()
    .flatMap((part) => (isObject(part) ? [part, part.annotations].flat() : []))
    .flatMap((note) =>
      isObject(note) && note.type === 'url_citation' ? [sourceDelta(note.url, note.title, note.end_index)] : [],
    );

/**
 * The pieces of an output item. Every `*_call` item is a tool call, keyed by
 * its item id: with a `call_id` (function, custom, computer, shell calls) the
 * page answers it and `call_id` is its id; without, the server ran it
 * (`web_search_call`, `mcp_call`, `code_interpreter_call`...), so its `.done`
 * item is its end. `done` says the item is complete.
 */
function readItem(item: unknown, done: boolean): PartDelta[] {
  if (!isObject(item)) return [];
  const { type, id, call_id: callId, arguments: args } = item;
  if (type === 'message') return citations(item.content);
  if (!/_call$/.test(str(type))) return [];
  const name = item.name ?? str(type).slice(0, -5);
  if (!done) return [toolDelta(id, callId ?? id, name, { args: str(args) })];
  const input = isString(args) ? parseToolInput(args) : (item.input ?? item.action ?? {});
  const server = callId === undefined && { output: item.output, state: 'output-available' as const };
  return [toolDelta(id, callId ?? id, name, { input, ...server })];
}

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
      if (name.startsWith('response.output_item.')) {
        return extraction({ parts: readItem(value.item, name.endsWith('done')) }, noAnswer(name).skipped);
      }
      if (name === 'response.output_text.annotation.added') {
        return extraction({ parts: citations(value.annotation) }, noAnswer(name).skipped);
      }
      // Argument fragments of a function, custom tool or MCP call, then the whole arguments.
      const [, end] = /_(?:arguments|input)\.(delta|done)$/.exec(name) ?? [];
      if (end === 'delta') return { parts: [toolDelta(value.item_id, 0, 0, { args: str(value.delta) })] };
      if (end) {
        const input = parseToolInput(str(value.arguments ?? value.input));
        return { parts: [toolDelta(value.item_id, 0, 0, { input })] };
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
  const parts: PartDelta[] = [];
  let reasoning = false;
  for (const item of value.output) {
    if (!isObject(item)) continue;
    if (item.type === 'message' && isArray(item.content)) parts.push({ text: readContent(item.content).text });
    if (item.type === 'reasoning' && isArray(item.summary)) {
      for (const part of item.summary) {
        if (!isObject(part) || !isString(part.text)) continue;
        // Summary parts are paragraphs, kept apart as when they stream.
        parts.push({ reasoning: (reasoning ? '\n\n' : '') + part.text });
        reasoning = true;
      }
    }
    parts.push(...readItem(item, true));
  }
  return extraction({ parts });
}
