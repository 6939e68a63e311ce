import type { ResumeStore } from './resume.js';

/** The roles a request may use; anything else is refused with 400. */
export const CHAT_ROLES = ['system', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** The providers built in; any other is a {@link ProviderAdapter}. */
export const PROVIDER_NAMES = ['openai', 'anthropic', 'mock'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** One message of a validated request: only these two fields go to the provider. */
export interface ChatInputMessage {
  role: ChatRole;
  content: string;
}

/** What a provider adapter is asked for once the request passed validation. */
export interface ProviderRequest {
  messages: ChatInputMessage[];
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
}

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
  /** Most messages in one request (413 beyond). Default 200. */
  maxMessages?: number;
  /** Largest request body in bytes (413 beyond). Default 1 000 000. */
  maxBodyBytes?: number;
  /**
   * How long the whole request body may take to arrive once the headers are
   * in, in ms (408 beyond), so slow uploads cannot hold connections open.
   * Default 15 000.
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
