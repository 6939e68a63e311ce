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

/**
 * The same splitting for text: give it each piece, and `true` with the last;
 * it returns the lines completed, without their line ends. Only the new piece
 * is scanned, so a long line costs linear time however it is cut.
 */
export function createTextLines(): (text: string, last?: boolean) => string[] {
  let rest = '';
  return (text, last) => {
    const lines = text.split('\n');
    lines[0] = rest + lines[0];
    rest = lines.pop()!;
    if (last && rest) lines.push(rest);
    return lines.map((line) => line.replace(/\r$/, ''));
  };
}

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  // Drops one BOM at the very start, keeps a sequence cut by a chunk boundary
  // for the next call (Encoding Standard "UTF-8 decode").
  const decoder = new TextDecoder('utf-8');
  const lines = createTextLines();
  return {
    feed(bytes) {
      lines(decoder.decode(bytes, { stream: true })).forEach((line) => onLine(line));
    },
    end() {
      lines(decoder.decode(), true).forEach((line) => onLine(line));
    },
  };
}
