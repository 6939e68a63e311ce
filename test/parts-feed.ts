/**
 * Feeds a body to an answer reader through the real splitting the widget
 * uses, routed by content type as the transport does: SSE → parser →
 * `event()`, NDJSON → line splitter → `line()`, JSON → `complete()`, text →
 * `plain()`, then `end()`. Shared by the reader suites.
 */
import { createSseParser } from '../src/stream/sse-parser.js';
import { bodyKind, createLineSplitter, type AnswerReader, type ExtractResult } from '../src/stream/formats/index.js';
import type { ChatPart } from '../src/stream/parts.js';

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

/** The tool calls of an outcome in the manifest's shape: `{id, name, input, output?}`. */
export const toolsOf = (parts: ChatPart[]) =>
  parts.flatMap((part) =>
    part.type === 'tool'
      ? [{ id: part.id, name: part.name, input: part.input, ...('output' in part ? { output: part.output } : {}) }]
      : [],
  );

/** The sources of an outcome in the manifest's shape: `{url, title}`. */
export const sourcesOf = (parts: ChatPart[]) =>
  parts.flatMap((part) => (part.type === 'source' ? [{ url: part.url, title: part.title }] : []));

/** JSON with object keys sorted, so equal values compare equal as strings (fast enough for every split). */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
