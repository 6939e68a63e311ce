/**
 * Splits a newline-delimited JSON body (application/x-ndjson, Ollama) into
 * lines. Lines end with LF or CRLF and may be split anywhere across chunks,
 * inside a UTF-8 sequence or between CR and LF. A lone CR is not a line end
 * (NDJSON spec: "\n" separates; "\r\n" is tolerated), so it stays in the line
 * only when not followed by LF.
 */
export interface LineSplitter {
  /** Raw body bytes, split anywhere. */
  feed(bytes: Uint8Array): void;
  /** The body ended: the last line is emitted even without a line end. */
  end(): void;
}

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  // Drops one BOM at the very start, keeps a sequence cut by a chunk boundary
  // for the next call (Encoding Standard "UTF-8 decode").
  const decoder = new TextDecoder('utf-8');
  /** Pieces of the line whose end has not arrived; joined once, so long lines cost linear time. */
  let pieces: string[] = [];

  const emit = (last: string) => {
    pieces.push(last);
    let line = pieces.join('');
    pieces = [];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    onLine(line);
  };

  const read = (text: string) => {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      emit(text.slice(start, end));
      start = end + 1;
    }
    if (start < text.length) pieces.push(text.slice(start));
  };

  return {
    feed(bytes) {
      read(decoder.decode(bytes, { stream: true }));
    },
    end() {
      read(decoder.decode());
      if (pieces.length > 0) emit('');
    },
  };
}
