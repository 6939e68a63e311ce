import { CLIENT_GONE, HttpError } from './errors.js';
import {
  CHAT_ROLES,
  TOOL_CALL_STATES,
  type ChatInputMessage,
  type ChatMessagePart,
  type ChatRole,
  type ChatToolCallPart,
  type ToolCallState,
  type ToolDefinition,
} from './types.js';

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
  /** The page's tools (the request's `tools`), offered to the model beside the server's. */
  tools: ToolDefinition[];
  /** The turn's key and last event id from the body, where the widget puts them cross-origin (the headers win). */
  idempotencyKey?: string;
  lastEventId?: string;
}

/** Most parts in one message. */
export const MAX_PARTS = 1000;
/** Most tools a page may declare (OpenAI accepts 128 in all, with the server's). */
export const MAX_PAGE_TOOLS = 64;
/**
 * How deep tool inputs, outputs and schemas may nest. The body's size bounds
 * their bulk; this bounds the recursion of `JSON.stringify` on the way to the
 * provider, which a deep enough value would overflow.
 */
export const MAX_JSON_DEPTH = 64;
/** The names providers accept for functions (OpenAI's rule, which Anthropic's includes). */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Printable ASCII: every provider's call ids are, and they go back to the provider. */
const TOOL_CALL_ID = /^[\x21-\x7e]{1,256}$/;

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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `value` nests at most `limit` arrays and objects deep; a loop, so the input never chooses a recursion depth. */
function withinDepth(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return false;
    for (const inner of Object.values(item)) if (typeof inner === 'object' && inner !== null) stack.push([inner, depth + 1]);
  }
  return true;
}

const PART_TYPES = ['text', 'reasoning', 'dynamic-tool', 'source-url', 'file', 'step-start'] as const;

const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** A JSON value within {@link MAX_JSON_DEPTH}, or a 400 naming `where`. */
function jsonValue(value: unknown, where: string): unknown {
  if (!withinDepth(value, MAX_JSON_DEPTH)) throw invalid(`\`${where}\` nests deeper than ${MAX_JSON_DEPTH} levels.`);
  return value;
}

function readToolPart(part: Record<string, unknown>, where: string): ChatToolCallPart {
  const { toolCallId, toolName, state, input, output, errorText } = part;
  if (typeof toolCallId !== 'string' || !TOOL_CALL_ID.test(toolCallId)) {
    throw invalid(`\`${where}.toolCallId\` must be 1 to 256 printable ASCII characters.`);
  }
  if (typeof toolName !== 'string' || toolName.length === 0 || toolName.length > 128) {
    throw invalid(`\`${where}.toolName\` must be a string of 1 to 128 characters.`);
  }
  if (!(TOOL_CALL_STATES as readonly unknown[]).includes(state)) {
    throw invalid(`\`${where}.state\` must be one of ${TOOL_CALL_STATES.join(', ')}.`);
  }
  if (state === 'output-available' && output === undefined) throw invalid(`\`${where}.output\` is required when the state is output-available.`);
  if (state === 'output-error' && typeof errorText !== 'string') {
    throw invalid(`\`${where}.errorText\` must be a string when the state is output-error.`);
  }
  if (!optionalString(errorText)) throw invalid(`\`${where}.errorText\` must be a string.`);
  const read: ChatToolCallPart = {
    type: 'dynamic-tool',
    toolCallId,
    toolName,
    state: state as ToolCallState,
    input: jsonValue(input ?? {}, `${where}.input`),
  };
  if (state === 'output-available') read.output = jsonValue(output, `${where}.output`);
  if (state === 'output-error') read.errorText = errorText as string;
  return read;
}

