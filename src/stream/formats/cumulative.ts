import { skip } from './json.js';
import type { ExtractResult } from './types.js';

/**
 * Tells delta streams from cumulative ones for the generic shapes
 * (`{"content"}`, `{"text"}`, plain `data:` text), where some backends send
 * each new piece and others resend the whole text so far (llama.cpp
 * `/completion` vs. Zeta Alpha, LangGraph `messages/partial`).
 *
 * The rule, decided once per stream on the second non-empty value:
 * - it is strictly longer than the first and starts with it: cumulative;
 *   from then on only the new suffix of each value is appended;
 * - anything else (including the same value again): delta, for good; every
 *   value is appended as sent, so a genuinely repeated token ("ha", "ha") is
 *   never swallowed.
 * The only delta stream misread is one whose second piece begins with the
 * whole first piece ("ha", "hah"), which tokenisers practically never emit
 * (a new token after a word starts with a space).
 *
 * In cumulative mode a value that no longer starts with the text so far
 * (the backend rewrote its answer) is skipped, since what is on screen cannot
 * be taken back, and becomes the new reference.
 */
export class CumulativeText {
  #mode: 'unknown' | 'delta' | 'cumulative' = 'unknown';
  /** The text so far; only kept while it matters (not in delta mode). */
  #sofar = '';

  /** The text to append for `value`. */
  next(value: string): ExtractResult {
    if (value === '') return skip('empty text');
    if (this.#mode === 'delta') return { text: value };
    if (this.#sofar === '') {
      this.#sofar = value;
      return { text: value };
    }
    if (this.#mode === 'unknown') {
      if (value.length > this.#sofar.length && value.startsWith(this.#sofar)) {
        this.#mode = 'cumulative';
      } else {
        this.#mode = 'delta';
        this.#sofar = '';
        return { text: value };
      }
    }
    if (!value.startsWith(this.#sofar)) {
      this.#sofar = value;
      return skip('cumulative text no longer starts with the text shown so far');
    }
    const suffix = value.slice(this.#sofar.length);
    this.#sofar = value;
    return suffix ? { text: suffix } : skip('cumulative text unchanged');
  }
}
