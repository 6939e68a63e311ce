/**
 * Google Gemini `streamGenerateContent?alt=sse` (and the non-streamed
 * `generateContent` body): every event is a whole GenerateContentResponse.
 * See test/fixtures/gemini.md.
 */
import type { PartDelta } from '../parts.js';
import { at, extraction, isArray, isObject, isString, list, newKey, skip, sourceDelta, str, toolDelta, type Json } from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

/**
 * Call keys by name: a `functionResponse` names its call (the latest of that
 * name), as Gemini gives no call ids (newer models may).
 */
type Calls = Map<string, unknown>;

const isGemini = (value: Json): boolean =>
  isArray(value.candidates) ||
  (!('choices' in value || 'type' in value) && (isObject(value.promptFeedback) || isObject(value.usageMetadata)));

/**
 * Text, reasoning, calls (`functionCall`, with `args` an object), call
 * results (`functionResponse`) and grounding sources (`groundingMetadata.groundingChunks[].web`,
 * cited where `groundingSupports` say) of `candidates[0]`, and
 * its finish reason ('' when none).
 */
function readResponse(value: Json, calls: Calls): [result: ExtractResult, finishReason: string] {
  const candidates = list(value.candidates);
  const candidate = candidates.find((c) => isObject(c) && (c.index === 0 || c.index === undefined)) ?? candidates[0];
  if (!isObject(candidate)) {
    // A blocked prompt: promptFeedback.blockReason and no candidates.
    const blockReason = at(value, 'promptFeedback', 'blockReason');
    if (isString(blockReason)) return [{ error: `The prompt was blocked (${blockReason}).` }, ''];
    return [skip('a response without candidates'), ''];
  }
  const parts: PartDelta[] = [];
  const content = at(candidate, 'content', 'parts');
  for (const part of list(content)) {
    if (!isObject(part)) continue;
    const { text, functionCall: call, functionResponse: response } = part;
    // executableCode, inlineData and bare thoughtSignature parts add nothing.
    if (isString(text)) parts.push({ [part.thought === true ? 'reasoning' : 'text']: text });
    if (isObject(call)) {
      const key = call.id ?? newKey();
      calls.set(str(call.name), key);
      parts.push(toolDelta(key, call.id, call.name, { input: call.args ?? {} }));
    }
    if (isObject(response)) {
      const key = response.id ?? calls.get(str(response.name)) ?? newKey();
      parts.push(toolDelta(key, response.id, response.name, { output: response.response }));
    }
  }
  const chunks = at(candidate, 'groundingMetadata', 'groundingChunks');
  const webOf = (index: unknown) => at(list(chunks)[index as number], 'web');
  for (const chunk of list(chunks)) {
    const web = at(chunk, 'web');
    if (isObject(web)) parts.push(sourceDelta(web.uri, web.title));
  }
  // Which words each source backs: `segment.endIndex` counts UTF-8 bytes of the text.
  const supports = at(candidate, 'groundingMetadata', 'groundingSupports');
  for (const support of list(supports)) {
    const indices = at(support, 'groundingChunkIndices');
    for (const index of list(indices)) {
      const web = webOf(index);
      if (isObject(web)) parts.push(sourceDelta(web.uri, web.title, at(support, 'segment', 'endIndex'), true));
    }
  }
  const finishReason = str(candidate.finishReason);
  const reason = finishReason ? `finish chunk (${finishReason})` : 'a candidate without text';
  return [extraction({ parts }, reason), finishReason];
}

export function createGeminiReader(): FamilyReader {
  /** No sentinel: the last chunk is the one with `finishReason`. */
  let owed = true;
  const calls: Calls = new Map();
  return {
    name: 'gemini',
    get expectsTerminal() {
      return owed;
    },
    event({ value }) {
      if (!isObject(value) || !isGemini(value)) return undefined;
      const [result, finishReason] = readResponse(value, calls);
      if (isArray(value.candidates) && value.candidates.length > 0) owed = !finishReason;
      return result;
    },
  };
}

/** A non-streamed `generateContent` body. */
export const readGeminiResponse = (value: Json): ExtractResult | undefined =>
  isGemini(value) ? readResponse(value, new Map())[0] : undefined;
