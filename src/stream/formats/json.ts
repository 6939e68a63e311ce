import type { Extraction, ExtractResult, Skipped } from './types.js';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const skip = (reason: string): Skipped => ({ skipped: reason });

/** A short, single-line preview of a value for skip reasons. */
export function preview(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Why a field that should hold text does not, or `undefined` when it is absent or null. */
export function notText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return `${field} is ${Array.isArray(value) ? 'an array' : typeof value}, not a string`;
}

/**
 * Joins several results into one, in order: text and reasoning concatenated,
 * `done` if any is done, the first error kept and anything after it dropped
 * (an error ends the answer). All skipped gives one skip with the first reason.
 */
export function mergeResults(results: ExtractResult[], emptyReason: string): ExtractResult {
  let text = '';
  let reasoning = '';
  let done = false;
  let error: string | undefined;
  let anything = false;
  let reason: string | undefined;
  for (const result of results) {
    if ('skipped' in result) {
      reason ??= result.skipped;
      continue;
    }
    if (error === undefined) {
      text += result.text ?? '';
      reasoning += result.reasoning ?? '';
      if (result.error !== undefined) error = result.error;
    }
    if (result.done) done = true;
    anything = true;
  }
  if (!anything) return skip(reason ?? emptyReason);
  return extraction({ text, reasoning, done, error });
}

/** An extraction without its empty parts; a skip when nothing is left. */
export function extraction(parts: Extraction, emptyReason = 'no answer text in this event'): ExtractResult {
  const result: Extraction = {};
  if (parts.text) result.text = parts.text;
  if (parts.reasoning) result.reasoning = parts.reasoning;
  if (parts.done) result.done = true;
  if (parts.error !== undefined) result.error = parts.error;
  return Object.keys(result).length > 0 ? result : skip(emptyReason);
}

/**
 * Text and reasoning from a list of typed content parts, the shapes being
 * OpenAI-compatible `content` arrays (Mistral Magistral:
 * `{type:"thinking", thinking:[{type:"text", text}]}`), Anthropic and
 * LangChain content blocks, Responses `output_text`. Tool calls, images and
 * any unknown part add nothing.
 */
export function readParts(parts: unknown[]): { text: string; reasoning: string } {
  let text = '';
  let reasoning = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    if (!isObject(part)) continue;
    switch (part.type) {
      case 'text':
      case 'output_text':
        if (typeof part.text === 'string') text += part.text;
        break;
      case 'refusal':
        if (typeof part.refusal === 'string') text += part.refusal;
        break;
      case 'thinking':
        if (typeof part.thinking === 'string') reasoning += part.thinking;
        else if (Array.isArray(part.thinking)) {
          const inner = readParts(part.thinking);
          reasoning += inner.text + inner.reasoning;
        }
        break;
      case 'reasoning':
        if (typeof part.reasoning === 'string') reasoning += part.reasoning;
        else if (typeof part.text === 'string') reasoning += part.text;
        break;
    }
  }
  return { text, reasoning };
}

/** What `errorText` says when a payload names no message. */
export const FALLBACK_ERROR = 'The server reported an error without a message.';

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * The readable message of an error payload in the shapes providers use:
 * `{"error":{"message"}}` (OpenAI, Gemini, Anthropic, vLLM), `{"error":"..."}`
 * (Ollama, Deep Chat), `{"error":"Name","message":"..."}` (LangGraph, where
 * the string is the exception name), `{"errorText"}` (AI SDK),
 * `{"message"}` / `{"detail"}` (LangServe, flat Responses errors), or text.
 */
export function errorText(payload: unknown): string {
  if (nonEmpty(payload)) return payload;
  if (!isObject(payload)) return FALLBACK_ERROR;
  if (nonEmpty(payload.errorText)) return payload.errorText;
  const { error } = payload;
  if (isObject(error)) {
    if (nonEmpty(error.message)) return error.message;
    // Gemini: {code, message, status}; Anthropic: {type, message}.
    for (const key of ['type', 'code', 'status'] as const) {
      const value = error[key];
      if (nonEmpty(value)) return value;
    }
  }
  if (nonEmpty(payload.message)) return payload.message;
  if (nonEmpty(error)) return error;
  if (nonEmpty(payload.detail)) return payload.detail;
  return FALLBACK_ERROR;
}

/**
 * The message when a JSON object reports a failure, else `undefined`.
 * `"error": null` (inside every Responses `response` object, and in some
 * OpenAI-compatible chunks), `false` and `""` are not errors.
 */
export function errorInObject(value: Json): string | undefined {
  if (value.type === 'error') return errorText(value);
  const { error } = value;
  if (error !== undefined && error !== null && error !== false && error !== '' && error !== 0) {
    return errorText(value);
  }
  // Older vLLM-derived servers: a bare ErrorResponse {object:"error", message, ...}.
  if (value.object === 'error') return errorText(value);
  return undefined;
}
