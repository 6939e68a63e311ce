import type { ChatPart } from './stream/parts.js';

/** Who wrote a message. `system` messages are sent but never shown. */
export const MESSAGE_ROLES = ['system', 'user', 'assistant'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/**
 * Where a message is in its life: `pending` before the first byte of the
 * answer, `streaming` while text arrives, then one of the final three.
 */
export const MESSAGE_STATUSES = ['pending', 'streaming', 'done', 'error', 'aborted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What the element as a whole is doing. */
export const CHAT_STATUSES = ['idle', 'connecting', 'streaming', 'retrying', 'error'] as const;
export type ChatStatus = (typeof CHAT_STATUSES)[number];

/** One entry of the conversation. */
export interface ChatMessage {
  /** Stable identity, unique within the element. */
  id: string;
  role: MessageRole;
  /** The text as received so far (the whole text once `status` is final). */
  content: string;
  status: MessageStatus;
  /** Model reasoning kept apart from the answer, when the backend sends it. */
  reasoning?: string;
  /** Why the message failed, as shown to the reader; set when `status` is `error`. */
  error?: string;
  /**
   * Everything the answer streamed, in order of arrival: text, reasoning,
   * tool calls, sources and files. Set once an answer has more than text;
   * `content` and `reasoning` stay the joined text either way.
   */
  parts?: ChatPart[];
}

/** The request `<ai-chat>` is about to send; listeners of `ai-chat-send` may change it. */
export interface ChatRequest {
  url: string;
  /** Extra headers; `Content-Type` and `Accept` are always set by the element. */
  headers: Record<string, string>;
  /** The JSON body: `messages`, `stream: true`, `model` when set, and the `body` property's fields. */
  body: ChatRequestBody;
  /** Whether cookies go with a cross-origin request (`credentials: 'include'`). */
  withCredentials: boolean;
}

export interface ChatRequestBody {
  messages: Array<{ role: MessageRole; content: string }>;
  stream: true;
  model?: string;
  [extra: string]: unknown;
}

