/**
 * LangServe (`/stream`, `/stream_events`) and LangGraph Platform
 * (`/runs/stream`). Reported as the `generic` format.
 * See test/fixtures/langserve-langgraph.md.
 */
import { extraction, isObject, readParts, skip, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

/** Stream modes and LangServe events that never carry answer deltas. */
const SILENT = new Set([
  'metadata',
  'values',
  'updates',
  'debug',
  'tasks',
  'checkpoints',
  'feedback',
  // The whole message again, after its deltas.
  'messages/complete',
  'messages/metadata',
]);

/** Message types whose content is the answer (tool and human messages are not). */
const AI_TYPES = new Set(['AIMessageChunk', 'AIMessage', 'ai']);

/** Text and reasoning of an AI message chunk, or `undefined` when it is not one. */
function readMessage(message: unknown): { text: string; reasoning: string } | undefined {
  if (!isObject(message) || typeof message.type !== 'string' || !AI_TYPES.has(message.type)) return undefined;
  let text = '';
  let reasoning = '';
  if (typeof message.content === 'string') text = message.content;
  else if (Array.isArray(message.content)) ({ text, reasoning } = readParts(message.content));
  // DeepSeek and other reasoning models through langchain-openai.
  const extra = isObject(message.additional_kwargs) ? message.additional_kwargs.reasoning_content : undefined;
  if (typeof extra === 'string') reasoning += extra;
  return { text, reasoning };
}

/** `astream_events` record: `{"event":"on_chat_model_stream","data":{"chunk":{…}}}`. */
function readStreamEvent(value: Json): ExtractResult | undefined {
  if (typeof value.event !== 'string' || !value.event.startsWith('on_')) return undefined;
  if (value.event !== 'on_chat_model_stream') return skip(`${value.event} carries no answer text`);
  const message = readMessage(isObject(value.data) ? value.data.chunk : undefined);
  return message ? extraction(message, 'empty chunk') : skip('on_chat_model_stream without a message chunk');
}

class LangChain implements FamilyReader {
  readonly name = 'generic';
  /** LangServe's `event: end` has no data line, so it is never dispatched; LangGraph sends no end. */
  readonly expectsTerminal = false;
  /** `messages/partial` text and reasoning so far, per message id. */
  #partial = new Map<string, { text: string; reasoning: string }>();

  event({ type, json, value }: EventInput): ExtractResult | undefined {
    // Subgraph events are namespaced: `messages|node:task-id`.
    const mode = type.split('|')[0]!;
    if (SILENT.has(mode)) return skip(`${mode} event carries no answer text`);
    if (mode === 'end') return { done: true };
    if (mode === 'messages/partial') return this.#readPartial(value);
    if (mode === 'messages') return this.#readTuple(value) ?? skip('messages event without a message chunk');
    if (mode === 'data') {
      // LangServe: whatever the runnable yields; for chat models a message chunk.
      if (typeof value === 'string') return extraction({ text: value }, 'empty string');
      if (json && (typeof value === 'number' || typeof value === 'boolean')) return { text: String(value) };
      if (isObject(value)) {
        const message = readMessage(value);
        if (message) return extraction(message, 'empty message chunk');
        return readStreamEvent(value) ?? skip('LangServe output without message content');
      }
      return skip(json ? 'LangServe output without message content' : 'LangServe data that is not JSON');
    }
    // No telling event name: the same shapes forwarded as bare data.
    if (Array.isArray(value)) return this.#readTuple(value);
    if (isObject(value)) {
      const message = readMessage(value);
      if (message && 'content' in value) return extraction(message, 'empty message chunk');
      return readStreamEvent(value);
    }
    return undefined;
  }

  /** Tuple mode: `[messageChunk, metadata]`; the chunk's content is a delta. */
  #readTuple(value: unknown): ExtractResult | undefined {
    if (!Array.isArray(value) || value.length !== 2 || !isObject(value[1])) return undefined;
    const message = readMessage(value[0]);
    if (message) return extraction(message, 'empty message chunk');
    return isObject(value[0]) ? skip(`${String(value[0].type)} message is not the answer`) : undefined;
  }

  /** Legacy `messages/partial`: an array of messages whose content is the text so far. */
  #readPartial(value: unknown): ExtractResult {
    if (!Array.isArray(value)) return skip('messages/partial without a message list');
    let text = '';
    let reasoning = '';
    for (const item of value) {
      const message = readMessage(item);
      if (!message || !isObject(item)) continue;
      const id = typeof item.id === 'string' ? item.id : '';
      const before = this.#partial.get(id) ?? { text: '', reasoning: '' };
      this.#partial.set(id, message);
      // A rewritten message (not an extension) cannot be taken back from the screen.
      if (message.text.startsWith(before.text)) text += message.text.slice(before.text.length);
      if (message.reasoning.startsWith(before.reasoning)) reasoning += message.reasoning.slice(before.reasoning.length);
    }
    return extraction({ text, reasoning }, 'messages/partial without new text');
  }
}

export const createLangChainReader = (): FamilyReader => new LangChain();
