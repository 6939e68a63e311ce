/**
 * Plain text in `data:` lines: each event is a piece of the answer, appended
 * with no separator (test/fixtures/generic-plain.sse; the manifest notes the
 * choice). Reported as `text`.
 */
import type { CumulativeText } from './cumulative.js';
import type { EventInput, ExtractResult } from './types.js';

/** A JSON string payload (`data: "line\nbreak"`) is text with its escapes decoded. */
function decoded({ data, json, value }: EventInput): string {
  return json && typeof value === 'string' ? value : data;
}

export class PlainData {
  readonly name = 'text';
  readonly expectsTerminal = false;
  readonly #cumulative: CumulativeText;

  constructor(cumulative: CumulativeText) {
    this.#cumulative = cumulative;
  }

  /**
   * Detection, before a format is known: only data that is not JSON, or is a
   * JSON string, number or boolean (`data: 42` is text), counts as text.
   * Data that looks like broken JSON (`{`, `[`) is left to be skipped.
   */
  detect(input: EventInput): ExtractResult | undefined {
    const { data, json, value } = input;
    if (json) {
      if (typeof value === 'string') return this.#cumulative.next(value);
      if (typeof value === 'number' || typeof value === 'boolean') return this.#cumulative.next(data);
      return undefined;
    }
    if (/^\s*[[{]/.test(data)) return undefined;
    return this.#cumulative.next(data);
  }

  /** Once the stream is known to be text, every event is text, JSON-looking or not. */
  event(input: EventInput): ExtractResult {
    return this.#cumulative.next(decoded(input));
  }
}
