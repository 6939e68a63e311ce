/**
 * Events named by a `type` (OpenAI Responses, Anthropic deltas, AI SDK UI
 * message chunks, AG-UI): one table of what each type carries, shared by the
 * families, which decide which types are theirs.
 */
import { extraction, notText, skip, type Json } from './json.js';
import type { ExtractResult } from './types.js';

/**
 * `kind field`: the event's string `field` is answer `text` or `reasoning`;
 * `done`: the stream's own end. A type not listed carries nothing for the
 * answer (tool-call arguments, full-text repeats, lifecycle events).
 */
const TYPED: Record<string, string> = {
  'response.output_text.delta': 'text delta',
  'response.refusal.delta': 'text delta',
  'response.reasoning_summary_text.delta': 'reasoning delta',
  'response.reasoning_text.delta': 'reasoning delta',
  'response.completed': 'done',
  'response.incomplete': 'done',
  // Anthropic `content_block_delta` deltas (and, by the same field, block starts).
  text_delta: 'text text',
  thinking_delta: 'reasoning thinking',
  message_stop: 'done',
  'text-delta': 'text delta',
  'reasoning-delta': 'reasoning delta',
  finish: 'done',
  // `abort` ends the stream on purpose (the server's run was stopped);
  // nothing more will come, so it is the stream's end, not a cut.
  abort: 'done',
  TEXT_MESSAGE_CONTENT: 'text delta',
  TEXT_MESSAGE_CHUNK: 'text delta',
  THINKING_TEXT_MESSAGE_CONTENT: 'reasoning delta',
  REASONING_MESSAGE_CONTENT: 'reasoning delta',
  REASONING_MESSAGE_CHUNK: 'reasoning delta',
  RUN_FINISHED: 'done',
};

/** Reads an event of a type its family has claimed. */
export function readTyped(value: Json, type: string): ExtractResult {
  const action = TYPED[type];
  // `typeof`: a type such as `constructor` finds Object.prototype, not an entry.
  if (typeof action !== 'string') return skip(`${type} carries no answer text`);
  if (action === 'done') return { done: true };
  const [kind, key] = action.split(' ') as ['text' | 'reasoning', string];
  const field = value[key];
  if (typeof field === 'string') return extraction({ [kind]: field }, `empty ${type}`);
  return skip(notText(key, field) ?? `${type} without ${key}`);
}
