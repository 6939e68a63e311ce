/**
 * Vercel AI SDK: the UI message stream (v5 and later, SSE) and the data
 * stream protocol v1 (AI SDK 4, `TYPE:JSON` lines in a text/plain body).
 * See test/fixtures/vercel.md.
 */
import { errorText, extraction, isObject, notText, preview, skip } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

/** UI message chunk types (`ui-message-stream/ui-message-chunks.ts`), plus `data-*` and `tool-*`. */
const TYPES = new Set([
  'start',
  'start-step',
  'text-start',
  'text-delta',
  'text-end',
  'reasoning-start',
  'reasoning-delta',
  'reasoning-end',
  'source-url',
  'source-document',
  'file',
  'finish-step',
  'finish',
  'abort',
  'message-metadata',
  'error',
]);

const isUiChunkType = (type: string) => TYPES.has(type) || type.startsWith('data-') || type.startsWith('tool-');

class AiSdk implements FamilyReader {
  readonly name = 'ai-sdk';
  /** UI streams end with `finish` (then `[DONE]`), data streams with a `d:` part. */
  readonly expectsTerminal = true;

  event({ value }: EventInput): ExtractResult | undefined {
    if (!isObject(value) || typeof value.type !== 'string' || !isUiChunkType(value.type)) return undefined;
    switch (value.type) {
      case 'text-delta':
        return typeof value.delta === 'string'
          ? extraction({ text: value.delta }, 'empty text-delta')
          : skip(notText('delta', value.delta) ?? 'text-delta without delta');
      case 'reasoning-delta':
        return typeof value.delta === 'string'
          ? extraction({ reasoning: value.delta }, 'empty reasoning-delta')
          : skip(notText('delta', value.delta) ?? 'reasoning-delta without delta');
      case 'finish':
      // `abort` ends the stream on purpose (the server's run was stopped);
      // nothing more will come, so it is the stream's end, not a cut.
      case 'abort':
        return { done: true };
      case 'error':
        return { error: errorText(value) };
      default:
        return skip(`${value.type} carries no answer text`);
    }
  }
}

export const createAiSdkReader = (): FamilyReader => new AiSdk();

/** Codes of the v1 data stream parts, for skip reasons. */
const PART_NAMES: Record<string, string> = {
  '2': 'data',
  '8': 'message annotations',
  '9': 'tool call',
  a: 'tool result',
  b: 'tool call streaming start',
  c: 'tool call delta',
  e: 'finish step',
  f: 'start step',
  h: 'source',
  i: 'redacted reasoning',
  j: 'reasoning signature',
  k: 'file',
};

/** `TYPE:JSON`: a one-character part code, a colon, then JSON with no space before it. */
const PART = /^([0-9a-z]):(.*)$/s;

/** The first character of the JSON each part code carries: a string, an array or an object. */
function expectedStart(code: string): string {
  if (code === '0' || code === 'g' || code === '3') return '"';
  if (code === '2' || code === '8') return '[';
  return '{';
}

/** A well-formed part, or `undefined`. */
function parsePart(line: string): { code: string; value: unknown } | undefined {
  const match = PART.exec(line);
  if (!match) return undefined;
  const code = match[1]!;
  const json = match[2]!;
  if (json[0] !== expectedStart(code)) return undefined;
  try {
    return { code, value: JSON.parse(json) };
  } catch {
    return undefined;
  }
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
  const wait = final ? false : undefined;
  if (prefix.length === 0) return wait;
  if (!/^[0-9a-k]/.test(prefix)) return false;
  if (prefix.length === 1) return wait;
  if (prefix[1] !== ':') return false;
  if (prefix.length === 2) return wait;
  if (prefix[2] !== expectedStart(prefix[0]!)) return false;
  const newline = prefix.indexOf('\n');
  if (newline === -1 && !final) return undefined;
  const line = newline === -1 ? prefix : prefix.slice(0, newline);
  return parsePart(line.endsWith('\r') ? line.slice(0, -1) : line) !== undefined;
}

/** One line of the v1 data stream (`0:"text"`, `g:"reasoning"`, `3:"error"`, `d:{…}`, ...). */
export function readDataStreamLine(rawLine: string): ExtractResult {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (line === '') return skip('blank line');
  const part = parsePart(line);
  if (!part) return skip(`malformed data stream part: ${preview(line)}`);
  const { code, value } = part;
  switch (code) {
    case '0':
      return extraction({ text: value as string }, 'empty text part');
    case 'g':
      return extraction({ reasoning: value as string }, 'empty reasoning part');
    case '3':
      return { error: errorText(value) };
    case 'd':
      return { done: true };
    default:
      return skip(`${PART_NAMES[code] ?? `unknown part ${code}`} carries no answer text`);
  }
}
