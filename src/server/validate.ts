import { CLIENT_GONE, HttpError } from './errors.js';
import { CHAT_ROLES, type ChatInputMessage, type ChatRole } from './types.js';

export interface InputLimits {
  maxMessages: number;
  maxBodyBytes: number;
  /** How long the body may take to arrive, from the first read on. */
  bodyTimeoutMs: number;
}

/** A request that passed validation. */
export interface ChatInput {
  messages: ChatInputMessage[];
  model: string;
}

const tooLarge = (limit: number) =>
  new HttpError(413, 'request_too_large', `The request body is larger than ${limit} bytes.`);

/**
 * Reads the body up to `maxBodyBytes` within `bodyTimeoutMs`. The declared
 * length is checked first, then the bytes actually read, since a chunked body
 * declares none. The deadline covers the whole body, not each read: a client
 * sending one byte a second would reset a per-read timer forever.
 */
async function readBody(request: Request, { maxBodyBytes: limit, bodyTimeoutMs }: InputLimits): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  let timedOut = false;
  // Releasing the lock fails the pending read, so the loop below sees the
  // deadline. Not a cancel: that would destroy the socket before the 408.
  const timer = setTimeout(() => {
    timedOut = true;
    reader.releaseLock();
  }, bodyTimeoutMs);
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await reader.read().catch((error: unknown): ReadableStreamReadDoneResult<Uint8Array> => {
        if (timedOut) return { done: true, value: undefined };
        // The upload broke off: the client left (or its proxy did). Its doing, not a server failure.
        throw new HttpError(CLIENT_GONE, 'client_closed_request', 'The client went away while sending the request.', {}, error);
      });
      if (timedOut) {
        // `Connection: close`: the rest of a slow body is not worth waiting for.
        throw new HttpError(408, 'request_timeout', `The request body did not arrive within ${bodyTimeoutMs} ms.`, { Connection: 'close' });
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) throw tooLarge(limit);
      parts.push(next.value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid UTF-8.');
  }
}

const isRole = (value: unknown): value is ChatRole => (CHAT_ROLES as readonly unknown[]).includes(value);

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_request', message);
}

function readMessages(value: unknown, maxMessages: number): ChatInputMessage[] {
  if (!Array.isArray(value)) throw invalid('`messages` must be an array of {role, content}.');
  if (value.length === 0) throw invalid('`messages` must hold at least one message.');
  if (value.length > maxMessages) {
    throw new HttpError(413, 'too_many_messages', `The request has ${value.length} messages; at most ${maxMessages} are accepted.`);
  }
  return value.map((message: unknown, index) => {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw invalid(`\`messages[${index}]\` must be an object with \`role\` and \`content\`.`);
    }
    const { role, content } = message as Record<string, unknown>;
    if (!isRole(role)) throw invalid(`\`messages[${index}].role\` must be one of ${CHAT_ROLES.join(', ')}.`);
    if (typeof content !== 'string') throw invalid(`\`messages[${index}].content\` must be a string.`);
    // Only these two fields go on: a client must not smuggle provider parameters in.
    return { role, content };
  });
}

function readModel(value: unknown, model: string, allowedModels: readonly string[]): string {
  if (value === undefined || value === null || value === '') return model;
  if (typeof value !== 'string') throw invalid('`model` must be a string.');
  if (!allowedModels.includes(value)) {
    throw new HttpError(400, 'model_not_allowed', `The model "${value.slice(0, 100)}" is not available here.`);
  }
  return value;
}

/**
 * Reads and checks a chat request before any provider call: JSON content
 * type, size, JSON syntax, `messages` shape and count, and `model` against the
 * allow-list. Throws {@link HttpError} with the status to answer.
 */
export async function readChatInput(
  request: Request,
  limits: InputLimits,
  model: string,
  allowedModels: readonly string[],
): Promise<ChatInput> {
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  // Requiring JSON also makes every cross-origin browser request preflight,
  // so CORS decides before the provider is called (a text/plain POST would not).
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the request as JSON (`Content-Type: application/json`).');
  }
  const text = await readBody(request, limits);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object with `messages`.');
  }
  const fields = body as Record<string, unknown>;
  return {
    messages: readMessages(fields.messages, limits.maxMessages),
    model: readModel(fields.model, model, allowedModels),
  };
}
