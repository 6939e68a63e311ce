import type { StreamEvent } from '../types.js';
import { createAiSdkReader, readDataStreamLine, sniffDataStream } from './ai-sdk.js';
import { createAnthropicReader } from './anthropic.js';
import { CumulativeText } from './cumulative.js';
import { formatFromHeaders, isDataStream, readCompleteBody } from './detect.js';
import { createGeminiReader } from './gemini.js';
import { createGenericReader } from './generic.js';
import { errorInObject, errorText, extraction, isObject, mergeResults, preview, skip } from './json.js';
import { createLangChainReader } from './langchain.js';
import { createOllamaReader } from './ollama.js';
import { createOpenAiReader } from './openai.js';
import { createOpenAiResponsesReader } from './openai-responses.js';
import { PlainData } from './text.js';
import type {
  AnswerReader,
  AnswerReaderOptions,
  DetectedFormat,
  EventInput,
  ExtractResult,
  FamilyReader,
  ParseEvent,
} from './types.js';

/** Event names that only keep the connection alive. */
const KEEP_ALIVE = new Set(['ping', 'heartbeat', 'keepalive', 'keep-alive']);

/**
 * Families whose very shape names the format: any event they read, even one
 * with nothing to show (a role-only chunk, `message_start`), decides the
 * stream. LangChain and the generic shapes decide only with text, so that
 * `event: metadata` or `{"content": null}` does not lock a stream that turns
 * out to be something else.
 */
const DISTINCTIVE = new Set<DetectedFormat>(['openai', 'openai-responses', 'anthropic', 'gemini', 'ai-sdk', 'ollama']);

type PlainMode = 'sniff' | 'data-stream' | 'text';

class Reader implements AnswerReader {
  #format: DetectedFormat | undefined;
  readonly #parseEvent: ParseEvent | undefined;
  readonly #plainMode: PlainMode;
  /** Detection order: the distinctive shapes first, the loosest last. */
  readonly #families: FamilyReader[];
  readonly #plainData: PlainData;
  /** The family that has read events of the reported format (for `expectsTerminal`). */
  #primary: FamilyReader | undefined;
  /** The family that read the latest event. */
  #last: FamilyReader | undefined;
  #mode: PlainMode | undefined;
  /** text/plain: the start of the body while sniffing, or an unfinished data stream line. */
  #pending: string[] = [];

