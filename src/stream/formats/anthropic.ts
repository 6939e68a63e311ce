/**
 * Anthropic Messages streaming, raw (`event:` + `data:` with the same type)
 * and forwarded (bare `data: {"type":"content_block_delta","delta":…}`).
 * See test/fixtures/anthropic.md and forwarded.md.
 */
import type { PartDelta, SourceDelta } from '../parts.js';
import {
  at,
  extraction,
  FALLBACK_ERROR,
  isArray,
  isObject,
  isString,
  noAnswer,
  readContent,
  skip,
  sourceDelta,
  str,
  toolDelta,
  type Json,
} from './json.js';
import { readField, readTyped } from './typed.js';
import type { ExtractResult, FamilyReader } from './types.js';

/**
 * Anthropic's event types, but for `ping` (and `error`, read before any
 * family): message_start, message_delta, message_stop, content_block_start,
 * content_block_delta, content_block_stop.
 */
const TYPE = /^(message|content_block)_(start|delta|stop)$/;

/**
 * The tool and source pieces of a content block: a client (`tool_use`),
 * server (`server_tool_use`, `web_search`...) or MCP tool call, a server
 * tool's result block (`web_search_tool_result` and the like, joined to its
 * call by `tool_use_id`; web search results are sources too), and a text
 * block's citations. A streamed call's input arrives in fragments after its
 * start, so only a whole block (`whole`) gives it; a citation backs its text
 * block's words, so a whole block also places its marker (after the text).
 */
function readBlock(key: unknown, block: Json, whole?: boolean): PartDelta[] {
  const { id, name, input, content } = block;
  const type = String(block.type);
  const parts: PartDelta[] = [];
  if (type.endsWith('tool_use')) parts.push(toolDelta(key, id, name, whole ? { input } : {}));
  if (type.endsWith('tool_result')) {
    // `is_error` (MCP) or an error object (`web_search_tool_result_error`, with an `error_code`).
    const code = at(content, 'error_code');
    const failed = block.is_error === true || code !== undefined;
    const more = failed ? { errorText: readContent(content).text || str(code) || FALLBACK_ERROR } : { output: content };
    parts.push(toolDelta(key, block.tool_use_id, name, more));
  }
  for (const cited of [content, block.citations].flat()) {
    const marked = whole && isArray(block.citations) && block.citations.includes(cited);
    if (isObject(cited) && isString(cited.url)) parts.push(sourceDelta(cited.url, cited.title, marked && 'end'));
  }
  return parts;
}

export function createAnthropicReader(): FamilyReader {
  /**
   * Raw streams end with `message_stop`; forwarded ones carry only deltas and
   * end when the connection closes. Event names, or a forwarded
   * `message_start`, show the stream is the full one.
   */
  let full = false;
  /** Blocks that are tool calls, by index: their input is complete at `content_block_stop`. */
  const calls = new Set<unknown>();
  /**
   * A text block's citations arrive before its words: their markers are
   * placed at its `content_block_stop`, after the words.
   */
  const cites = new Map<unknown, SourceDelta[]>();
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
      const { index } = value;
      if (name === 'content_block_stop' && calls.delete(index)) {
        return { parts: [toolDelta(index, 0, 0, { state: 'input-available' })] };
      }
      const cited = name === 'content_block_stop' && cites.get(index);
      if (cited) {
        cites.delete(index);
        return { parts: cited.map((source) => ({ ...source, at: 'end' as const })) };
      }
      // A delta (`text_delta`, `thinking_delta`) or a block start (`text`,
      // `thinking`; empty in practice, but a non-empty start is part of the
      // block) carries its text in the field its type names. Signature
      // deltas and other blocks add nothing.
      const suffix = name === 'content_block_delta' ? '_delta' : name === 'content_block_start' ? '' : undefined;
      if (suffix !== undefined) {
        const key = suffix ? 'delta' : 'content_block';
        const part = value[key];
        if (!isObject(part)) return skip(`${name} without a ${key}`);
        const what = `${name} ${String(part.type)}`;
        if (part.type === 'input_json_delta') {
          return { parts: [toolDelta(index, 0, 0, { args: str(part.partial_json) })] };
        }
        const field = ['text', 'thinking'].find((type) => part.type === type + suffix);
        if (field) return readField(part, field, field === 'thinking' ? 'reasoning' : 'text', what);
        if (String(part.type).endsWith('tool_use')) calls.add(index);
        const parts = readBlock(index, suffix ? { citations: part.citation } : part);
        if (part.type === 'citations_delta') cites.set(index, [...(cites.get(index) ?? []), ...(parts as SourceDelta[])]); // only sources: see readBlock
        return extraction({ parts }, noAnswer(what).skipped);
      }
      return readTyped(value, name);
    },
  };
}

/** A non-streamed Messages API body (`type: "message"`). */
export function readAnthropicMessage(value: Json): ExtractResult | undefined {
  if (value.type !== 'message' || !isArray(value.content)) return undefined;
  const parts: PartDelta[] = [];
  value.content.forEach((block, index) => {
    if (!isObject(block)) return;
    parts.push(readContent([block]), ...readBlock(index, block, true));
  });
  return extraction({ parts });
}
