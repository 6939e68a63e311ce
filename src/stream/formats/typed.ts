/**
 * Events named by a `type` (OpenAI Responses, AI SDK UI message chunks,
 * AG-UI, Anthropic deltas): which types carry answer text or end the
 * stream, shared by the families, which decide which types are theirs.
 */
import { extraction, isString, noAnswer, skip, type Json } from './json.js';
import type { ExtractResult } from './types.js';

/** Types whose string `delta` is answer text. */
const TEXT_DELTAS = new Set(
  'response.output_text.delta response.refusal.delta text-delta TEXT_MESSAGE_CONTENT TEXT_MESSAGE_CHUNK'.split(' '),
);

/** Types whose string `delta` is model reasoning. */
const REASONING_DELTAS = new Set(
  `response.reasoning_summary_text.delta response.reasoning_text.delta reasoning-delta
  THINKING_TEXT_MESSAGE_CONTENT REASONING_MESSAGE_CONTENT REASONING_MESSAGE_CHUNK`.split(/\s+/),
);

/**
 * Types that are the stream's own end. `abort` ends an AI SDK stream on
 * purpose (the server's run was stopped): nothing more will come, so it is
 * the end, not a cut.
 */
const ENDS = new Set('response.completed response.incomplete message_stop finish abort RUN_FINISHED'.split(' '));

/** `value[key]` as answer text or reasoning, as `kind` says; else why not (`what` names the event). */
export function readField(value: Json, key: string, kind: 'text' | 'reasoning', what: string): ExtractResult {
  const field = value[key];
  return isString(field) ? extraction({ [kind]: field }, `empty ${what}`) : skip(`${what} without a string ${key}`);
}

/** Reads an event of a type its family has claimed; the types not listed above carry nothing for the answer. */
export function readTyped(value: Json, type: string): ExtractResult {
  if (ENDS.has(type)) return { done: true };
  if (TEXT_DELTAS.has(type)) return readField(value, 'delta', 'text', type);
  return REASONING_DELTAS.has(type) ? readField(value, 'delta', 'reasoning', type) : noAnswer(type);
}
