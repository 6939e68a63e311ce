/**
 * Hand-written backends: `{"content"}`, `{"text"}`, `{"delta"}` (llama.cpp
 * `/completion`, Deep Chat, and many more), AG-UI events, and plain text in
 * `data:` lines. See test/fixtures/generic.md.
 */
import type { CumulativeText } from './cumulative.js';
import {
  errorText,
  extraction,
  isArray,
  isObject,
  isString,
  mergeResults,
  readContent,
  skip,
  str,
  type Json,
} from './json.js';
import { readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

export function createGenericReader(cumulative: CumulativeText): FamilyReader {
  /**
   * llama.cpp `/completion` marks every event with `stop` and the last with
   * `stop: true` (others use `done`); AG-UI runs end with RUN_FINISHED.
   */
  let hasEnd = false;
  return {
    name: 'generic',
    get expectsTerminal() {
      return hasEnd;
    },
    event({ value }) {
      if (!isObject(value)) return undefined;
      const { type } = value;
      if (isString(type)) {
        // A `type` means a protocol of its own: `{"type":"…","delta"}` is a
        // Vercel, AG-UI or Responses part, never a bare generic delta. Only
        // AG-UI (docs.ag-ui.com, SCREAMING_CASE types) is read here; its
        // TOOL_CALL_ARGS also has a string `delta`, which is tool input.
        if (!/^[A-Z][A-Z_]*$/.test(type)) return undefined;
        hasEnd = true;
        return type === 'RUN_ERROR' ? { error: errorText(value) } : readTyped(value, type);
      }
      const parts: ExtractResult[] = [];
      for (const key of ['content', 'text', 'delta'] as const) {
        let field = value[key];
        if (field === undefined) continue;
        // `{"delta": {"content"|"text": …}}`
        const inner = isObject(field) ? (field.content ?? field.text) : undefined;
        if (key === 'delta' && isString(inner)) field = inner;
        if (isString(field)) {
          parts.push(key === 'delta' ? extraction({ text: field }, 'empty delta') : cumulative(field));
        } else if (key === 'content' && isArray(field)) {
          parts.push(extraction(readContent(field), 'content parts without text'));
        } else parts.push(skip(`${key} is not a string`));
      }
      const thought = ['reasoning', 'reasoning_content', 'thinking'].find((key) => isString(value[key]));
      if (thought) parts.push(extraction({ reasoning: value[thought] as string }, `empty ${thought}`));
      // An end flag on every event (`stop`, `done`) promises a last one set to true.
      for (const flag of [value.stop, value.done]) {
        if (typeof flag !== 'boolean') continue;
        hasEnd = true;
        parts.push(extraction({ done: flag }));
      }
      return parts.length > 0 ? mergeResults(parts, 'no answer text in this event') : undefined;
    },
  };
}

/** Complete-answer keys of a non-streamed body, in the order they are tried. */
const ANSWER_KEYS = ['content', 'text', 'message', 'reply', 'answer', 'output', 'response'];

/** `{"content"|"text"|"message"|"reply"|"answer"|"output"|"response": …}` as a complete answer. */
export function readGenericBody(value: Json): ExtractResult | undefined {
  for (const key of ANSWER_KEYS) {
    const answer = value[key];
    if (isString(answer)) return extraction({ text: answer, reasoning: str(value.reasoning) });
    // `{"message": {"role": "assistant", "content": …}}` and content-part lists.
    if (isObject(answer) && (isString(answer.content) || isArray(answer.content))) {
      return readGenericBody(answer);
    }
    if (isArray(answer) && answer.every((part) => isString(part) || isObject(part))) {
      const parts = readContent(answer);
      if (parts.text || parts.reasoning) return extraction(parts);
    }
  }
  return undefined;
}
