/**
 * Feeds a body to an answer reader through the real splitting the widget
 * uses, routed by content type as the transport does: SSE → parser →
 * `event()`, NDJSON → line splitter → `line()`, JSON → `complete()`, text →
 * `plain()`, then `end()`. Shared by the reader suites.
 */
import { createSseParser } from '../src/stream/sse-parser.js';
import { bodyKind, createLineSplitter, type AnswerReader, type ExtractResult } from '../src/stream/formats/index.js';

export function feedBody(
  reader: AnswerReader,
  contentType: string,
  chunks: Uint8Array[],
  apply: (result: ExtractResult) => void,
): void {
  switch (bodyKind(contentType)) {
    case 'sse': {
      const parser = createSseParser({ onEvent: (event) => apply(reader.event(event)) });
      for (const chunk of chunks) parser.feed(chunk);
      parser.end();
      break;
    }
    case 'ndjson': {
      const splitter = createLineSplitter((line) => apply(reader.line(line)));
      for (const chunk of chunks) splitter.feed(chunk);
      splitter.end();
      break;
    }
    case 'json': {
      const decoder = new TextDecoder();
      let text = '';
      for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
      text += decoder.decode();
      apply(reader.complete(JSON.parse(text)));
      break;
    }
    case 'plain': {
      const decoder = new TextDecoder();
      for (const chunk of chunks) apply(reader.plain(decoder.decode(chunk, { stream: true })));
      const rest = decoder.decode();
      if (rest) apply(reader.plain(rest));
      break;
    }
    default:
      throw new Error(`no route for ${contentType}`);
  }
  apply(reader.end());
}
