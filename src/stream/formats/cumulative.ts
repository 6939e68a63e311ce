import { skip } from './json.js';
import type { ExtractResult } from './types.js';

/** Gives the text to append for each generic text value of one stream. */
export type CumulativeText = (value: string) => ExtractResult;

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
export function createCumulativeText(): CumulativeText {
  /** Undecided until the second value. */
  let cumulative: boolean | undefined;
  /** The first value, then (in cumulative mode) the text so far. */
  let sofar = '';
  return (value) => {
    if (value === '') return skip('empty text');
    if (cumulative === undefined && sofar) cumulative = value.length > sofar.length && value.startsWith(sofar);
    if (!cumulative) {
      sofar ||= value;
      return { text: value };
    }
    const before = sofar;
    sofar = value;
    if (!value.startsWith(before)) return skip('cumulative text rewritten');
    return value.length > before.length ? { text: value.slice(before.length) } : skip('cumulative text unchanged');
  };
}
