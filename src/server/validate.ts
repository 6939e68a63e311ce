import { bodyReaders, type BodyReader } from './body.js';
import { CLIENT_GONE, HttpError } from './errors.js';
import {
  CHAT_ROLES,
  DEFAULT_FILE_TYPES,
  TOOL_CALL_STATES,
  type ChatFilePart,
  type ChatHandlerOptions,
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
  /** The files user messages may carry ({@link fileLimits}); {@link DEFAULT_FILE_LIMITS} when absent. */
  files?: FileLimits;
}

/** `ChatHandlerOptions.files`, resolved: `accept` empty refuses every file. */
export interface FileLimits {
  accept: readonly string[];
  maxBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  accept: DEFAULT_FILE_TYPES,
  maxBytes: 5_000_000,
  maxFiles: 4,
  maxTotalBytes: 20_000_000,
};

/** The body limit without files: what the widget's text history stays under. */
export const TEXT_BODY_BYTES = 1_000_000;

/** A media type, or a family of them (`image/*`), as RFC 9110 spells a token. */
const MEDIA_RANGE = /^[a-z0-9!#$&^_.+-]+\/(?:\*|[a-z0-9!#$&^_.+-]+)$/;

function wholePositive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`createChatHandler: \`files.${name}\` must be a positive whole number.`);
  return value;
}

/** `ChatHandlerOptions.files` checked at start-up, with the defaults filled in; a TypeError names a bad value. */
export function fileLimits(options: ChatHandlerOptions['files']): FileLimits {
  if (options === false) return { ...DEFAULT_FILE_LIMITS, accept: [] };
  if (options === undefined) return DEFAULT_FILE_LIMITS;
  if (typeof options !== 'object' || options === null) throw new TypeError('createChatHandler: `files` must be an object or false.');
  const accept = options.accept ?? DEFAULT_FILE_TYPES;
  if (!Array.isArray(accept)) throw new TypeError('createChatHandler: `files.accept` must be an array of media types.');
  for (const type of accept) {
    if (typeof type !== 'string' || !MEDIA_RANGE.test(type.toLowerCase())) {
      throw new TypeError(`createChatHandler: \`files.accept\` takes media types such as image/png or image/*, not ${JSON.stringify(type)}.`);
    }
  }
  return {
    accept: accept.map((type) => type.toLowerCase()),
    maxBytes: wholePositive('maxBytes', options.maxBytes, DEFAULT_FILE_LIMITS.maxBytes),
    maxFiles: wholePositive('maxFiles', options.maxFiles, DEFAULT_FILE_LIMITS.maxFiles),
    maxTotalBytes: wholePositive('maxTotalBytes', options.maxTotalBytes, DEFAULT_FILE_LIMITS.maxTotalBytes),
  };
}

/**
 * The default `maxBodyBytes` for these file limits: the text allowance, plus
 * `maxTotalBytes` as base64 (4 characters for every 3 bytes), so that the
 * files' own limits, with their clearer messages, are the ones a user meets.
 */
export function defaultBodyBytes(files: FileLimits): number {
  return files.accept.length === 0 ? TEXT_BODY_BYTES : TEXT_BODY_BYTES + 4 * Math.ceil(files.maxTotalBytes / 3);
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
 * The upload speed that always gets its body read, in bytes a second: about
 * 0.4 Mbit/s, a slow mobile uplink. Each byte received adds 1/50,000 s to the
 * deadline, so a body of attachments (megabytes) may take longer than
 * `bodyTimeoutMs` as long as it keeps coming at this speed (Apache's
 * mod_reqtimeout `MinRate` works the same way).
 */
export const MIN_UPLOAD_BYTES_PER_SECOND = 50_000;

/**
 * Reads the body up to `maxBodyBytes` within `bodyTimeoutMs`, plus the time
 * its bytes earn at {@link MIN_UPLOAD_BYTES_PER_SECOND}. The declared
 * length is checked first, then the bytes actually read, since a chunked body
 * declares none. The deadline covers the whole body, not each read: a client
 * sending one byte a second would reset a per-read timer forever, and earns
 * 20 µs a byte here.
 */
async function readBody(request: Request, { maxBodyBytes: limit, bodyTimeoutMs }: InputLimits): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const adapterReader = bodyReaders.get(request);
  if (!adapterReader && !request.body) return '';
  const reader: BodyReader = adapterReader ? adapterReader() : request.body!.getReader();
  let timedOut = false;
  const started = Date.now();
  let allowedMs = bodyTimeoutMs;
  // One timer, moved on only when it fires early (the bytes earned more
  // time), not re-armed for every piece of a large body.
  const expire = () => {
    const left = started + allowedMs - Date.now();
    if (left > 0) {
      timer = setTimeout(expire, left);
      return;
    }
    timedOut = true;
    // Releasing the lock fails the pending read, so the loop below sees the
    // deadline. Not a cancel: that would destroy the socket before the 408.
    reader.releaseLock();
  };
  let timer = setTimeout(expire, bodyTimeoutMs);
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
        throw new HttpError(408, 'request_timeout', `The request body did not arrive within ${Math.round(allowedMs)} ms.`, { Connection: 'close' });
      }
      if (next.done) break;
      size += next.value.byteLength;
      allowedMs += (next.value.byteLength * 1000) / MIN_UPLOAD_BYTES_PER_SECOND;
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

