/**
 * Anthropic Messages streaming, raw (`event:` + `data:` with the same type)
 * and forwarded (bare `data: {"type":"content_block_delta","delta":…}`).
 * See test/fixtures/anthropic.md and forwarded.md.
 */
import { extraction, isArray, isObject, isString, noAnswer, readContent, skip, type Json } from './json.js';
import { readField, readTyped } from './typed.js';
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
      const name = isString(dataType) && TYPES.has(dataType) ? dataType : named ? type : undefined;
      if (name === undefined) return undefined;
      if (named || name === 'message_start' || name === 'message_stop') full = true;
      if (!isObject(value)) return skip(`${name} without a JSON object`);
      if (name === 'content_block_delta') {
        const { delta } = value;
        if (!isObject(delta)) return skip(`${name} without a delta`);
        // `text_delta` carries `text`, `thinking_delta` `thinking`; signature_delta,
        // input_json_delta (tool input), citations_delta and the rest add nothing.
        const deltaType = String(delta.type);
        const [, field] = /^(text|thinking)_delta$/.exec(deltaType) ?? [];
        return field ? readField(delta, field, deltaType) : noAnswer(deltaType);
      }
      if (name === 'content_block_start') {
        // The block starts empty in practice; a non-empty start is part of it.
        const block = value.content_block;
        if (!isObject(block)) return skip(`${name} without a block`);
        const blockType = String(block.type);
        const what = `${blockType} block start`;
        return /^(text|thinking)$/.test(blockType) ? readField(block, blockType, what) : noAnswer(what);
      }
      return readTyped(value, name);
    },
  };
}

/** A non-streamed Messages API body (`type: "message"`). */
export function readAnthropicMessage(value: Json): ExtractResult | undefined {
  if (value.type !== 'message' || !isArray(value.content)) return undefined;
  return extraction(readContent(value.content));
}
