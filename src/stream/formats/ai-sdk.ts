/**
 * Vercel AI SDK: the UI message stream (v5 and later, SSE) and the data
 * stream protocol v1 (AI SDK 4, `TYPE:JSON` lines in a text/plain body).
 * See test/fixtures/vercel.md.
 */
import type { PartDelta } from '../parts.js';
import {
  errorText,
  extraction,
  isObject,
  isString,
  noAnswer,
  parseJson,
  skip,
  sourceDelta,
  str,
  toolDelta,
  type Json,
} from './json.js';
import { readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

/**
 * UI message chunk types (`ui-message-stream/ui-message-chunks.ts`): start,
 * start-step, finish, finish-step, abort, message-metadata, file, source-url,
 * source-document, text-start, text-delta, text-end, reasoning-start,
 * reasoning-delta, reasoning-end, and any data-* and tool-*. (`error` chunks
 * are read before any family.)
 */
const TYPE =
  /^((start|finish)(-step)?|abort|message-metadata|file|source-(url|document)|(text|reasoning)-(start|delta|end))$|^(data|tool)-/;

/**
 * Tool chunks of the UI stream and tool parts of the data stream (by code),
 * all keyed by `toolCallId`: the tool delta field each fills, and the field
 * of the chunk it comes from.
 */
const TOOL_PARTS: Record<string, string> = {
  'tool-input-start': '',
  b: '',
  'tool-input-delta': 'args inputTextDelta',
  c: 'args argsTextDelta',
  'tool-input-available': 'input input',
  9: 'input args',
  'tool-output-available': 'output output',
  a: 'output result',
  // An input the model got wrong: the call failed before it ran.
  'tool-input-error': 'errorText errorText',
  'tool-output-error': 'errorText errorText',
};

/** A tool, source (`source-url`, `h`) or file piece of a UI message chunk or a data stream part. */
function readPart(type: string, value: Json): PartDelta | undefined {
  const { toolCallId: key, url, title } = value;
  const spec = TOOL_PARTS[type];
  if (spec !== undefined) {
    const [to, from] = spec.split(' ');
    const field = value[from!];
    // Fragments and messages are text; input and output are any JSON.
    const more = to ? { [to]: /^[ae]/.test(to) ? str(field) : field } : {};
    return toolDelta(key, key, value.toolName, more);
  }
  if (type === 'source-url' || value.sourceType === 'url') return sourceDelta(url, title);
  return type === 'file' ? { type, mediaType: str(value.mediaType), url: str(url) } : undefined;
}

export const createAiSdkReader = (): FamilyReader => ({
  name: 'ai-sdk',
  /** UI streams end with `finish` (then `[DONE]`), data streams with a `d:` part. */
  expectsTerminal: true,
  event({ value }) {
    if (!isObject(value) || !isString(value.type) || !TYPE.test(value.type)) return undefined;
    const part = readPart(value.type, value);
    return part ? { parts: [part] } : readTyped(value, value.type);
  },
});

/** The first character of the JSON each part code carries: a string, an array or an object. */
const expectedStart = (code: string) => ('0g3'.includes(code) ? '"' : '28'.includes(code) ? '[' : '{');

/** A well-formed `TYPE:JSON` part (a one-character code, a colon, then JSON with no space before it). */
function parsePart(line: string): [code: string, value: unknown] | undefined {
  const [, code, json] = /^([0-9a-z]):(.*)$/s.exec(line) ?? [];
  if (!code || json![0] !== expectedStart(code)) return undefined;
  const value = parseJson(json!);
  return value === undefined ? undefined : [code, value];
}

/**
 * Whether a text/plain body that starts with `prefix` is an AI SDK 4 data
 * stream: `true` once its first line is a well-formed part, `false` as soon
 * as it cannot be one, `undefined` while the first line is incomplete. Only
 * codes 0-9 and a-k exist; the JSON after the colon never starts with a
 * space, so prose such as "1: 5 apples" or "a: b" is decided in a few
 * characters and is not held back.
 */
export function sniffDataStream(prefix: string, final: boolean): boolean | undefined {
  const code = prefix.charAt(0);
  if (!/^[0-9a-k]?$/.test(code) || !`${code}:${expectedStart(code)}`.startsWith(prefix.slice(0, 3))) return false;
  const newline = prefix.indexOf('\n');
  if (newline === -1 && !final) return undefined;
  return parsePart(prefix.slice(0, newline === -1 ? undefined : newline).replace(/\r$/, '')) !== undefined;
}

/** One line (without its line end) of the v1 data stream (`0:"text"`, `g:"reasoning"`, `3:"error"`, `d:{…}`, ...). */
export function readDataStreamLine(line: string): ExtractResult {
  if (line === '') return skip('blank line');
  const part = parsePart(line);
  if (!part) return skip('malformed data stream part');
  const [code, value] = part;
  if (code === '0') return extraction({ text: value as string }, 'empty text part');
  if (code === 'g') return extraction({ reasoning: value as string }, 'empty reasoning part');
  if (code === '3') return { error: errorText(value) };
  if (code === 'd') return { done: true };
  const piece = isObject(value) && readPart(code, value);
  // The other codes are data, annotations, redacted reasoning and step markers.
  return piece ? { parts: [piece] } : noAnswer(`data stream part ${code}`);
}
