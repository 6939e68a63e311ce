import type { ChatMessage, ChatRequest } from './types.js';

/** The element settings a request is built from. */
export interface RequestSettings {
  endpoint: string;
  model?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: Record<string, unknown> | undefined;
  withCredentials: boolean;
}

/**
 * The request for the next answer: the whole conversation so far, in order,
 * without UI-only fields and without answers that failed before saying
 * anything. Extra `body` fields never override `messages` or `stream`.
 */
export function buildChatRequest(settings: RequestSettings, conversation: readonly ChatMessage[]): ChatRequest {
  const messages = conversation
    .filter((message) => message.role !== 'assistant' || message.content !== '')
    .map(({ role, content }) => ({ role, content }));
  return {
    url: settings.endpoint,
    headers: { ...settings.headers },
    body: {
      ...settings.body,
      ...(settings.model ? { model: settings.model } : {}),
      messages,
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
 * The part of a long conversation that is sent: every system message (the
 * configured prompt), then the newest `limit` other messages that fit in
 * `maxBytes` of UTF-8 (the newest one always). Also says how many were left out.
 */
export function recentHistory(
  conversation: readonly ChatMessage[],
  limit: number,
  maxBytes = MAX_HISTORY_BYTES,
): { messages: ChatMessage[]; leftOut: number } {
  const encoder = new TextEncoder();
  const kept = new Set<ChatMessage>();
  let bytes = 0;
  for (let i = conversation.length - 1; i >= 0; i--) {
    const message = conversation[i]!;
    if (message.role === 'system') continue;
    bytes += encoder.encode(JSON.stringify(message.content)).length;
    if (kept.size > 0 && (kept.size >= limit || bytes > maxBytes)) break;
    kept.add(message);
  }
  const messages = conversation.filter((message) => message.role === 'system' || kept.has(message));
  return { messages, leftOut: conversation.length - messages.length };
}
