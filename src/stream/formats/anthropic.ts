/**
 * Anthropic Messages streaming, raw (`event:` + `data:` with the same type)
 * and forwarded (bare `data: {"type":"content_block_delta","delta":…}`).
 * See test/fixtures/anthropic.md and forwarded.md.
 */
import { extraction, isObject, notText, readParts, skip, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

/** Anthropic's event types (`error` is read before any family). */
const TYPES = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
]);

class Anthropic implements FamilyReader {
  readonly name = 'anthropic';
  /**
   * Raw streams end with `message_stop`; forwarded ones carry only deltas and
   * end when the connection closes. Event names, or a forwarded
   * `message_start`, show the stream is the full one.
   */
  #full = false;

  get expectsTerminal(): boolean {
    return this.#full;
  }

  event({ type, value }: EventInput): ExtractResult | undefined {
    const dataType =
      isObject(value) && typeof value.type === 'string' && TYPES.has(value.type) ? value.type : undefined;
    // `event: ping` alone is too common a keep-alive to claim a stream: only
    // Anthropic's own `{"type": "ping"}` counts.
    const named = TYPES.has(type) && type !== 'ping';
    const name = dataType ?? (named ? type : undefined);
    if (name === undefined) return undefined;
    if (named || name === 'message_start' || name === 'message_stop') this.#full = true;
    if (!isObject(value)) return skip(`${name} without a JSON object`);
    switch (name) {
      case 'content_block_delta':
        return readDelta(value.delta);
      case 'content_block_start': {
        // The block starts empty in practice; a non-empty start is part of it.
        const block = value.content_block;
        if (!isObject(block)) return skip('content_block_start without a block');
        if (block.type === 'text' && typeof block.text === 'string') {
          return extraction({ text: block.text }, 'text block start');
        }
        if (block.type === 'thinking' && typeof block.thinking === 'string') {
          return extraction({ reasoning: block.thinking }, 'thinking block start');
        }
        return skip(`${String(block.type)} block start`);
      }
      case 'message_stop':
        return { done: true };
      default:
        return skip(`${name} carries no answer text`);
    }
  }
}

function readDelta(delta: unknown): ExtractResult {
  if (!isObject(delta)) return skip('content_block_delta without a delta');
  switch (delta.type) {
    case 'text_delta':
      return typeof delta.text === 'string'
        ? extraction({ text: delta.text }, 'empty text_delta')
        : skip(notText('text', delta.text) ?? 'text_delta without text');
    case 'thinking_delta':
      return typeof delta.thinking === 'string'
        ? extraction({ reasoning: delta.thinking }, 'empty thinking_delta')
        : skip(notText('thinking', delta.thinking) ?? 'thinking_delta without thinking');
    default:
      // signature_delta, input_json_delta (tool input), citations_delta, ...
      return skip(`${String(delta.type)} is not answer text`);
  }
}

export const createAnthropicReader = (): FamilyReader => new Anthropic();

/** A non-streamed Messages API body (`type: "message"`). */
export function readAnthropicMessage(value: Json): ExtractResult | undefined {
  if (value.type !== 'message' || !Array.isArray(value.content)) return undefined;
  const { text, reasoning } = readParts(value.content);
  return extraction({ text, reasoning, done: true });
}
