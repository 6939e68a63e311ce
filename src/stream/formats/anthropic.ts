/**
 * Anthropic Messages streaming, raw (`event:` + `data:` with the same type)
 * and forwarded (bare `data: {"type":"content_block_delta","delta":…}`).
 * See test/fixtures/anthropic.md and forwarded.md.
 */
import { extraction, isArray, isObject, isString, noAnswer, readContent, skip, type Json } from './json.js';
import { readField, readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

/**
 * Anthropic's event types, but for `ping` (and `error`, read before any
 * family): message_start, message_delta, message_stop, content_block_start,
 * content_block_delta, content_block_stop.
 */
const TYPE = /^(message|content_block)_(start|delta|stop)$/;

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
      const named = TYPE.test(type);
      const typed = isString(dataType) && (TYPE.test(dataType) || dataType === 'ping');
      const name = typed ? dataType : named ? type : undefined;
      if (name === undefined) return undefined;
      if (named || name === 'message_start' || name === 'message_stop') full = true;
      if (!isObject(value)) return skip(`${name} without a JSON object`);
      // A delta (`text_delta`, `thinking_delta`) or a block start (`text`,
      // `thinking`; empty in practice, but a non-empty start is part of the
      // block) carries its text in the field its type names. Signature, tool
      // input and citation deltas and other blocks add nothing.
      const suffix = name === 'content_block_delta' ? '_delta' : name === 'content_block_start' ? '' : undefined;
      if (suffix !== undefined) {
        const key = suffix ? 'delta' : 'content_block';
        const part = value[key];
        if (!isObject(part)) return skip(`${name} without a ${key}`);
        const what = `${name} ${String(part.type)}`;
        const field = ['text', 'thinking'].find((type) => part.type === type + suffix);
        return field ? readField(part, field, field === 'thinking' ? 'reasoning' : 'text', what) : noAnswer(what);
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
