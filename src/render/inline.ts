import { decodeEntities, entityAt } from './entities.js';

/**
 * Inline markdown (CommonMark § 6 with GFM strikethrough and bare `http(s)://`
 * links) to a token list. The delimiter and bracket handling follows the
 * spec's appendix "An algorithm for parsing nested emphasis and links", with
 * the "openers bottom" of reference implementations, so that every construct
 * costs time linear in the text: cmark's `test/pathological_tests.py` is the
 * list of inputs that must stay linear (see test/markdown-pathological.test.ts).
 *
 * Raw HTML is not a construct here: `<b>` stays the text `<b>`.
 */

/** Inline content: plain data, rendered with text bindings only. */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'em' | 'strong' | 'del'; children: Inline[] }
  /** `href` is the destination as written (unescaped); the renderer decides whether it is safe. */
  | { type: 'link'; href: string; title?: string | undefined; children: Inline[] }
  | { type: 'image'; src: string; alt: string; title?: string | undefined }
  /**
   * `[text][label]`, `[label][]` or `[label]`, resolved against
   * `MarkdownSnapshot.definitions` when rendered; without a definition it is
   * the literal text `[` children `]` suffix.
   */
  | { type: 'ref'; label: string; image: boolean; children: Inline[]; suffix: string }
  | { type: 'br' };

/**
 * Emphasis, links and images nest at most this deep; deeper ones stay text.
 * Renderers recurse once per level, so the input must not choose the depth
 * (markdown-it's `maxNesting` does the same).
 */
export const MAX_INLINE_NESTING = 32;

/**
 * Nodes (code spans, links, line breaks..., and half a node per emphasis
 * delimiter run) one block makes at most; the text after them is shown as
 * written. An open paragraph is parsed and rendered again on every frame:
 * 8 KB of `~~*_` is 3,000 nodes, which took 100-800 ms a frame to parse,
 * render and lay out on a busy machine.
 */
export const MAX_INLINE_PIECES = 512;

/**
 * One piece of the output while it is parsed: a doubly linked list, so that
 * wrapping a range in emphasis or a link costs the range, not the rest of the
 * paragraph (an array `splice` would shift everything after it).
 */
interface Cell {
  /** A finished node, and how deep it nests; otherwise the cell is the text `text`. */
  node?: Inline;
  depth?: number;
  text?: string;
  next?: Cell | undefined;
  // Emphasis delimiter runs only (spec: "delimiter stack"): the character,
  // the run's original length (for the rule of 3), whether it may open or
  // close, its order in the text, and its neighbours on the stack.
  ch?: string;
  len?: number;
  open?: boolean;
  close?: boolean;
  order?: number;
  below?: Cell | undefined;
  above?: Cell | undefined;
}

interface Bracket {
  /** The cell before the `[` or `![` text cell. */
  before: Cell;
  /** Source offset just after the `[`. */
  from: number;
  image: boolean;
  /** The delimiter on top of the stack when the bracket opened: emphasis inside stops there. */
  bottom: Cell;
}

const SPECIAL = /[\\`*_~![\]<&\n:]/g;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
/** With the citation markers' private-use pair (citations.ts): `**bold.**` then a marker still closes. */
const PUNCT = /[\p{P}\p{S}\uE000\uE001]/u;
const SPACE = /\s/;
/** Spaces and tabs with at most one line ending among them (spec § 6.3 "optional whitespace"). */
const OPTIONAL_SPACE = /[ \t]*\n?[ \t]*/y;
/** `<scheme:…>` (group 1) or `<email>` (group 2). */
const AUTOLINK =
  /<(?:([a-z][a-z\d+.-]{1,31}:[^\s<>]*)|([\w.!#$%&'*+/=?^`{|}~-]+@[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?)*))>/iy;
/** A citation marker after a URL is not part of it. */
const BARE_URL = /https?:\/\/[^\s<>\uE000]*/y;
const REF_LABEL = /\[((?:[^\\[\]]|\\.){0,999})\]/y;
const ANGLE_DEST = /<((?:[^<>\n\\]|\\[^])*)>/y;
/**
 * What follows a link destination: an optional title after whitespace, then
 * `)`. A title stops at the first unescaped delimiter of its kind (a `(`
 * title at `(` too, as the spec says), so a failed attempt scans only up to
 * the next one, never to the end of the text.
 */
