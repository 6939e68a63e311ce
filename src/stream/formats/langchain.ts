/**
 * LangServe (`/stream`, `/stream_events`) and LangGraph Platform
 * (`/runs/stream`). Reported as the `generic` format.
 * See test/fixtures/langserve-langgraph.md.
 */
import type { PartDelta } from '../parts.js';
import {
  at,
  createOpenCalls,
  extraction,
  FALLBACK_ERROR,
  isArray,
  isObject,
  isString,
  newKey,
  noAnswer,
  readContent,
  skip,
  str,
  toolDelta,
  type Json,
} from './json.js';
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

/** Message types that carry a tool's result: `tool`, `ToolMessage`, `ToolMessageChunk`. */
const TOOL_TYPE = /^(tool|ToolMessage)/;

type OpenCalls = ReturnType<typeof createOpenCalls>;

/**
 * A LangChain.js message as `JSON.stringify` writes it (`toJSON`: `{"lc":1,
 * "type":"constructor","id":[…,"AIMessageChunk"],"kwargs":{…}}`), as the
 * plain message it stands for: its fields, and its class as `type`.
 */
function unwrap(message: unknown): unknown {
  if (!isObject(message) || message.lc !== 1 || !isArray(message.id) || !isObject(message.kwargs)) return message;
  return { ...message.kwargs, type: message.id[message.id.length - 1] };
}

/** Text and reasoning of an AI message chunk, or `undefined` when it is not one. */
function readMessage(raw: unknown): { text: string; reasoning: string } | undefined {
  const message = unwrap(raw);
  if (!isObject(message) || !AI_TYPES.has(message.type as string)) return undefined;
  const { text, reasoning } = readContent(message.content);
  // DeepSeek and other reasoning models through langchain-openai.
  return { text, reasoning: reasoning + str(at(message, 'additional_kwargs', 'reasoning_content')) };
}

/**
 * An AI message chunk (text, reasoning and tool calls) or a tool message (a
 * call's result) as a result, or `undefined` when it is neither. A chunk's
 * calls stream as `tool_call_chunks` (`args` fragments, joined per message
 * and `index`), complete at the chunk that says the message finished; a
 * whole message has `tool_calls` with parsed `args`. `open` holds the calls
 * still streaming.
 */
function readChunk(raw: unknown, open: OpenCalls): ExtractResult | undefined {
  const message = unwrap(raw);
  const read = readMessage(message);
  if (!isObject(message)) return undefined;
  const { id, content, tool_call_chunks: chunks, tool_calls: calls } = message;
  if (TOOL_TYPE.test(str(message.type))) {
    const call = message.tool_call_id;
    const result = message.status === 'error' ? { errorText: readContent(content).text || FALLBACK_ERROR } : { output: content };
    return { parts: [toolDelta(call, call, message.name, result)] };
  }
  if (!read) return undefined;
  const parts: PartDelta[] = [read];
  if (isArray(chunks) && chunks.length > 0) {
    chunks.forEach((chunk: unknown, position) => {
      const key = `${str(id)} ${String(at(chunk, 'index') ?? position)}`;
      parts.push(toolDelta(key, at(chunk, 'id'), at(chunk, 'name'), { args: str(at(chunk, 'args')) }));
    });
  } else if (isArray(calls)) {
    for (const call of calls) {
      parts.push(toolDelta(at(call, 'id') ?? newKey(), at(call, 'id'), at(call, 'name'), { input: at(call, 'args') ?? {} }));
    }
  }
  const meta = message.response_metadata;
  const ended = at(meta, 'finish_reason') || at(meta, 'stop_reason') || message.chunk_position === 'last';
  return extraction({ parts: open(parts, ended) }, 'empty message chunk');
}

/** `astream_events` record: `{"event":"on_chat_model_stream","data":{"chunk":{…}}}`. */
function readStreamEvent({ event, data }: Json, open: OpenCalls): ExtractResult | undefined {
  if (!isString(event) || !event.startsWith('on_')) return undefined;
  if (event !== 'on_chat_model_stream') return noAnswer(event);
  return readChunk(at(data, 'chunk'), open) ?? skip(`${event} without a message chunk`);
}

/** Tuple mode: `[messageChunk, metadata]`; the chunk's content is a delta. */
function readTuple(value: unknown, open: OpenCalls): ExtractResult | undefined {
  if (!isArray(value) || value.length !== 2 || !isObject(value[1])) return undefined;
  const [message] = value;
  if (!isObject(message)) return undefined;
  return readChunk(message, open) ?? skip(`${String(message.type)} message is not the answer`);
}

export function createLangChainReader(): FamilyReader {
  /** `messages/partial` text and reasoning so far, per message id. */
  const partial = new Map<string, { text: string; reasoning: string }>();
  /** Tool calls whose `args` fragments may still come. */
  const open = createOpenCalls();

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
      if (mode === 'messages') return readTuple(value, open) ?? skip('messages without a message chunk');
      if (mode === 'data') {
        // LangServe: whatever the runnable yields; for chat models a message chunk.
        // A JSON string, number or boolean is text; data that is not JSON is not an answer.
        const scalar = value !== undefined && typeof value !== 'object';
        if (scalar) return extraction({ text: String(value) }, 'empty string');
        const read = isObject(value) ? (readChunk(value, open) ?? readStreamEvent(value, open)) : undefined;
        return read ?? skip('data without a message chunk');
      }
      // No telling event name: the same shapes forwarded as bare data.
      if (isArray(value)) return readTuple(value, open);
      const message = unwrap(value);
      if (!isObject(message)) return undefined;
      return ('content' in message ? readChunk(message, open) : undefined) ?? readStreamEvent(message, open);
    },
  };
}
