import type { StreamEvent } from '../types.js';
import { createAiSdkReader, readDataStreamLine, sniffDataStream } from './ai-sdk.js';
import { createAnthropicReader } from './anthropic.js';
import { createCumulativeText } from './cumulative.js';
import { formatFromHeaders, isDataStream, readCompleteBody } from './detect.js';
import { createGeminiReader } from './gemini.js';
import { createGenericReader } from './generic.js';
import { errorInObject, errorText, extraction, isObject, isString, mergeResults, parseJson, skip, str } from './json.js';
import { createLangChainReader } from './langchain.js';
import { createTextLines } from './ndjson.js';
import { createOllamaReader } from './ollama.js';
import { createOpenAiReader } from './openai.js';
import { createOpenAiResponsesReader } from './openai-responses.js';
import {
  isSkipped,
  type AnswerReader,
  type AnswerReaderOptions,
  type DetectedFormat,
  type ExtractResult,
  type FamilyReader,
} from './types.js';

/** Event names that only keep the connection alive. */
const KEEP_ALIVE = /^(ping|heartbeat|keep-?alive)$/;

/** Data that starts like JSON: broken JSON is skipped, never shown as text. */
const LOOKS_LIKE_JSON = /^\s*[[{]/;

/**
 * Creates the reader of one answer. It never throws: an event it cannot read
 * comes back as `{skipped: reason}`.
 */
export function createAnswerReader(options: AnswerReaderOptions): AnswerReader {
  const { parseEvent } = options;
  const cumulative = createCumulativeText();
  /** Detection order: the distinctive shapes first, the loosest last. */
  const families = [
    createOpenAiResponsesReader(),
    createAnthropicReader(),
    createAiSdkReader(),
    createOpenAiReader(),
    createGeminiReader(),
    createOllamaReader(),
    createLangChainReader(),
    createGenericReader(cumulative),
  ];
  let format: DetectedFormat | undefined =
    options.format === 'auto' ? formatFromHeaders(options.contentType, options.headers) : options.format;
  /** The family that first read an event of the reported format (for `expectsTerminal`). */
  let primary: FamilyReader | undefined;
  /** The family that read the latest event. */
  let last: FamilyReader | undefined;
  /** How a text/plain body is read: sniffed for an AI SDK 4 data stream first, unless a header or the format says. */
  let plainMode: 'sniff' | 'data-stream' | 'text' | undefined;
  /** text/plain: the start of the body while sniffing. */
  let sniffed = '';
  const dataLines = createTextLines();
  /** `families` with those of the format `orderedFor` first. */
  let ordered = families;
  let orderedFor: DetectedFormat | undefined;

  /**
   * The current (or pinned) format's families first; an event they do not
   * read is offered to every other family before it is skipped. Sorted when
   * the format is decided (once a stream at most), not for every event.
   */
  function familiesInOrder(): FamilyReader[] {
    if (orderedFor !== format) {
      orderedFor = format;
      ordered = [...families].sort((a, b) => Number(b.name === format) - Number(a.name === format));
    }
    return ordered;
  }

  /**
   * Plain text in `data:` lines: each event is a piece of the answer,
   * appended with no separator (test/fixtures/generic-plain.sse; the manifest
   * notes the choice). A JSON string payload (`data: "line\nbreak"`) is text
   * with its escapes decoded.
   */
  const dataText = (data: string, value: unknown) => cumulative(isString(value) ? value : data);

  const plainText = (chunk: string): ExtractResult => {
    format ??= 'text';
    return extraction({ text: chunk }, 'empty chunk');
  };

  /** The integrator's `parseEvent`, with what it returns checked: it may be plain JS. */
  function custom(event: StreamEvent): ExtractResult | undefined {
    if (!parseEvent) return undefined;
    let result: unknown;
    try {
      result = parseEvent(event);
    } catch (error) {
      return skip(`parseEvent threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (result === undefined || result === null) return undefined;
    if (!isObject(result)) return skip('parseEvent returned a non-object');
    const { text, reasoning, done, error } = result;
    const failed = error !== undefined && error !== null && error !== false;
    return extraction(
      { text: str(text), reasoning: str(reasoning), done: done === true, error: failed ? errorText(error) : undefined },
      'parseEvent returned nothing to show',
    );
  }

  function read(type: string, data: string, isLine: boolean): ExtractResult {
    const trimmed = data.trim();
    const value = parseJson(trimmed);
    // LangGraph reads any event whose name starts with `error` as a failure (pregel/remote.py).
    if (type === 'error' || type.startsWith('error|')) return { error: errorText(value === undefined ? data : value) };
    if (data === '') return skip('empty data');
    if (trimmed === '[DONE]') return { done: true };
    const error = errorInObject(value);
    if (error !== undefined) return { error };
    if (format === 'text' && !isLine) return dataText(data, value);

    for (const family of familiesInOrder()) {
      const result = family.event({ type, data, value });
      if (!result) continue;
      // A family whose very shape names the format decides the stream with any
      // event it reads, even one with nothing to show (a role-only chunk,
      // `message_start`). LangChain and the generic shapes decide only with
      // text, so that `event: metadata` or `{"content": null}` does not lock a
      // stream that turns out to be something else.
      if (format === undefined && (family.name !== 'generic' || !isSkipped(result))) format = family.name;
      if (family.name === format) primary ??= family;
      last = family;
      return result;
    }
    if (KEEP_ALIVE.test(type)) return skip(`${type} event`);
    // Before a format is known, only data that is not JSON, or is a JSON
    // string, number or boolean (`data: 42` is text), counts as text.
    const textLike = value === undefined ? !LOOKS_LIKE_JSON.test(data) : typeof value !== 'object';
    if (!isLine && format === undefined && textLike) {
      const result = dataText(data, value);
      if (!isSkipped(result)) format = 'text';
      return result;
    }
    // The raw event is logged next to the reason, so the reason does not repeat it.
    if (value !== undefined) return skip('unrecognised JSON');
    return skip(isLine || LOOKS_LIKE_JSON.test(data) ? 'malformed JSON' : `not JSON in a ${format} stream`);
  }

  /** text/plain: decides between text and an AI SDK 4 data stream, then reads `TYPE:JSON` parts, one per line. */
  function readPlain(chunk: string, final: boolean): ExtractResult | undefined {
    if (plainMode === 'sniff') {
      sniffed += chunk;
      const isData = sniffDataStream(sniffed, final);
      if (isData === undefined) return undefined;
      chunk = sniffed;
      sniffed = '';
      plainMode = isData ? 'data-stream' : 'text';
      if (!isData) return plainText(chunk);
      format ??= 'ai-sdk';
    }
    const results = dataLines(chunk, final).map(readDataStreamLine);
    return mergeResults(results, final ? 'nothing buffered' : 'an unfinished line');
  }

  const reader: AnswerReader = {
    read(input) {
      if ('event' in input) return reader.event(input.event);
      if ('line' in input) return reader.line(input.line);
      if ('text' in input) return reader.plain(input.text);
      if ('json' in input) return reader.complete(input.json);
      return reader.end();
    },
    get format() {
      return format;
    },
    get expectsTerminal() {
      if (plainMode === 'data-stream') return true;
      if (plainMode === 'text') return false;
      return (primary ?? last ?? families.find((family) => family.name === format))?.expectsTerminal ?? false;
    },
    event(event) {
      return custom(event) ?? read(event.event, event.data, false);
    },
    line(line) {
      const result = custom({ data: line, event: 'message', id: '' });
      if (result) return result;
      return line.trim() === '' ? skip('blank line') : read('message', line, true);
    },
    complete(value) {
      format ??= 'json';
      return readCompleteBody(value);
    },
    plain(chunk) {
      plainMode ??= isDataStream(options.headers) ? 'data-stream' : options.format === 'text' ? 'text' : 'sniff';
      if (plainMode === 'text') return plainText(chunk);
      return readPlain(chunk, false) ?? skip('waiting for the first line to tell the format');
    },
    end() {
      if (plainMode === 'text' || plainMode === undefined) return skip('nothing buffered');
      // With `final`, sniffing always decides.
      return readPlain('', true)!;
    },
  };
  return reader;
}