/** One part, checked; `undefined` for the kinds that are accepted but not sent on (sources, files). */
function readPart(part: unknown, where: string, role: ChatRole): ChatMessagePart | undefined {
  if (!isRecord(part)) throw invalid(`\`${where}\` must be an object with a \`type\`.`);
  const { type } = part;
  if (!(PART_TYPES as readonly unknown[]).includes(type)) throw invalid(`\`${where}.type\` must be one of ${PART_TYPES.join(', ')}.`);
  if (type === 'text' || type === 'reasoning') {
    if (typeof part.text !== 'string') throw invalid(`\`${where}.text\` must be a string.`);
    return { type, text: part.text };
  }
  if (type === 'dynamic-tool') {
    if (role !== 'assistant') throw invalid(`\`${where}\`: tool calls belong to assistant messages.`);
    return readToolPart(part, where);
  }
  if (type === 'source-url') {
    if (typeof part.url !== 'string' || typeof part.sourceId !== 'string' || !optionalString(part.title)) {
      throw invalid(`\`${where}\` must have a string \`sourceId\` and \`url\`, and a string \`title\` if any.`);
    }
    return undefined;
  }
  if (type === 'file') {
    if (typeof part.url !== 'string' || typeof part.mediaType !== 'string' || !optionalString(part.filename)) {
      throw invalid(`\`${where}\` must have a string \`mediaType\` and \`url\`, and a string \`filename\` if any.`);
    }
    return undefined;
  }
  return { type: 'step-start' };
}

/** A message's `parts`, checked; kept only when they hold a tool call (the only thing `content` cannot carry). */
function readParts(value: unknown, where: string, role: ChatRole): ChatMessagePart[] {
  if (!Array.isArray(value)) throw invalid(`\`${where}\` must be an array of parts.`);
  if (value.length > MAX_PARTS) throw new HttpError(413, 'too_many_parts', `\`${where}\` has ${value.length} parts; at most ${MAX_PARTS} are accepted.`);
  const parts: ChatMessagePart[] = [];
  value.forEach((part: unknown, index) => {
    const read = readPart(part, `${where}[${index}]`, role);
    if (read) parts.push(read);
  });
  return parts;
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
    const { role, content, parts } = message as Record<string, unknown>;
    if (!isRole(role)) throw invalid(`\`messages[${index}].role\` must be one of ${CHAT_ROLES.join(', ')}.`);
    const read = parts === undefined ? undefined : readParts(parts, `messages[${index}].parts`, role);
    // A UI message (AI SDK clients) may carry its text in parts only.
    if (content === undefined && read !== undefined) {
      const text = read.map((part) => (part.type === 'text' ? part.text : '')).join('');
      return read.some((part) => part.type === 'dynamic-tool') ? { role, content: text, parts: read } : { role, content: text };
    }
    if (typeof content !== 'string') throw invalid(`\`messages[${index}].content\` must be a string.`);
    // Only these fields go on: a client must not smuggle provider parameters in.
    return read?.some((part) => part.type === 'dynamic-tool') ? { role, content, parts: read } : { role, content };
  });
}

/** The page's tools (`tools`): names providers accept, no name twice, bounded schemas. */
function readTools(value: unknown): ToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('`tools` must be an array of {name, description?, parameters?}.');
  if (value.length > MAX_PAGE_TOOLS) throw invalid(`\`tools\` has ${value.length} tools; at most ${MAX_PAGE_TOOLS} are accepted.`);
  const names = new Set<string>();
  return value.map((tool: unknown, index) => {
    const where = `tools[${index}]`;
    if (!isRecord(tool)) throw invalid(`\`${where}\` must be an object with a \`name\`.`);
    const { name, description, parameters } = tool;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      throw invalid(`\`${where}.name\` must be 1 to 64 letters, digits, _ or -.`);
    }
    if (names.has(name)) throw invalid(`\`${where}.name\`: "${name}" is declared twice.`);
    names.add(name);
    if (!optionalString(description)) throw invalid(`\`${where}.description\` must be a string.`);
    if (parameters !== undefined && !isRecord(parameters)) throw invalid(`\`${where}.parameters\` must be a JSON Schema object.`);
    const schema = (jsonValue(parameters, `${where}.parameters`) as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} };
    return { name, ...(description ? { description } : {}), parameters: schema };
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

/** `{ [name]: value }` for a string field, nothing when absent; a 400 for anything else. */
function turnField(fields: Record<string, unknown>, name: 'idempotencyKey' | 'lastEventId'): Partial<ChatInput> {
  const value = fields[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string') throw invalid(`\`${name}\` must be a string.`);
  return { [name]: value };
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
    tools: readTools(fields.tools),
    ...turnField(fields, 'idempotencyKey'),
    ...turnField(fields, 'lastEventId'),
  };
}
