import { deltasOf, type PartDelta, type SourceDelta, type ToolDelta } from '../parts.js';
import { isSkipped, type Extraction, type ExtractResult, type Skipped } from './types.js';

export type Json = Record<string, unknown>;

export const { isArray } = Array;

/** The array, or [] for anything else: a list field a server may leave out or get wrong. */
export const list = (value: unknown): unknown[] => (isArray(value) ? value : []);

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !isArray(value);

export const skip = (reason: string): Skipped => ({ skipped: reason });

/** The skip of an event that is understood but has nothing for the answer. */
export const noAnswer = (what: string): Skipped => skip(`${what} carries no answer text`);

export const isString = (value: unknown): value is string => typeof value === 'string';

/** JSON.parse that gives `undefined` instead of throwing (it never returns `undefined` itself). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The string, or '' for anything else. */
export const str = (value: unknown): string => (isString(value) ? value : '');

/** The value at a path of object keys, or `undefined` where the path leaves objects. */
export const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce((inner, key) => (isObject(inner) ? inner[key] : undefined), value);

/** Why a field that should hold text does not, or `undefined` when it is a string, absent or null. */
export const notText = (field: string, value: unknown): string | undefined =>
  value === undefined || value === null || isString(value) ? undefined : `${field} is not a string`;

/**
 * Joins several results into one, in order: their pieces one after the
 * other, `done` if any is done, the first error kept and anything after it
 * dropped (an error ends the answer). All skipped gives one skip with the
 * first reason.
 */
export function mergeResults(results: ExtractResult[], emptyReason: string): ExtractResult {
  const read = results.filter((result): result is Extraction => !isSkipped(result));
  // All skipped: the first skip says why.
  if (read.length === 0) return results[0] ?? skip(emptyReason);
  const parts: PartDelta[] = [];
  let error: string | undefined;
  for (const result of read) {
    if (error !== undefined) break;
    parts.push(...deltasOf(result));
    error = result.error;
  }
  return extraction({ parts, done: read.some((result) => result.done), error });
}

/**
 * An extraction without its empty parts (in a fixed key order); a skip when
 * nothing is left. With `parts`, `text` and `reasoning` are their joined
 * deltas, and `parts` stays only when it holds more than text.
 */
export function extraction(fields: Extraction, emptyReason = 'no answer text in this event'): ExtractResult {
  const { parts } = fields;
  const result: Json = {};
  if (parts) {
    fields = { ...fields, text: '', reasoning: '' };
    for (const part of parts) {
      if (part.type) continue;
      fields.text += part.text ?? '';
      fields.reasoning += part.reasoning ?? '';
    }
  }
  // `error` is never '': errorText always has a message.
  for (const key of ['text', 'reasoning', 'done', 'error'] as const) if (fields[key]) result[key] = fields[key];
  if (parts?.some((part) => part.type)) result.parts = parts;
  return Object.keys(result).length > 0 ? result : skip(emptyReason);
}

/** A tool call delta; an `id` or `name` that is not a string counts as absent (''). */
export const toolDelta = (key: unknown, id: unknown, name: unknown, more?: Partial<ToolDelta>): ToolDelta => ({
  type: 'tool',
  key: String(key),
  id: str(id),
  name: str(name),
  ...more,
});

/**
 * Tracks the calls of a message whose input streams in fragments: give it
 * each event's pieces and whether the message ended there; at the end it
 * adds a completion for every call (their input can then be parsed).
 */
export function createOpenCalls(): (parts: PartDelta[], ended: unknown) => PartDelta[] {
  const open = new Set<string>();
  return (parts, ended) => {
    for (const part of parts) if (part.type === 'tool') open.add(part.key);
    if (ended) for (const key of open) parts.push(toolDelta(key, 0, 0, { state: 'input-available' }));
    if (ended) open.clear();
    return parts;
  };
}

let keys = 0;

/** A key for a call that arrives whole with no id (Gemini, Ollama): unique among all answers, so never joined to another. */
export const newKey = () => `#${keys++}`;

/**
 * A cited page; the builder drops it unless its URL is http(s). `at` says
 * where the text cites it (see `SourceDelta`); anything but a count is no position.
 */
export const sourceDelta = (url: unknown, title: unknown, at?: unknown, bytes?: boolean): SourceDelta => ({
  type: 'source',
  url: str(url),
  title: str(title) || null,
  ...((at === 'end' || (typeof at === 'number' && at >= 0)) && { at, bytes }),
});

/**
 * Text and reasoning from a `content` that is a string or a list of typed
 * parts, the shapes being OpenAI-compatible `content` arrays (Mistral
 * Magistral: `{type:"thinking", thinking:[{type:"text", text}]}`), Anthropic
 * and LangChain content blocks, Responses `output_text`. Tool calls, images
 * and any unknown part add nothing.
 */
export function readContent(content: unknown): { text: string; reasoning: string } {
  let text = '';
  let reasoning = '';
  for (const part of isArray(content) ? content : [str(content)]) {
    if (!isObject(part)) text += str(part);
    else if (part.type === 'text' || part.type === 'output_text') text += str(part.text);
    else if (part.type === 'refusal') text += str(part.refusal);
    else if (part.type === 'thinking') {
      const inner = isArray(part.thinking) ? readContent(part.thinking) : { text: str(part.thinking), reasoning: '' };
      reasoning += inner.text + inner.reasoning;
    } else if (part.type === 'reasoning') {
      reasoning += isString(part.reasoning) ? part.reasoning : str(part.text);
    }
  }
  return { text, reasoning };
}

/** What `errorText` says when a payload names no message. */
export const FALLBACK_ERROR = 'The server reported an error without a message.';

const nonEmpty = (value: unknown): value is string => isString(value) && value.trim() !== '';

/**
 * The readable message of an error payload in the shapes providers use:
 * `{"error":{"message"}}` (OpenAI, Gemini, Anthropic, vLLM; else the error's
 * `type`, `code` or `status`), `{"error":"..."}` (Ollama, Deep Chat),
 * `{"error":"Name","message":"..."}` (LangGraph, where the string is the
 * exception name), `{"errorText"}` (AI SDK), `{"message"}` / `{"detail"}`
 * (LangServe, flat Responses errors), or text.
 */
export function errorText(payload: unknown): string {
  const { errorText: text, message, detail, error } = isObject(payload) ? payload : ({} as Json);
  const inner = isObject(error) ? error : {};
  const messages = [payload, text, inner.message, inner.type, inner.code, inner.status, message, error, detail];
  return messages.find(nonEmpty) ?? FALLBACK_ERROR;
}

/**
 * The message when a JSON object reports a failure, else `undefined`.
 * `"error": null` (inside every Responses `response` object, and in some
 * OpenAI-compatible chunks), `false`, `0` and `""` are not errors. Older
 * vLLM-derived servers send a bare ErrorResponse `{object:"error", message}`.
 */
export function errorInObject(value: unknown): string | undefined {
  if (isObject(value) && (value.type === 'error' || value.error || value.object === 'error')) return errorText(value);
  return undefined;
}
