/**
 * The answer reader: turns what an endpoint streams, in any of the formats
 * real backends use, into text, reasoning, end and error, and the deltas of
 * tool calls, sources and files (`Extraction.parts`, folded into an
 * answer's parts by `createPartsBuilder` in ../parts.ts), without a DOM.
 *
 * How detection decides (`format: 'auto'`):
 * 1. The content type and headers: `application/json` is one complete body;
 *    `x-vercel-ai-ui-message-stream` / `x-vercel-ai-data-stream` mean the AI SDK.
 * 2. Each event, until one decides: universal shapes first (`event: error`,
 *    `[DONE]`, any JSON with a non-null `error`), then the families in order
 *    (Responses `response.*`, Anthropic types, AI SDK types, `choices`,
 *    `candidates`, Ollama `done` + `message`/`response`, LangServe/LangGraph,
 *    `{content|text|delta}`), then plain text.
 * 3. Once decided, the format's family reads each event first; an event it
 *    does not recognise is offered to the other families before it is
 *    skipped. A pinned format works the same way.
 */
export { FORMATS, isSkipped } from './types.js';
export type {
  AnswerReader,
  AnswerReaderOptions,
  DetectedFormat,
  Extraction,
  ExtractResult,
  FormatName,
  ParseEvent,
  ReaderInput,
  Skipped,
} from './types.js';
export { createAnswerReader } from './reader.js';
export { createLineSplitter } from './ndjson.js';
export { bodyKind, mediaType, type BodyKind } from './detect.js';
