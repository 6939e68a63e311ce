import { dataBytes } from './attachments.js';
import type { ChatPart } from './stream/parts.js';
import type { ChatMessage, ChatRequest, RequestMessage, RequestPart, ToolDeclaration } from './types.js';

/** The element settings a request is built from. */
export interface RequestSettings {
  endpoint: string;
  model?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: Record<string, unknown> | undefined;
  withCredentials: boolean;
  /** The page's tools, offered to the model beside the server's (`tools` property). */
  tools?: ToolDeclaration[] | undefined;
}

/** A tool call's id as the request names it: the format's, or one made from its place (Gemini and Ollama give none). */
export const toolCallId = (message: ChatMessage, index: number, id: string | null) => id ?? `${message.id}-call-${index}`;

/**
 * A message in the neutral request shape (docs/tools.md): `content` as
 * always, and the AI SDK's UI-message `parts` beside it, so a stock
 * `convertToModelMessages` route reads it with no adapter. Sent: text, and
 * tool calls that have a result (a call without one would be a request the
 * model made and never heard back from). Reasoning and sources are for the
 * reader, not the next request.
 */
export function toRequestMessage(message: ChatMessage): RequestMessage {
  const { id, role, content } = message;
  const parts: RequestPart[] = [];
  (message.parts ?? [{ type: 'text', text: content } satisfies ChatPart]).forEach((part, index) => {
    if (part.type === 'text') part.text && parts.push({ type: 'text', text: part.text });
    // A file whose bytes were not saved (`persist`) comes back without a URL: there is nothing to send.
    else if (part.type === 'file') part.url && parts.push({ type: 'file', mediaType: part.mediaType, url: part.url, ...(part.filename ? { filename: part.filename } : {}) });
    else if (part.type === 'tool' && part.name && (part.state === 'output-available' || part.state === 'output-error')) {
      parts.push({
        type: 'dynamic-tool',
        toolCallId: toolCallId(message, index, part.id),
        toolName: part.name,
        state: part.state,
        input: part.input,
        ...(part.state === 'output-error' ? { errorText: part.errorText || 'The tool failed.' } : { output: part.output }),
      });
    }
  });
  return { id, role, content, parts };
}

/**
 * The request for the next answer: the whole conversation so far, in order,
 * without UI-only fields and without answers that failed before saying
 * anything. Extra `body` fields never override `messages` or `stream`.
 */
export function buildChatRequest(settings: RequestSettings, conversation: readonly ChatMessage[]): ChatRequest {
  const messages = conversation
    .map(toRequestMessage)
    .filter((message) => message.role !== 'assistant' || message.content !== '' || message.parts.length > 0);
  return {
    url: settings.endpoint,
    headers: { ...settings.headers },
    body: {
      ...settings.body,
      ...(settings.model ? { model: settings.model } : {}),
      messages,
      ...(settings.tools?.length ? { tools: settings.tools } : {}),
      stream: true,
    },
    withCredentials: settings.withCredentials,
  };
}

/**
 * The most bytes of message text one request carries. `createChatHandler`
 * refuses a body over 1,000,000 bytes by default; this leaves room for the
 * JSON around the messages and the `body` property's fields.
 */
export const MAX_HISTORY_BYTES = 900_000;

/**
 * The most bytes of files (decoded) one request carries: `createChatHandler`'s
 * default `files.maxTotalBytes`, whose body limit grows with it. Files are
 * counted apart from text, so a screenshot does not push the question it
 * came with out of the next request.
 */
export const MAX_HISTORY_FILE_BYTES = 20_000_000;

/**
 * The part of a long conversation that is sent: every system message (the
 * configured prompt), then the newest `limit` other messages that fit in
 * `maxBytes` of UTF-8 and `maxFileBytes` of files (the newest one always).
 * Also says how many were left out.
 */
export function recentHistory(
  conversation: readonly ChatMessage[],
  limit: number,
  maxBytes = MAX_HISTORY_BYTES,
  maxFileBytes = MAX_HISTORY_FILE_BYTES,
): { messages: ChatMessage[]; leftOut: number } {
  const encoder = new TextEncoder();
  const kept = new Set<ChatMessage>();
  let bytes = 0;
  let fileBytes = 0;
  for (let i = conversation.length - 1; i >= 0; i--) {
    const message = conversation[i]!;
    if (message.role === 'system') continue;
    // As sent: the text and, beside it, the parts (tool inputs and outputs
    // too); a file's bytes count against the files' budget instead.
    const sent = toRequestMessage(message);
    const parts = sent.parts.map((part) => (part.type === 'file' ? ((fileBytes += dataBytes(part.url)), { ...part, url: '' }) : part));
    bytes += encoder.encode(JSON.stringify({ ...sent, parts })).length;
    if (kept.size > 0 && (kept.size >= limit || bytes > maxBytes || fileBytes > maxFileBytes)) break;
    kept.add(message);
  }
  const messages = conversation.filter((message) => message.role === 'system' || kept.has(message));
  return { messages, leftOut: conversation.length - messages.length };
}
