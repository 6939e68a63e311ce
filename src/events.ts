import type { ChatPart, ToolPart } from './stream/parts.js';
import type { ChatFailure } from './errors.js';
import type { ChatMessage, ChatRequest, Feedback } from './types.js';

export interface AiChatSendDetail {
  /** The request about to go out; change its `body` or `headers` in place. */
  request: ChatRequest;
}
export interface AiChatDeltaDetail {
  /** The text this event added. */
  delta: string;
  /** The assistant message it was added to (its `content` already includes `delta`). */
  message: ChatMessage;
}
export interface AiChatMessageDetail {
  message: ChatMessage;
}
export interface AiChatErrorDetail {
  /** Why the answer failed: `code` from `ERROR_CODES`, the English `message`, the `status`. */
  error: ChatFailure;
  message: ChatMessage;
}

export interface AiChatPartDetail {
  /** The tool call, source or file that arrived, or the tool call whose state changed (it is the object in `message.parts`). */
  part: ChatPart;
  message: ChatMessage;
}

export interface AiChatToolCallDetail {
  /** The call: its `name` and `input` (model output: check it before acting on it). */
  part: ToolPart;
  message: ChatMessage;
  /**
   * After `preventDefault()`, answers the call: a JSON value, or a promise of
   * one; a rejection becomes an error result the model reads.
   */
  respond(result: unknown): void;
}

export interface AiChatOpenDetail {
  /** The HTTP status of the response. */
  status: number;
  /** Its media type, such as `text/event-stream`. */
  contentType: string;
  /** The format detected (or pinned): `openai`, `anthropic`, `generic`, `json`, …; undefined if nothing decided it. */
  format: string | undefined;
}

export interface AiChatRetryDetail {
  /** 1 for the first retry. */
  attempt: number;
  maxRetries: number;
  /** Ms the widget waits before the retry. */
  delay: number;
  /** What failed, in the vocabulary of `ai-chat-error` (a retryable `code`: `http`, `unreachable`, `connection-lost`, `idle`, `incomplete`). */
  error: ChatFailure;
  message: ChatMessage;
}

export interface AiChatEditDetail {
  /** The question as it was (still in the conversation while listeners run). */
  message: ChatMessage;
  /** The text about to be sent in its place. */
  content: string;
}

export interface AiChatVersionDetail {
  /** The message now shown where the reader switched versions. */
  message: ChatMessage;
  /** Which version is shown, from 1, of `count`. */
  version: number;
  count: number;
}

export interface AiChatFeedbackDetail {
  /** The answer's `id`. */
  messageId: string;
  /** `good` or `bad`, or null when the reader took it back. */
  value: Feedback | null;
  /** The answer, with its new `feedback`. */
  message: ChatMessage;
}

/**
 * Every event of `<ai-chat>`, by name. Each bubbles and is composed so it
 * crosses shadow roots; names are prefixed so they never collide with the
 * native `error`, `input` or `message`.
 */
export interface AiChatEventMap {
  /** Before the request goes out; cancel it with `preventDefault()`. */
  'ai-chat-send': CustomEvent<AiChatSendDetail>;
  'ai-chat-delta': CustomEvent<AiChatDeltaDetail>;
  'ai-chat-done': CustomEvent<AiChatMessageDetail>;
  'ai-chat-error': CustomEvent<AiChatErrorDetail>;
  'ai-chat-abort': CustomEvent<AiChatMessageDetail>;
  'ai-chat-retry': CustomEvent<AiChatRetryDetail>;
  'ai-chat-open': CustomEvent<AiChatOpenDetail>;
  'ai-chat-part': CustomEvent<AiChatPartDetail>;
  'ai-chat-tool-call': CustomEvent<AiChatToolCallDetail>;
  /** Regenerate was pressed on `detail.message`; cancel it with `preventDefault()`. */
  'ai-chat-regenerate': CustomEvent<AiChatMessageDetail>;
  /** An edited question is about to be sent; cancel it with `preventDefault()`. */
  'ai-chat-edit': CustomEvent<AiChatEditDetail>;
  'ai-chat-version': CustomEvent<AiChatVersionDetail>;
  'ai-chat-feedback': CustomEvent<AiChatFeedbackDetail>;
  /** An answer's text was copied (Copy). */
  'ai-chat-copy': CustomEvent<AiChatMessageDetail>;
}

export type AiChatEventName = keyof AiChatEventMap;
type DetailOf<K extends AiChatEventName> = AiChatEventMap[K]['detail'];

/** Dispatches an `ai-chat-*` event; returns false when a listener cancelled it. */
export function emit<K extends AiChatEventName>(
  target: EventTarget,
  name: K,
  detail: DetailOf<K>,
  options: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(
    new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
  );
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends AiChatEventMap {}
}
