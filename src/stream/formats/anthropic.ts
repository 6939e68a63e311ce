/**
 * Anthropic Messages streaming, raw (`event:` + `data:` with the same type)
 * and forwarded (bare `data: {"type":"content_block_delta","delta":…}`).
 * See test/fixtures/anthropic.md and forwarded.md.
 */
import { extraction, isObject, readContent, skip, type Json } from './json.js';
import { readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

/** Anthropic's event types (`error` is read before any family). */
const TYPES = new Set(
  'message_start content_block_start content_block_delta content_block_stop message_delta message_stop ping'.split(' '),
);

export function createAnthropicReader(): FamilyReader {
  /**
   * Raw streams end with `message_stop`; forwarded ones carry only deltas and
   * end when the connection closes. Event names, or a forwarded
   * `message_start`, show the stream is the full one.
   */
  let full = false;
  return {
    name: 'anthropic',
    get expectsTerminal() {
      return full;
    },
    event({ type, value }) {
      const dataType = isObject(value) ? value.type : undefined;
      // `event: ping` alone is too common a keep-alive to claim a stream: only
      // Anthropic's own `{"type": "ping"}` counts.
      const named = TYPES.has(type) && type !== 'ping';
      const name = typeof dataType === 'string' && TYPES.has(dataType) ? dataType : named ? type : undefined;
      if (name === undefined) return undefined;
      if (named || name === 'message_start' || name === 'message_stop') full = true;
      if (!isObject(value)) return skip(`${name} without a JSON object`);
      if (name === 'content_block_delta') {
        const { delta } = value;
        if (!isObject(delta)) return skip(`${name} without a delta`);
        // Only `*_delta` types are Anthropic's: signature_delta, input_json_delta (tool input), citations_delta, ...
        const deltaType = String(delta.type);
        return deltaType.endsWith('_delta') ? readTyped(delta, deltaType) : skip(`${deltaType} is not answer text`);
      }
      if (name === 'content_block_start') {
        // The block starts empty in practice; a non-empty start is part of it,
        // in the field its deltas use (`text`, `thinking`).
        const block = value.content_block;
        if (!isObject(block)) return skip(`${name} without a block`);
        const blockType = String(block.type);
        return /^(text|thinking)$/.test(blockType) ? readTyped(block, `${blockType}_delta`) : skip(`${blockType} block start`);
      }
      return readTyped(value, name);
    },
  };
}

/** A non-streamed Messages API body (`type: "message"`). */
export function readAnthropicMessage(value: Json): ExtractResult | undefined {
  if (value.type !== 'message' || !Array.isArray(value.content)) return undefined;
  return extraction(readContent(value.content));
}
