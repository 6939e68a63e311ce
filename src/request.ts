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

let sequence = 0;
/** An id unique in this page; not a secret, so no crypto needed (works on plain http too). */
export function nextMessageId(): string {
  sequence += 1;
  return `m-${Date.now().toString(36)}-${sequence}`;
}