const TITLE_END =
  /(?:(?=[ \t\n])[ \t]*\n?[ \t]*("(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'|\((?:[^()\\]|\\[^])*\)))?[ \t]*\n?[ \t]*\)/y;
/** Parentheses in a bare destination nest at most this deep (cmark's limit), so a scan stops. */
const MAX_PARENS = 32;
const BR: Inline = { type: 'br' };

const text = (text: string): Inline => ({ type: 'text', text });
const autolink = (href: string, label: string): Inline => ({ type: 'link', href, children: [text(label)] });

/** A sticky or global expression matched at `i`. */
function at(pattern: RegExp, src: string, i: number): RegExpExecArray | null {
  pattern.lastIndex = i;
  return pattern.exec(src);
}

function skipSpace(src: string, i: number): number {
  at(OPTIONAL_SPACE, src, i);
  return OPTIONAL_SPACE.lastIndex;
}

/** Backslash escapes and character references, as in link destinations and titles. */
export function unescapeMd(text: string): string {
  return decodeEntities(text.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
}

/** Link labels match case-insensitively with runs of whitespace as one space (spec § 4.7). */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase();
}

/** The text of a token list, without formatting (image `alt`). Its depth is capped by MAX_INLINE_NESTING. */
export function plainText(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => ('text' in n ? n.text : n.type === 'br' ? '\n' : n.type === 'image' ? n.alt : plainText(n.children)))
    .join('');
}

/** `(destination "title")` after a `]`, or nothing (spec § 6.3). */
function linkTail(src: string, i: number): { dest: string; title: string | undefined; end: number } | undefined {
  if (src[i] !== '(') return;
  let j = skipSpace(src, i + 1);
  let dest: string;
  if (src[j] === '<') {
    const m = at(ANGLE_DEST, src, j);
    if (!m) return;
    dest = m[1]!;
    j = ANGLE_DEST.lastIndex;
  } else {
    // Parentheses nest, so this part is not a regular expression.
    let depth = 0;
    let k = j;
    for (; k < src.length; k++) {
      const ch = src[k]!;
      if (ch === '\\' && ASCII_PUNCT.test(src[k + 1] ?? '')) k++;
      else if (ch <= ' ') break;
      else if (ch === '(' && ++depth > MAX_PARENS) return;
      else if (ch === ')' && --depth < 0) break;
    }
    if (depth > 0) return;
    dest = src.slice(j, k);
    j = k;
  }
  const m = at(TITLE_END, src, j);
  if (m) return { dest: unescapeMd(dest), title: m[1] && unescapeMd(m[1].slice(1, -1)), end: TITLE_END.lastIndex };
}

/**
 * The cells after `first` up to the end of the list (or `end`) as tokens,
 * neighbouring text joined, and their greatest depth.
 */
function collect(first: Cell | undefined, end?: Cell): [Inline[], number] {
  const out: Inline[] = [];
  let depth = 0;
  let pending = '';
  for (let cell = first; cell && cell !== end; cell = cell.next) {
    if (cell.node) {
      if (pending) out.push(text(pending));
      pending = '';
      out.push(cell.node);
      depth = Math.max(depth, cell.depth!);
    } else pending += cell.text;
  }
  if (pending) out.push(text(pending));
  return [out, depth];
}

/** Replaces the cells after `from` up to `end` (or the end of the list) by `cell`; returns it. */
function wrap(from: Cell, end: Cell | undefined, cell: Cell): Cell {
  cell.next = end;
  return (from.next = cell);
}

/** Parses one leaf block's text (paragraph, heading, table cell) into inline tokens. */
export function parseInline(src: string): Inline[] {
  // The list's first cell is also the delimiter stack's bottom: below every run.
  const head: Cell = { order: -1 };
  let tail = head;
  /** Top of the delimiter stack. */
  let delims = head;
  const brackets: Bracket[] = [];
  /** Brackets below this index are inactive `[` (no links inside links); `![` stay active. */
  let linkFloor = 0;
  /** Start of the plain text not yet put in a cell. */
  let textStart = 0;
  /** Starts of backtick runs by length, found in one scan, each dropped once passed. */
  let runs: number[][] | undefined;

  /** Nodes made, see MAX_INLINE_PIECES. */
  let pieces = 0;
  const append = (cell: Cell) => {
    tail = wrap(tail, undefined, cell);
  };
  const flush = (end: number) => {
    if (end > textStart) append({ text: src.slice(textStart, end) });
  };
  const push = (node: Inline, end: number, depth = 0) => {
    pieces++;
    append({ node, depth });
    textStart = end;
  };

  /** Where the next run of exactly `length` backticks at or after `from` starts, or -1 (spec § 6.1). */
  const closingBackticks = (from: number, length: number): number => {
    if (!runs) {
      runs = [];
      for (const m of src.matchAll(/`+/g)) (runs[m[0].length] ??= []).push(m.index);
    }
    const list = runs[length] ?? [];
    while (list[0]! < from) list.shift();
    return list[0] ?? -1;
  };

  /**
   * Pairs the delimiter runs above `bottom` into em, strong and del, then
   * drops them from the stack (spec appendix, "process emphasis"). `floor`
   * is the "openers bottom": per kind of closer, the order below which no
   * opener can match it, so no closer walks over the same openers twice.
   */
  const emphasis = (bottom: Cell) => {
    const floor = new Map<string, number>();
    let tooDeep = -1;
    let closer = bottom.above;
    while (closer) {
      const next = closer.above;
      if (!closer.close) {
        closer = next;
        continue;
      }
      const ch = closer.ch!;
      // The rule of 3 depends on the closer's length modulo 3 and on whether it
      // can open; `~` on its length (1 or 2), which that keeps apart too.
      const key = ch + closer.open + (closer.len! % 3);
      const stop = Math.max(floor.get(key) ?? -1, bottom.order!, tooDeep);
      // The walk ends at `head` at the latest: its order is below every stop.
      let opener = closer.below!;
      for (; opener.order! > stop; opener = opener.below!) {
        if (!opener.open || opener.ch !== ch) continue;
        // GFM: `~` pairs only with a run of the same length. CommonMark "rule of 3".
        if (
          ch === '~'
            ? opener.len === closer.len
            : !((opener.close || closer.open) && (opener.len! + closer.len!) % 3 === 0 && (opener.len! % 3 || closer.len! % 3))
        )
          break;
      }
      if (opener.order! > stop) {
        const use = ch === '~' ? closer.len! : opener.text!.length >= 2 && closer.text!.length >= 2 ? 2 : 1;
        const [children, depth] = collect(opener.next, closer);
        // Too deep: these delimiters stay text, like unmatched ones, and so
        // does every opener below (its range would hold this one). The
        // opener is above `stop`, so above the last such bound too.
        if (depth >= MAX_INLINE_NESTING) tooDeep = opener.order!;
        else {
          wrap(opener, closer, { node: { type: ch === '~' ? 'del' : use === 2 ? 'strong' : 'em', children }, depth: depth + 1 });
          opener.text = opener.text!.slice(use);
          closer.text = closer.text!.slice(use);
          // The delimiters between the two are text from now on.
          opener.above = closer;
          closer.below = opener;
          if (!opener.text) unstack(opener);
          if (!closer.text) {
            unstack(closer);
            closer = next;
          }
          continue;
        }
      }
      floor.set(key, closer.below!.order!);
      if (!closer.open) unstack(closer);
      closer = next;
    }
    // What is left above `bottom` is text.
    bottom.above = undefined;
    delims = bottom;
  };
  const unstack = (cell: Cell) => {
    cell.below!.above = cell.above;
    if (cell.above) cell.above.below = cell.below;
    else delims = cell.below!;
  };

  for (let i = 0; i < src.length && pieces < MAX_INLINE_PIECES; ) {
    const next = at(SPECIAL, src, i)?.index ?? src.length;
    i = next;
    const ch = src[i];
    if (!ch) break;
    // The end of the run of `ch` that starts here (only runs matter; a run of `[` must not be rescanned per `[`).
    let k = i + 1;
    if ('`*_~'.includes(ch)) while (src[k] === ch) k++;
    if (ch === '\n' || (ch === '\\' && src[i + 1] === '\n')) {
      // A line break is hard after a backslash or two spaces; trailing spaces go either way.
      let spaces = 0;
      while (i - spaces > textStart && src[i - spaces - 1] === ' ') spaces++;
      flush(i - spaces);
      const end = skipSpace(src, i + (ch === '\\' ? 2 : 1));
      if (ch === '\\' || spaces >= 2) push(BR, end);
      else {
        append({ text: '\n' });
        textStart = end;
      }
      i = end;
      continue;
    }
    if (ch === '\\' && ASCII_PUNCT.test(src[i + 1] ?? '')) {
      flush(i);
      append({ text: src[i + 1]! });
      textStart = i += 2;
      continue;
    }
    if (ch === '`') {
      const len = k - i;
      const end = closingBackticks(k, len);
      if (end >= 0) {
        flush(i);
        let code = src.slice(k, end).replace(/\n/g, ' ');
        if (/^ (?=.*[^ ]).* $/s.test(code)) code = code.slice(1, -1);
        push({ type: 'code', text: code }, (k = end + len));
      }
      i = k;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      const len = k - i;
      if (ch !== '~' || len < 3) {
        const before = src[i - 1] ?? ' ';
        const after = src[k] ?? ' ';
        const bs = SPACE.test(before);
        const as = SPACE.test(after);
        const bp = PUNCT.test(before);
        const ap = PUNCT.test(after);
        const left = !as && (!ap || bs || bp);
        const right = !bs && (!bp || as || ap);
        const open = ch === '_' ? left && (!right || bp) : left;
        const close = ch === '_' ? right && (!left || ap) : right;
        if (open || close) {
          flush(i);
          const cell: Cell = { text: src.slice(i, k), ch, len, open, close, order: i, below: delims };
          pieces += 0.5;
          delims.above = cell;
          append((delims = cell));
          textStart = k;
        }
      }
      i = k;
      continue;
    }
    if (ch === '[' || (ch === '!' && src[i + 1] === '[')) {
      const image = ch === '!';
      flush(i);
      i += image ? 2 : 1;
      const before = tail;
      append({ text: image ? '![' : '[' });
      textStart = i;
      brackets.push({ before, from: i, image, bottom: delims });
      continue;
    }
    if (ch === ']') {
      const b = brackets.pop();
      i++;
      const inactive = b && !b.image && brackets.length < linkFloor;
      linkFloor = Math.min(linkFloor, brackets.length);
      // An unmatched `]`, or one closing a `[` that can no longer open a link, stays text.
      if (!b || inactive) continue;
      const target = linkTail(src, i);
      let label = '';
      let suffix = '';
      if (!target) {
        // A reference: `[text][label]`, `[label][]` or `[label]`. Resolved at
        // render time, since a definition may arrive after the block is closed.
        const full = at(REF_LABEL, src, i);
        // A label is at most 999 characters, with no unescaped bracket (spec
        // § 4.7), also none inside code or a URL: measured before it is sliced,
        // so nested brackets cost at most that per `]`.
        if (full?.[1]?.trim()) label = full[1];
        else if (i - b.from <= 1000) label = src.slice(b.from, i - 1);
        if (!label.trim() || /(^|[^\\])[[\]]/.test(label)) continue;
        suffix = full?.[0] ?? '';
      }
      flush(i - 1);
      emphasis(b.bottom);
      const [children, depth] = collect(b.before.next!.next);
      if (depth >= MAX_INLINE_NESTING) {
        textStart = i - 1;
        continue;
      }
      (tail = b.before).next = undefined;
      if (!target) {
        push({ type: 'ref', label: normalizeLabel(label), image: b.image, children, suffix }, (i += suffix.length), depth + 1);
      } else if (b.image) {
        push({ type: 'image', src: target.dest, alt: plainText(children), title: target.title }, (i = target.end));
      } else {
        push({ type: 'link', href: target.dest, title: target.title, children }, (i = target.end), depth + 1);
        // Spec: no links inside links, so earlier `[` can no longer open one.
        linkFloor = brackets.length;
      }
      continue;
    }
    const autolinkMatch = ch === '<' && at(AUTOLINK, src, i);
    if (autolinkMatch) {
      const [whole, uri, email] = autolinkMatch;
      flush(i);
      push(autolink(uri ?? 'mailto:' + email, uri ?? email!), (i += whole.length));
      continue;
    }
    const reference = ch === '&' && entityAt(src, i);
    if (reference) {
      flush(i);
      append({ text: reference[0] });
      textStart = i += reference[1];
      continue;
    }
    // GFM "extended autolink": a bare http(s) URL in text. The scheme is read
    // from the source, only from plain text (`&#104;ttp://` is no URL), and
    // not after a letter or digit; a few characters are searched, not the text.
    const scheme = ch === ':' && src.startsWith('//', i + 1) ? (/(?:^|[^a-zA-Z\d])(https?)$/.exec(src.slice(Math.max(textStart, i - 6), i))?.[1]!.length ?? 0) : 0;
    const start = i - scheme;
    // Not a link destination still being written: `[text](https://exa`.
    if (scheme && !/\]\(<?$/.test(src.slice(Math.max(0, start - 3), start))) {
      const url = at(BARE_URL, src, start)![0];
      // Trailing punctuation is the sentence's; a `)` only if unbalanced.
      // Counted once, then trimmed from the end: no rescans of the URL.
      let unbalanced = url.split(')').length - url.split('(').length;
      let end = url.length;
      for (;;) {
        const last = url[end - 1]!;
        if (`?!.,:;*_~'"`.includes(last)) end--;
        else if (last === ')' && unbalanced > 0) end--, unbalanced--;
        else break;
      }
      if (end > scheme + 3) {
        const href = url.slice(0, end);
        flush(start);
        push(autolink(href, href), (i = start + end));
        continue;
      }
    }
    i++;
  }
  flush(src.length);
  emphasis(head);
  return collect(head.next)[0];
}
