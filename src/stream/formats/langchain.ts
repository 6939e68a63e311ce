/**
 * LangServe (`/stream`, `/stream_events`) and LangGraph Platform
 * (`/runs/stream`). Reported as the `generic` format.
 * See test/fixtures/langserve-langgraph.md.
 */
import { at, extraction, isArray, isObject, isString, noAnswer, readContent, skip, str, type Json } from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

/**
 * Stream modes and LangServe events that never carry answer deltas
 * (`messages/complete`: the whole message again, after its deltas).
 */
const SILENT = new Set(
  'metadata values updates debug tasks checkpoints feedback messages/complete messages/metadata'.split(' '),
);

/** Message types whose content is the answer (tool and human messages are not). */
const AI_TYPES = new Set(['AIMessageChunk', 'AIMessage', 'ai']);

/** Text and reasoning of an AI message chunk, or `undefined` when it is not one. */
function readMessage(message: unknown): { text: string; reasoning: string } | undefined {
  if (!isObject(message) || !AI_TYPES.has(message.type as string)) return undefined;
  const { text, reasoning } = readContent(message.content);
  // DeepSeek and other reasoning models through langchain-openai.
  return { text, reasoning: reasoning + str(at(message, 'additional_kwargs', 'reasoning_content')) };
}

/** An AI message chunk as a result, or `undefined` when it is not one. */
const readChunk = (message: unknown): ExtractResult | undefined => {
  const read = readMessage(message);
  return read && extraction(read, 'empty message chunk');
};

/** `astream_events` record: `{"event":"on_chat_model_stream","data":{"chunk":{…}}}`. */
function readStreamEvent({ event, data }: Json): ExtractResult | undefined {
  if (!isString(event) || !event.startsWith('on_')) return undefined;
  if (event !== 'on_chat_model_stream') return noAnswer(event);
  return readChunk(at(data, 'chunk')) ?? skip(`${event} without a message chunk`);
}

/** Tuple mode: `[messageChunk, metadata]`; the chunk's content is a delta. */
function readTuple(value: unknown): ExtractResult | undefined {
  if (!isArray(value) || value.length !== 2 || !isObject(value[1])) return undefined;
  const [message] = value;
  if (!isObject(message)) return undefined;
  return readChunk(message) ?? skip(`${String(message.type)} message is not the answer`);
}

export function createLangChainReader(): FamilyReader {
  /** `messages/partial` text and reasoning so far, per message id. */
  const partial = new Map<string, { text: string; reasoning: string }>();

  /** Legacy `messages/partial`: an array of messages whose content is the text so far. */
  const readPartial = (value: unknown): ExtractResult => {
    if (!isArray(value)) return skip('messages/partial without a message list');
    const added = { text: '', reasoning: '' };
    for (const item of value) {
      const message = readMessage(item);
      if (!message) continue;
      const id = str((item as Json).id);
      const before = partial.get(id) ?? { text: '', reasoning: '' };
      partial.set(id, message);
      // A rewritten message (not an extension) cannot be taken back from the screen.
      for (const key of ['text', 'reasoning'] as const) {
        if (message[key].startsWith(before[key])) added[key] += message[key].slice(before[key].length);
      }
    }
    return extraction(added, 'messages/partial without new text');
  };

  return {
    name: 'generic',
    /** LangServe's `event: end` has no data line, so it is never dispatched; LangGraph sends no end. */
    expectsTerminal: false,
    event({ type, value }) {
      // Subgraph events are namespaced: `messages|node:task-id`.
      const mode = type.split('|')[0]!;
      if (SILENT.has(mode)) return noAnswer(`${mode} event`);
      if (mode === 'end') return { done: true };
      if (mode === 'messages/partial') return readPartial(value);
      if (mode === 'messages') return readTuple(value) ?? skip('messages without a message chunk');
      if (mode === 'data') {
        // LangServe: whatever the runnable yields; for chat models a message chunk.
        // A JSON string, number or boolean is text; data that is not JSON is not an answer.
        const scalar = value !== undefined && typeof value !== 'object';
        if (scalar) return extraction({ text: String(value) }, 'empty string');
        const read = isObject(value) ? (readChunk(value) ?? readStreamEvent(value)) : undefined;
        return read ?? skip('data without a message chunk');
      }
      // No telling event name: the same shapes forwarded as bare data.
      if (isArray(value)) return readTuple(value);
      if (!isObject(value)) return undefined;
      return ('content' in value ? readChunk(value) : undefined) ?? readStreamEvent(value);
    },
  };
}
