import type { ResumeStore } from './resume.js';

/** The roles a request may use; anything else is refused with 400. */
export const CHAT_ROLES = ['system', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** The providers built in; any other is a {@link ProviderAdapter}. */
export const PROVIDER_NAMES = ['openai', 'anthropic', 'mock'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** The states of a tool call, as the AI SDK's UI message parts name them. */
export const TOOL_CALL_STATES = ['input-streaming', 'input-available', 'output-available', 'output-error'] as const;
export type ToolCallState = (typeof TOOL_CALL_STATES)[number];

/**
 * A tool call and its result in a request, shaped like the AI SDK's
 * `dynamic-tool` UI message part: a call the model made in an earlier step,
 * with the result the server or the page gave it.
 */
export interface ChatToolCallPart {
  type: 'dynamic-tool';
  toolCallId: string;
  toolName: string;
  state: ToolCallState;
  /** The parsed input; a string when it never parsed. */
  input: unknown;
  output?: unknown;
  errorText?: string;
}

/**
 * A file the user attached, shaped like the AI SDK's `file` UI message part.
 * In a validated message `mediaType` is the accepted type (lower case, no
 * parameters) and `url` is either `data:<mediaType>;base64,<data>` or an
 * `https:` URL the provider fetches itself.
 */
export interface ChatFilePart {
  type: 'file';
  mediaType: string;
  url: string;
  filename?: string;
}

/**
 * A part of a request message, the AI SDK's UI message parts the widget
 * sends. Sources, and files outside user messages, are accepted but not sent
 * to the provider; `step-start` separates the steps of an answer.
 */
export type ChatMessagePart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | ChatToolCallPart
  | { type: 'source-url'; sourceId: string; url: string; title?: string }
  | ChatFilePart
  | { type: 'step-start' };

/**
 * One message of a validated request: `role` and `content`, and `parts`
 * only when they carry what `content` cannot: tool calls (an assistant
 * message) or files (a user message: its text and file parts, in order).
 * Nothing else the client sent goes on.
 */
export interface ChatInputMessage {
  role: ChatRole;
  content: string;
  parts?: ChatMessagePart[];
}

/**
 * Which files a user message may carry (`ChatHandlerOptions.files`). A file
 * outside them is refused before any provider call: 415 for a type, 413
 * for a size or a count, 400 for a malformed `url`.
 */
export interface FileOptions {
  /**
   * Media types accepted: exact (`image/png`) or a whole family
   * (`image/*`). Default {@link DEFAULT_FILE_TYPES}, what both built-in
   * providers read.
   */
  accept?: readonly string[];
  /** Largest file, in decoded bytes. Default 5,000,000. */
  maxBytes?: number;
  /** Most files in one message. Default 4. */
  maxFiles?: number;
  /**
   * Most decoded bytes of all the files in one request. Earlier messages'
   * files count too: the widget sends the conversation with every question.
   * Default 20,000,000.
   */
  maxTotalBytes?: number;
}

/**
 * The media types accepted by default: the images both built-in providers
 * read (Anthropic takes exactly these four), PDF, and plain text (read as
 * text by both).
 */
export const DEFAULT_FILE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/pdf', 'text/plain'] as const;

/** A tool offered to the model: the page's (from the request's `tools`) or the server's. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the input object. */
  parameters: Record<string, unknown>;
}

/** What a server tool's `execute` gets besides its input. */
export interface ToolContext {
  /** Aborted when the answer stops (the user pressed Stop, the client left): stop the work. */
  signal: AbortSignal;
  /** The model's id for this call. */
  toolCallId: string;
  /** The conversation so far, as validated. */
  messages: readonly ChatInputMessage[];
}

/** A tool the handler runs itself (see `ChatHandlerOptions.tools`). */
export interface ServerTool {
  description?: string;
  /** JSON Schema of the input object; default: an object with any properties. */
  parameters?: Record<string, unknown>;
  /**
   * Runs the call. What it returns (any JSON value) is the result the model
   * and the page see. What it throws becomes an error result: its message
   * is what the model and the user read, so throw messages meant for them.
   */
  execute(input: unknown, context: ToolContext): unknown;
}

/** What a provider adapter is asked for once the request passed validation. */
export interface ProviderRequest {
  messages: ChatInputMessage[];
  /**
   * Tools to offer the model: the server's, then the page's. The handler
   * always sets it (empty for none); optional for code that calls an
   * adapter itself.
   */
  tools?: ToolDefinition[];
  /** The configured model, or the request's `model` when it is in `allowedModels`. */
  model: string;
  /** The incoming request, read-only (the mock reads its `?fault=` parameter). Never forward its headers. */
  request: Request;
  /** Aborted when nobody reads the answer any more: pass it to the provider's HTTP call. */
  signal: AbortSignal;
}

/** A provider stream that has started: the provider accepted the request. */
export interface ProviderStream {
  /** The provider's chunks, each forwarded as one `data:` event in order. Throwing ends the answer with `event: error`. */
  chunks: AsyncIterable<unknown>;
  /**
   * Wraps the body of the response that started this answer (not of later
   * resumes), for adapters that simulate the network: the mock's `cut-after`
   * fault drops the connection through it. Cancelling the inner body ends
   * that response as a departed client would.
   */
  wrapBody?(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>;
  /**
   * The shape of `chunks` when they are OpenAI `chat.completion.chunk`
   * objects or Anthropic stream events: with it the handler can read the
   * tool calls a step asks for and run the server's tools. Without it the
   * chunks are forwarded as they are and the answer is one step.
   */
  dialect?: ProviderDialect;
}

/** The chunk shapes whose tool calls the handler reads. */
export const PROVIDER_DIALECTS = ['openai', 'anthropic'] as const;
export type ProviderDialect = (typeof PROVIDER_DIALECTS)[number];

/**
 * A provider: turns validated messages into a stream of JSON-serialisable
 * chunks. `start` resolves once the provider has accepted the request and
 * rejects before any chunk (with an {@link UpstreamError} or an SDK error
 * carrying `status`), so failures map to an HTTP status.
 */
export interface ProviderAdapter {
  /** For log lines. */
  readonly name: string;
  start(request: ProviderRequest): Promise<ProviderStream>;
}

/** Where log lines go; every argument is scrubbed of keys first. */
export interface ChatLogger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export interface ChatHandlerOptions {
  /** `openai`, `anthropic`, `mock`, or your own adapter (`mockProvider({ script, faults })` for a tuned mock). */
  provider: ProviderName | ProviderAdapter;
  /** The model used when a request names none (`mock` needs none). */
  model?: string;
  /** Models a request may pick with its `model` field; defaults to `[model]`. Others get 400. */
  allowedModels?: readonly string[];
  /** Provider key; defaults to `OPENAI_API_KEY` or `ANTHROPIC_API_KEY` where `process.env` exists. */
  apiKey?: string;
  /** Provider base URL: any OpenAI-compatible server for `openai`. */
  baseURL?: string;
  /** Sent as `max_tokens` (Anthropic requires one; default 4096 there, unset for OpenAI). */
  maxTokens?: number;
  /** SDK retries before streaming starts (429, 5xx, connection errors). Default 0: the widget owns retries. */
  maxRetries?: number;
  /** Origins allowed to call from another site (`'*'` for any, but not with `allowCredentials`). Others get no CORS headers, and 403 on POST. */
  allowedOrigins?: readonly string[];
  /** Lets the listed origins send cookies (`with-credentials` on the widget). Refused at start-up with `'*'`. */
  allowCredentials?: boolean;
  /** Request headers a cross-origin caller may send besides the default ones. */
  allowedHeaders?: readonly string[];
  /**
   * Tools the handler runs itself: when the model asks for one, the handler
   * executes it, streams the call and its result to the widget, gives the
   * result back to the model, and goes on until the model answers with text
   * or `maxSteps` is reached. Calls of tools not listed here (the page's)
   * are streamed to the page and not run. Needs a provider with a
   * `dialect` (`openai`, `anthropic` and `mock` have one).
   */
  tools?: Record<string, ServerTool>;
  /** Most provider calls for one answer when server tools run. Default 5. */
  maxSteps?: number;
  /**
   * Files users may attach (`file` parts of user messages), sent to the
   * provider as images and documents. `false` refuses every file (415).
   * Default: {@link DEFAULT_FILE_TYPES}, 5,000,000 bytes each, 4 in one
   * message, 20,000,000 bytes in one request.
   */
  files?: FileOptions | false;
  /** Most messages in one request (413 beyond). Default 200. */
  maxMessages?: number;
  /**
   * Largest request body in bytes (413 beyond). Default 1,000,000 plus room
   * for `files.maxTotalBytes` in base64 (about 27.7 MB with the default
   * files); 1,000,000 with `files: false`.
   */
  maxBodyBytes?: number;
  /**
   * How long the whole request body may take to arrive once the headers are
   * in, in ms (408 beyond), so slow uploads cannot hold connections open.
   * Each byte received adds to it as if the body came at 50,000 bytes a
   * second, so a body of attachments that keeps coming at least that fast
   * is read however long it takes. Default 15 000.
   */
  bodyTimeoutMs?: number;
  /** How often a `: ping` comment keeps the connection alive, in ms. Default 15 000. */
  pingIntervalMs?: number;
  /** Where answers are kept for `Idempotency-Key` + `Last-Event-ID` resumes. Default: in memory, 5 minutes. */
  resumeStore?: ResumeStore;
  /**
   * How long a resumable answer (one sent with `Idempotency-Key`) keeps
   * running after its last reader disconnects, waiting to be resumed, in ms.
   * The wait starts only then, never while the provider is still accepting.
   * Answers without the header stop at once. Default 5 000.
   */
  resumeGraceMs?: number;
  /**
   * Who sends a request, for example the user id from your session cookie or
   * token. With it, an answer belongs to the user who asked: a resume or a
   * `DELETE` with the same `Idempotency-Key` from anyone else gets 404, and a
   * request it returns no user for gets 401. Without it, the key (random per
   * turn) and the conversation guard an answer.
   */
  identify?: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /** Log lines (upstream failures, SDK warnings); keys are scrubbed. `false` for none. Default `console`. */
  logger?: ChatLogger | false;
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { message: string; type: string };
}