/** What the files of one request have used of its limits so far. */
interface FileBudget {
  limits: FileLimits;
  totalBytes: number;
}

/** Media types whose first bytes say what they are: a file claiming one must start with them. */
const SIGNATURES: ReadonlyArray<readonly [string, (bytes: Uint8Array) => boolean]> = [
  ['image/png', (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte)],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a'],
  ['image/webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
  ['application/pdf', (b) => ascii(b, 0, 5) === '%PDF-'],
];
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
const signedType = (bytes: Uint8Array) => SIGNATURES.find(([, matches]) => matches(bytes))?.[0];

/** The longest file name passed on. */
const MAX_FILE_NAME = 1000;

/** The longest `https:` URL passed on: a provider fetches it, and real storage URLs are far shorter. */
const MAX_FILE_URL = 8192;

/** Bytes of base64 text: atob, since Buffer is Node's only. */
export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The media type and base64 data of a validated file's `data:` URL;
 * `undefined` for an `https:` URL. Providers read files through it.
 */
export function splitDataUrl(url: string): { mediaType: string; base64: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  return { mediaType: url.slice(5, comma).replace(/;base64$/, ''), base64: url.slice(comma + 1) };
}

/** A file's name for a message the user reads, without control characters, and short; `fallback` when it has none. */
function fileLabel(filename: string | undefined, fallback: string): string {
  if (!filename) return fallback;
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '');
  return `The file “${clean.length > 80 ? `${clean.slice(0, 80)}…` : clean}”`;
}

/** A validated file's name for a provider's refusal (see {@link fileLabel}). */
export const fileName = (file: ChatFilePart) => fileLabel(file.filename, `A ${file.mediaType} file`);

const accepts = (accept: readonly string[], type: string) =>
  accept.some((range) => range === type || range === '*/*' || (range.endsWith('/*') && type.startsWith(range.slice(0, -1))));

/** `n` with thousands separators, without Intl (not every runtime has its data). */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/**
 * A user's file, checked against the limits: a `data:` URL with base64
 * data or an `https:` URL (400 otherwise), an accepted media type (415), its
 * decoded size and the request's total (413), and for types with a
 * signature, bytes that start with it (415; a renamed file whose bytes are
 * another accepted type goes on as that type). Text must be UTF-8, since
 * providers take it as text.
 */
function readFilePart(part: Record<string, unknown>, where: string, budget: FileBudget): ChatFilePart {
  const { limits } = budget;
  const filename = part.filename as string | undefined;
  const label = fileLabel(filename, `The file at \`${where}\``);
  if (limits.accept.length === 0) throw new HttpError(415, 'files_not_accepted', 'This chat does not accept files.');
  let mediaType = (part.mediaType as string).split(';')[0]!.trim().toLowerCase();
  if (mediaType.length > 255 || !MEDIA_RANGE.test(mediaType) || mediaType.endsWith('/*')) {
    throw invalid(`\`${where}.mediaType\` must be a media type such as image/png.`);
  }
  // Passed on as the file's name or title: no file system has longer ones.
  if (filename !== undefined && filename.length > MAX_FILE_NAME) throw invalid(`\`${where}.filename\` is longer than ${MAX_FILE_NAME} characters.`);
  if (!accepts(limits.accept, mediaType)) {
    throw new HttpError(415, 'file_type_not_accepted', `${label} is ${mediaType.slice(0, 100)}; this chat accepts ${limits.accept.join(', ')}.`);
  }
  const named = filename === undefined ? {} : { filename };
  const url = part.url as string;
  if (!/^data:/i.test(url)) {
    let parsed: URL | undefined;
    try {
      parsed = url.length <= MAX_FILE_URL ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== 'https:') {
      throw invalid(`\`${where}.url\` must be a data: URL with base64 data, or an https: URL of at most ${MAX_FILE_URL} characters.`);
    }
    return { type: 'file', mediaType, url: parsed.href, ...named };
  }
  const comma = url.indexOf(',');
  const header = comma === -1 ? '' : url.slice(5, comma);
  if (!/;base64$/i.test(header)) throw invalid(`\`${where}.url\` must hold base64 data (data:<type>;base64,<data>).`);
  const base64 = url.slice(comma + 1);
  if (base64.length === 0) throw invalid(`${label} is empty.`);
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  // A search, not a pattern over the whole data: a backtracking match of
  // megabytes overflows the regular expression stack.
  if (base64.length % 4 !== 0 || /[^A-Za-z0-9+/]/.test(base64.slice(0, base64.length - padding))) {
    throw invalid(`\`${where}.url\` does not hold valid base64 data.`);
  }
  const bytes = (base64.length / 4) * 3 - padding;
  if (bytes > limits.maxBytes) {
    throw new HttpError(413, 'file_too_large', `${label} is ${count(bytes)} bytes; files of at most ${count(limits.maxBytes)} bytes are accepted.`);
  }
  budget.totalBytes += bytes;
  if (budget.totalBytes > limits.maxTotalBytes) {
    throw new HttpError(
      413,
      'files_too_large',
      `The files of this conversation add up to more than ${count(limits.maxTotalBytes)} bytes, the most one request may carry.`,
    );
  }
  const signed = SIGNATURES.some(([type]) => type === mediaType);
  if (signed) {
    const actual = signedType(decodeBase64(base64.slice(0, 16)));
    if (actual === undefined || !accepts(limits.accept, actual)) {
      throw new HttpError(415, 'file_type_mismatch', `${label} is not a valid ${mediaType} file.`);
    }
    mediaType = actual;
  } else if (mediaType.startsWith('text/')) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64(base64));
    } catch {
      throw new HttpError(415, 'file_type_mismatch', `${label} is not UTF-8 text.`);
    }
  }
  // The URL as it came when it already says exactly this type: no copy of the data.
  const exact = url.startsWith(`data:${mediaType};base64,`);
  return { type: 'file', mediaType, url: exact ? url : `data:${mediaType};base64,${base64}`, ...named };
}

