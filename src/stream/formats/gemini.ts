/**
 * Google Gemini `streamGenerateContent?alt=sse` (and the non-streamed
 * `generateContent` body): every event is a whole GenerateContentResponse.
 * See test/fixtures/gemini.md.
 */
import { at, extraction, isArray, isObject, isString, skip, str, type Json } from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

const isGemini = (value: Json): boolean =>
  isArray(value.candidates) ||
  (!('choices' in value || 'type' in value) && (isObject(value.promptFeedback) || isObject(value.usageMetadata)));

/** Text and reasoning of `candidates[0]`, and its finish reason ('' when none). */
function readResponse(value: Json): [result: ExtractResult, finishReason: string] {
  const candidates = isArray(value.candidates) ? value.candidates : [];
  const candidate = candidates.find((c) => isObject(c) && (c.index === 0 || c.index === undefined)) ?? candidates[0];
  if (!isObject(candidate)) {
    // A blocked prompt: promptFeedback.blockReason and no candidates.
    const blockReason = at(value, 'promptFeedback', 'blockReason');
    if (isString(blockReason)) return [{ error: `The prompt was blocked (${blockReason}).` }, ''];
    return [skip('a response without candidates'), ''];
  }
  const answer = { text: '', reasoning: '' };
  const parts = at(candidate, 'content', 'parts');
  for (const part of isArray(parts) ? parts : []) {
    // functionCall, executableCode, inlineData and bare thoughtSignature parts add nothing.
    if (isObject(part) && isString(part.text)) answer[part.thought === true ? 'reasoning' : 'text'] += part.text;
  }
  const finishReason = str(candidate.finishReason);
  const reason = finishReason ? `finish chunk (${finishReason})` : 'a candidate without text';
  return [extraction(answer, reason), finishReason];
}

export function createGeminiReader(): FamilyReader {
  /** No sentinel: the last chunk is the one with `finishReason`. */
  let owed = true;
  return {
    name: 'gemini',
    get expectsTerminal() {
      return owed;
    },
    event({ value }) {
      if (!isObject(value) || !isGemini(value)) return undefined;
      const [result, finishReason] = readResponse(value);
      if (isArray(value.candidates) && value.candidates.length > 0) owed = !finishReason;
      return result;
    },
  };
}

/** A non-streamed `generateContent` body. */
export const readGeminiResponse = (value: Json): ExtractResult | undefined =>
  isGemini(value) ? readResponse(value)[0] : undefined;
