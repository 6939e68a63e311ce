/**
 * Hand-written backends: `{"content"}`, `{"text"}`, `{"delta"}` (llama.cpp
 * `/completion`, Deep Chat, and many more), AG-UI events, and plain text in
 * `data:` lines. See test/fixtures/generic.md.
 */
import type { CumulativeText } from './cumulative.js';
import { errorText, extraction, isObject, mergeResults, notText, readParts, skip, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

/** AG-UI (docs.ag-ui.com) event types that carry the answer or end the run. */
function readAgUi(value: Json, type: string): ExtractResult | undefined {
  if (!/^[A-Z][A-Z_]*$/.test(type)) return undefined;
  switch (type) {
    case 'TEXT_MESSAGE_CONTENT':
    case 'TEXT_MESSAGE_CHUNK':
      return typeof value.delta === 'string'
        ? extraction({ text: value.delta }, 'empty delta')
        : skip(notText('delta', value.delta) ?? `${type} without delta`);
    case 'THINKING_TEXT_MESSAGE_CONTENT':
    case 'REASONING_MESSAGE_CONTENT':
    case 'REASONING_MESSAGE_CHUNK':
      return typeof value.delta === 'string'
        ? extraction({ reasoning: value.delta }, 'empty delta')
        : skip(notText('delta', value.delta) ?? `${type} without delta`);
    case 'RUN_FINISHED':
      return { done: true };
    case 'RUN_ERROR':
      return { error: errorText(value) };
    default:
      // TOOL_CALL_ARGS also has a string `delta`: it is tool input, not text.
      return skip(`${type} carries no answer text`);
  }
}

class Generic implements FamilyReader {
  readonly name = 'generic';
  readonly #cumulative: CumulativeText;
  /**
   * llama.cpp `/completion` marks every event with `stop` and the last with
   * `stop: true` (others use `done`); AG-UI runs end with RUN_FINISHED.
   */
  #hasEnd = false;

  constructor(cumulative: CumulativeText) {
    this.#cumulative = cumulative;
  }

  get expectsTerminal(): boolean {
    return this.#hasEnd;
  }

  event({ value }: EventInput): ExtractResult | undefined {
    if (!isObject(value)) return undefined;
    if (typeof value.type === 'string') {
      // A `type` means a protocol of its own: `{"type":"…","delta"}` is a
      // Vercel, AG-UI or Responses part, never a bare generic delta.
      const result = readAgUi(value, value.type);
      if (result) this.#hasEnd = true;
      return result;
    }
    const parts: ExtractResult[] = [];
    let known = false;
    const { content, text, delta } = value;
    if (content !== undefined) {
      known = true;
      if (typeof content === 'string') parts.push(this.#cumulative.next(content));
      else if (Array.isArray(content)) parts.push(extraction(readParts(content), 'content parts without text'));
      else parts.push(skip(notText('content', content) ?? 'content is null'));
    }
    if (text !== undefined) {
      known = true;
      if (typeof text === 'string') parts.push(this.#cumulative.next(text));
      else parts.push(skip(notText('text', text) ?? 'text is null'));
    }
    if (delta !== undefined) {
      known = true;
      if (typeof delta === 'string') parts.push(extraction({ text: delta }, 'empty delta'));
      else if (isObject(delta) && typeof (delta.content ?? delta.text) === 'string') {
        parts.push(extraction({ text: (delta.content ?? delta.text) as string }, 'empty delta'));
      } else parts.push(skip(notText('delta', delta) ?? 'delta is null'));
    }
    for (const key of ['reasoning', 'reasoning_content', 'thinking'] as const) {
      const thought = value[key];
      if (typeof thought === 'string') {
        known = true;
        parts.push(extraction({ reasoning: thought }, `empty ${key}`));
        break;
      }
    }
    // An end flag on every event (`stop`, `done`) promises a last one set to true.
    for (const flag of [value.stop, value.done]) {
      if (typeof flag !== 'boolean') continue;
      known = true;
      this.#hasEnd = true;
      if (flag) parts.push({ done: true });
    }
    return known ? mergeResults(parts, 'no answer text in this event') : undefined;
  }
}

export const createGenericReader = (cumulative: CumulativeText): FamilyReader => new Generic(cumulative);

/** Complete-answer keys of a non-streamed body, in the order they are tried. */
const ANSWER_KEYS = ['content', 'text', 'message', 'reply', 'answer', 'output', 'response'] as const;

/** `{"content"|"text"|"message"|"reply"|"answer"|"output"|"response": …}` as a complete answer. */
export function readGenericBody(value: Json): ExtractResult | undefined {
  for (const key of ANSWER_KEYS) {
    const answer = value[key];
    if (typeof answer === 'string') {
      const reasoning = typeof value.reasoning === 'string' ? value.reasoning : '';
      return extraction({ text: answer, reasoning, done: true });
    }
    // `{"message": {"role": "assistant", "content": …}}` and content-part lists.
    if (isObject(answer) && (typeof answer.content === 'string' || Array.isArray(answer.content))) {
      return readGenericBody(answer);
    }
    if (Array.isArray(answer) && answer.every((part) => typeof part === 'string' || isObject(part))) {
      const parts = readParts(answer);
      if (parts.text || parts.reasoning) return extraction({ ...parts, done: true });
    }
  }
  return undefined;
}
