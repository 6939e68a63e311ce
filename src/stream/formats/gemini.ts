/**
 * Google Gemini `streamGenerateContent?alt=sse` (and the non-streamed
 * `generateContent` body): every event is a whole GenerateContentResponse.
 * See test/fixtures/gemini.md.
 */
import { extraction, isObject, skip, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

function isGemini(value: Json): boolean {
  if (Array.isArray(value.candidates)) return true;
  if ('choices' in value || 'type' in value) return false;
  return isObject(value.promptFeedback) || isObject(value.usageMetadata);
}

/** Text and reasoning of `candidates[0]`, and its finish reason. */
function readResponse(value: Json): { result: ExtractResult; finishReason?: string } {
  const candidates = Array.isArray(value.candidates) ? value.candidates : [];
  const candidate = candidates.find((c) => isObject(c) && (c.index === 0 || c.index === undefined)) ?? candidates[0];
  if (!isObject(candidate)) {
    // A blocked prompt: promptFeedback.blockReason and no candidates.
    const feedback = isObject(value.promptFeedback) ? value.promptFeedback : {};
    if (typeof feedback.blockReason === 'string') {
      return { result: { error: `The prompt was blocked (${feedback.blockReason}).` } };
    }
    return { result: skip('a response without candidates (usage metadata)') };
  }
  let text = '';
  let reasoning = '';
  const parts = isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
  for (const part of parts) {
    // functionCall, executableCode, inlineData and bare thoughtSignature parts add nothing.
    if (!isObject(part) || typeof part.text !== 'string') continue;
    if (part.thought === true) reasoning += part.text;
    else text += part.text;
  }
  const finishReason = typeof candidate.finishReason === 'string' ? candidate.finishReason : undefined;
  const reason = finishReason ? `finish chunk (${finishReason})` : 'a candidate without text';
  return { result: extraction({ text, reasoning }, reason), finishReason };
}

class Gemini implements FamilyReader {
  readonly name = 'gemini';
  /** No sentinel: the last chunk is the one with `finishReason`. */
  #owed = true;

  get expectsTerminal(): boolean {
    return this.#owed;
  }

  event({ value }: EventInput): ExtractResult | undefined {
    if (!isObject(value) || !isGemini(value)) return undefined;
    const { result, finishReason } = readResponse(value);
    if (Array.isArray(value.candidates) && value.candidates.length > 0) this.#owed = !finishReason;
    return result;
  }
}

export const createGeminiReader = (): FamilyReader => new Gemini();

/** A non-streamed `generateContent` body. */
export function readGeminiResponse(value: Json): ExtractResult | undefined {
  if (!isGemini(value)) return undefined;
  const { result } = readResponse(value);
  return 'skipped' in result ? { done: true } : { ...result, done: true };
}
