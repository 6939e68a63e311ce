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
   * `content` and `reasoning` stay the joined text either way. A question
   * with attachments has its text, then its files.
   */
  parts?: ChatPart[];
  /**
   * The other versions of the conversation from this message on, made by
   * Regenerate (on an answer) and Edit (on a question). Each version is its
   * messages from this position to its end; the one shown is the
   * conversation itself, between `before` and `after`.
   */
  versions?: MessageVersions;
  /** What the reader said of this answer (`feedback` in `actions`). */
  feedback?: Feedback;
}

/** Versions made before the one shown and after it, oldest first (see `ChatMessage.versions`). */
export interface MessageVersions {
  before: ChatMessage[][];
  after: ChatMessage[][];
}

export const FEEDBACK_VALUES = ['good', 'bad'] as const;
export type Feedback = (typeof FEEDBACK_VALUES)[number];

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

/**
 * One part of a message in a request: the AI SDK's UI-message part shapes
 * (docs/tools.md). Tool calls go as `dynamic-tool` with their result.
 */
export type RequestPart =
  | { type: 'text'; text: string }
  | { type: 'file'; mediaType: string; url: string; filename?: string }
  | {
      type: 'dynamic-tool';
      toolCallId: string;
      toolName: string;
      state: 'output-available' | 'output-error';
      input: unknown;
      output?: unknown;
      errorText?: string;
    };

/** A message as a request carries it: `content` for every backend, `id` and `parts` for UI-message routes. */
export interface RequestMessage {
  id: string;
  role: MessageRole;
  content: string;
  parts: RequestPart[];
}

/** A page tool as the request offers it to the model (`tools` in the body). */
export interface ToolDeclaration {
  name: string;
  description?: string;
  /** JSON Schema of the tool's input. */
  parameters?: unknown;
}

export interface ChatRequestBody {
  messages: RequestMessage[];
  /** The page's tools, when it has any (the `tools` property). */
  tools?: ToolDeclaration[];
  stream: true;
  model?: string;
  [extra: string]: unknown;
}


/** What `upload` gets beside the file: Stop or the file's removal aborts `signal`; report progress from 0 to 1. */
export interface UploadOptions {
  signal: AbortSignal;
  onProgress(fraction: number): void;
}

/**
 * Stores one of the reader's files where the page keeps them and resolves
 * with its URL (`https:`), which is sent in place of the bytes. A rejection
 * keeps the draft and its files, and says the upload failed.
 */
export type UploadFile = (file: File, options: UploadOptions) => Promise<string>;
