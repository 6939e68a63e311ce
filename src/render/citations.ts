import { MAX_CITATIONS, type ChatPart } from '../stream/parts.js';
import { safeUrl } from './safe-url.js';

/**
 * Inline citation markers (issue #14): where a text part says which words a
 * source backs (`TextPart.citations`), a numbered marker after those words
 * links to the source, numbered as in the list of sources under the answer.
 *
 * The markers travel through the markdown parser inside the text, as
 * `MARK` number `MARK_END`: a private-use pair the parser treats as
 * punctuation, and the renderer turns into a link (`render-markdown.ts`). So
 * a marker lands inside the paragraph, list item or table cell that holds
 * the cited words, whatever their markdown. Any such character the model
 * wrote itself is removed first, so the model cannot forge a marker.
 *
 * Markers are placed once the answer is complete: a marker placed earlier
 * than the text already parsed means parsing again, and while an answer
 * streams that would be once per frame. The sources list is live meanwhile.
 */
export const MARK = '\uE000';
export const MARK_END = '\uE001';
/** A marker in parsed text; group 1 is its number. */
export const MARKER = /\uE000(\d+)\uE001/g;
const MARK_CHARS = /[\uE000\uE001]/g;

/** A source as listed under its answer: only ones with a URL a link may have. */
export interface ListedSource {
  href: string;
  title: string;
}

export interface CitedText {
  /** The answer's text with the markers in. */
  text: string;
  /** The listed sources; marker `n` links to `sources[n - 1]`. */
  sources: ListedSource[];
  /** How many markers `text` holds. */
  markers: number;
}

const listed = new WeakMap<readonly ChatPart[], ListedSource[]>();

/**
 * The sources an answer lists, in order, numbered from 1: each through the
 * same check as a markdown link (`safeUrl`), as a restored part may hold
 * anything. A source without a safe URL is dropped. Asked on every render of
 * a streaming answer, so worked out once per parts array: the answer gets a
 * new array when a part is added (text grows in place, sources never do).
 */
export function listedSources(parts: readonly ChatPart[] | undefined): ListedSource[] {
  if (!parts) return [];
  let sources = listed.get(parts);
  if (!sources) {
    sources = parts.flatMap((part) => {
      const href = part.type === 'source' ? safeUrl(part.url) : undefined;
      return href ? [{ href, title: (part as { title: string | null }).title || href }] : [];
    });
    listed.set(parts, sources);
  }
  return sources;
}

/**
 * `content` with a marker after each cited span, or undefined when no
 * citation can be placed. Each text part is found in `content` where the
 * previous one ended, or two characters later (the paragraph break a step
 * adds after a tool call); a part that is not found places no markers, nor
 * do the ones after it. Positions come from the stream or from storage, so
 * each is checked: a whole number, moved back over the whitespace before it
 * (a marker starts no line), never between the halves of a surrogate pair.
 */
export function markCitations(content: string, parts: readonly ChatPart[] | undefined): CitedText | undefined {
  const sources = listedSources(parts);
  const numbers = new Map(sources.map((source, index) => [source.href, index + 1]));
  const spots: [at: number, n: number][] = [];
  let cursor = 0;
  for (const part of parts ?? []) {
    if (part.type !== 'text' || typeof part.text !== 'string') continue;
    const { text } = part;
    const base = content.startsWith(text, cursor) ? cursor : content.startsWith(text, cursor + 2) ? cursor + 2 : -1;
    if (base < 0) break;
    cursor = base + text.length;
    for (const citation of Array.isArray(part.citations) ? part.citations.slice(0, MAX_CITATIONS) : []) {
      const n = numbers.get(safeUrl(String(citation?.url)) ?? '');
      const end = Number(citation?.end);
      if (!n || !Number.isInteger(end)) continue;
      let at = base + Math.min(Math.max(end, 0), text.length);
      while (at > base && /\s/.test(content[at - 1]!)) at--;
      if (/[\uD800-\uDBFF]/.test(content[at - 1] ?? '')) at++;
      spots.push([at, n]);
    }
  }
  if (spots.length === 0) return undefined;
  spots.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let text = '';
  let from = 0;
  let markers = 0;
  spots.forEach(([at, n], index) => {
    const [lastAt, lastN] = spots[index - 1] ?? [];
    if (at === lastAt && n === lastN) return;
    text += content.slice(from, at).replace(MARK_CHARS, '') + MARK + n + MARK_END;
    from = at;
    markers++;
  });
  return { text: text + content.slice(from).replace(MARK_CHARS, ''), sources, markers };
}

/** Drops markers (and the model's own private-use pair) from text shown as written: code, text past the parser's bounds. */
export const withoutMarkers = (text: string): string => text.replace(MARKER, '').replace(MARK_CHARS, '');

const cache = new WeakMap<readonly ChatPart[], { content: string; cited: CitedText | undefined }>();

/** `markCitations`, computed once per finished answer (its parts and content no longer change). */
export function citedAnswer(content: string, parts: readonly ChatPart[] | undefined): CitedText | undefined {
  if (!parts?.some((part) => part.type === 'text' && part.citations)) return undefined;
  let entry = cache.get(parts);
  if (entry?.content !== content) cache.set(parts, (entry = { content, cited: markCitations(content, parts) }));
  return entry.cited;
}