  constructor(options: AnswerReaderOptions) {
    const cumulative = new CumulativeText();
    this.#families = [
      createOpenAiResponsesReader(),
      createAnthropicReader(),
      createAiSdkReader(),
      createOpenAiReader(),
      createGeminiReader(),
      createOllamaReader(),
      createLangChainReader(),
      createGenericReader(cumulative),
    ];
    this.#plainData = new PlainData(cumulative);
    this.#parseEvent = options.parseEvent;
    this.#format = options.format === 'auto' ? formatFromHeaders(options.contentType, options.headers) : options.format;
    this.#plainMode = isDataStream(options.headers) ? 'data-stream' : options.format === 'text' ? 'text' : 'sniff';
  }

  get format(): string | undefined {
    return this.#format;
  }

  get expectsTerminal(): boolean {
    if (this.#mode === 'data-stream') return true;
    if (this.#mode === 'text') return false;
    const family = this.#primary ?? this.#last ?? this.#current()[0];
    return family?.expectsTerminal ?? false;
  }

  event(event: StreamEvent): ExtractResult {
    return this.#custom(event) ?? this.#read(event.type, event.data, false);
  }

  line(line: string): ExtractResult {
    const custom = this.#custom({ type: 'message', data: line, id: '' });
    if (custom) return custom;
    if (line.trim() === '') return skip('blank line');
    return this.#read('message', line, true);
  }

  complete(value: unknown): ExtractResult {
    this.#format ??= 'json';
    return readCompleteBody(value);
  }

  plain(chunk: string): ExtractResult {
    this.#mode ??= this.#plainMode;
    if (this.#mode === 'text') return this.#plainText(chunk);
    if (this.#mode === 'data-stream') return this.#dataStream(chunk, false);
    this.#pending.push(chunk);
    return this.#sniff(false) ?? skip('waiting for the first line to tell an AI SDK data stream from text');
  }

  end(): ExtractResult {
    if (this.#mode === 'sniff') return this.#sniff(true) ?? skip('empty body');
    if (this.#mode === 'data-stream') return this.#dataStream('', true);
    return skip('nothing buffered');
  }

  /** The integrator's `parseEvent`, with what it returns checked: it may be plain JS. */
  #custom(event: StreamEvent): ExtractResult | undefined {
    if (!this.#parseEvent) return undefined;
    let result: unknown;
    try {
      result = this.#parseEvent(event);
    } catch (error) {
      return skip(`parseEvent threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (result === undefined || result === null) return undefined;
    if (!isObject(result)) return skip('parseEvent returned something that is not an object');
    const { text, reasoning, done, error } = result;
    return extraction(
      {
        text: typeof text === 'string' ? text : undefined,
        reasoning: typeof reasoning === 'string' ? reasoning : undefined,
        done: done === true,
        error: error === undefined || error === null || error === false ? undefined : errorText(error),
      },
      'parseEvent returned nothing to show',
    );
  }

  /** The families that read the current format first. */
  #current(): FamilyReader[] {
    return this.#families.filter((family) => family.name === this.#format);
  }

  #read(type: string, data: string, isLine: boolean): ExtractResult {
    const trimmed = data.trim();
    // LangGraph reads any event whose name starts with `error` as a failure (pregel/remote.py).
    if (type === 'error' || type.startsWith('error|')) {
      const payload = parse(trimmed);
      return { error: errorText(payload.json ? payload.value : data) };
    }
    if (data === '') return skip('empty data');
    if (trimmed === '[DONE]') return { done: true };
    const { json, value } = parse(trimmed);
    const input: EventInput = { type, data, json, value };
    if (isObject(value)) {
      const error = errorInObject(value);
      if (error !== undefined) return { error };
    }
    if (this.#format === 'text' && !isLine) return this.#plainData.event(input);

    const current = this.#current();
    for (const family of current) {
      const result = family.event(input);
      if (result) return this.#matched(family, result);
    }
    // Fallback: an event the current (or pinned) format does not read is
    // offered to every other family before it is skipped.
    for (const family of this.#families) {
      if (current.includes(family)) continue;
      const result = family.event(input);
      if (!result) continue;
      if (this.#format === undefined && (DISTINCTIVE.has(family.name) || !('skipped' in result))) {
        this.#format = family.name;
      }
      return this.#matched(family, result);
    }
    if (KEEP_ALIVE.has(type)) return skip(`${type} event`);
    if (isLine) {
      return skip(json ? `unrecognised JSON line: ${preview(data)}` : `malformed JSON line: ${preview(data)}`);
    }
    if (this.#format === undefined) {
      const result = this.#plainData.detect(input);
      if (result) {
        if (!('skipped' in result)) this.#format = 'text';
        return result;
      }
    }
    if (json) return skip(`unrecognised event: ${preview(data)}`);
    if (/^\s*[[{]/.test(data)) return skip(`malformed JSON: ${preview(data)}`);
    return skip(`not JSON in a ${this.#format} stream: ${preview(data)}`);
  }

  #matched(family: FamilyReader, result: ExtractResult): ExtractResult {
    this.#last = family;
    if (family.name === this.#format && this.#primary?.name !== this.#format) this.#primary = family;
    return result;
  }

  #plainText(chunk: string): ExtractResult {
    this.#format ??= 'text';
    return chunk ? { text: chunk } : skip('empty chunk');
  }

  /** Decides text/plain between text and an AI SDK 4 data stream, then reads what is pending. */
  #sniff(final: boolean): ExtractResult | undefined {
    const body = this.#pending.join('');
    this.#pending = body ? [body] : [];
    const isData = sniffDataStream(body, final);
    if (isData === undefined) return undefined;
    this.#pending = [];
    if (!isData) {
      this.#mode = 'text';
      return this.#plainText(body);
    }
    this.#mode = 'data-stream';
    this.#format ??= 'ai-sdk';
    return this.#dataStream(body, final);
  }

  /** AI SDK 4 data stream: one `TYPE:JSON` part per line. */
  #dataStream(chunk: string, final: boolean): ExtractResult {
    const results: ExtractResult[] = [];
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      this.#pending.push(chunk.slice(start, end));
      results.push(readDataStreamLine(this.#pending.join('')));
      this.#pending = [];
      start = end + 1;
    }
    if (start < chunk.length) this.#pending.push(chunk.slice(start));
    if (final && this.#pending.length > 0) {
      results.push(readDataStreamLine(this.#pending.join('')));
      this.#pending = [];
    }
    return mergeResults(results, final ? 'nothing buffered' : 'an unfinished data stream line');
  }
}

/** JSON.parse that reports failure instead of throwing. */
function parse(text: string): { json: boolean; value: unknown } {
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, value: undefined };
  }
}

/**
 * Creates the reader of one answer. It never throws: an event it cannot read
 * comes back as `{skipped: reason}`.
 */
export function createAnswerReader(options: AnswerReaderOptions): AnswerReader {
  return new Reader(options);
}