/** One part, checked; `undefined` for the kinds that are accepted but not sent on (sources, files outside user messages). */
function readPart(part: unknown, where: string, role: ChatRole, budget: FileBudget): ChatMessagePart | undefined {
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
    // A model's own files (an assistant message) are not sent back to it: no provider takes them there.
    return role === 'user' ? readFilePart(part, where, budget) : undefined;
  }
  return { type: 'step-start' };
}

/** A message's `parts`, checked. */
function readParts(value: unknown, where: string, role: ChatRole, budget: FileBudget): ChatMessagePart[] {
  if (!Array.isArray(value)) throw invalid(`\`${where}\` must be an array of parts.`);
  if (value.length > MAX_PARTS) throw new HttpError(413, 'too_many_parts', `\`${where}\` has ${value.length} parts; at most ${MAX_PARTS} are accepted.`);
  if (role === 'user') {
    // Counted before any is read, so a refusal costs no decoding.
    const files = value.filter((part: unknown) => isRecord(part) && part.type === 'file').length;
    if (files > 0 && budget.limits.accept.length > 0 && files > budget.limits.maxFiles) {
      throw new HttpError(413, 'too_many_files', `A message may carry at most ${budget.limits.maxFiles} files; \`${where}\` has ${files}.`);
    }
  }
  const parts: ChatMessagePart[] = [];
  value.forEach((part: unknown, index) => {
    const read = readPart(part, `${where}[${index}]`, role, budget);
    if (read) parts.push(read);
  });
  return parts;
}

/**
 * The parts that go on with a message: tool calls (and the text around
 * them) in an assistant message, files and text in a user message; none
 * otherwise, so a message without either is `{role, content}` as before.
 */
function kept(parts: ChatMessagePart[] | undefined, role: ChatRole): ChatMessagePart[] | undefined {
  if (!parts) return undefined;
  if (role === 'assistant' && parts.some((part) => part.type === 'dynamic-tool')) return parts;
  if (role === 'user' && parts.some((part) => part.type === 'file')) return parts.filter((part) => part.type === 'text' || part.type === 'file');
  return undefined;
}

function readMessages(value: unknown, maxMessages: number, files: FileLimits): ChatInputMessage[] {
  if (!Array.isArray(value)) throw invalid('`messages` must be an array of {role, content}.');
  if (value.length === 0) throw invalid('`messages` must hold at least one message.');
  if (value.length > maxMessages) {
    throw new HttpError(413, 'too_many_messages', `The request has ${value.length} messages; at most ${maxMessages} are accepted.`);
  }
  const budget: FileBudget = { limits: files, totalBytes: 0 };
  return value.map((message: unknown, index) => {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw invalid(`\`messages[${index}]\` must be an object with \`role\` and \`content\`.`);
    }
    const { role, content, parts } = message as Record<string, unknown>;
    if (!isRole(role)) throw invalid(`\`messages[${index}].role\` must be one of ${CHAT_ROLES.join(', ')}.`);
    const read = parts === undefined ? undefined : readParts(parts, `messages[${index}].parts`, role, budget);
    const goingOn = kept(read, role);
    // A UI message (AI SDK clients) may carry its text in parts only.
    const text = content === undefined && read !== undefined ? read.map((part) => (part.type === 'text' ? part.text : '')).join('') : content;
    if (typeof text !== 'string') throw invalid(`\`messages[${index}].content\` must be a string.`);
    // Only these fields go on: a client must not smuggle provider parameters in.
    return goingOn ? { role, content: text, parts: goingOn } : { role, content: text };
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
 * type, size, JSON syntax, `messages` shape and count, the files of user
 * messages against `limits.files`, and `model` against the allow-list.
 * Throws {@link HttpError} with the status to answer.
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
    messages: readMessages(fields.messages, limits.maxMessages, limits.files ?? DEFAULT_FILE_LIMITS),
    model: readModel(fields.model, model, allowedModels),
    tools: readTools(fields.tools),
    ...turnField(fields, 'idempotencyKey'),
    ...turnField(fields, 'lastEventId'),
  };
}
