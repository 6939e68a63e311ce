import { decodeEntities, entityAt } from './entities.js';
import type { Inline } from './markdown.js';

/**
 * Inline markdown (CommonMark § 6 with GFM strikethrough and bare `http(s)://`
 * links) to a token list. The delimiter and bracket handling follows the
 * spec's appendix "An algorithm for parsing nested emphasis and links".
 *
 * Raw HTML is not a construct here: `<b>` stays the text `<b>`.
 */

/**
 * An emphasis delimiter run still waiting for its partner (spec: "delimiter
 * stack"): a text token of one repeated character, cut down as emphasis uses
 * it up. `len` is the run's original length, for the rule of 3. `clean` turns
 * it into a plain text token.
 */
interface Delim {
  type: 'text';
  text: string;
  open?: boolean;
  close?: boolean;
  len?: number;
}
type Tok = Inline | Delim;

interface Bracket {
  /** Index of the `[` text token in the output list. */
  at: number;
  /** Source offset just after the `[`. */
  from: number;
  image: boolean;
  active: boolean;
}

const SPECIAL = /[\\`*_~![\]<&\n:]/g;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const PUNCT = /[\p{P}\p{S}]/u;
const SPACE = /\s/;
/** Spaces and tabs with at most one line ending among them (spec § 6.3 "optional whitespace"). */
const OPTIONAL_SPACE = /[ \t]*\n?[ \t]*/y;
/** `<scheme:…>` (group 1) or `<email>` (group 2). */
const AUTOLINK =
  /<(?:([a-z][a-z\d+.-]{1,31}:[^\s<>]*)|([\w.!#$%&'*+/=?^`{|}~-]+@[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?)*))>/iy;
const BARE_URL = /https?:\/\/[^\s<>]*/y;
const REF_LABEL = /\[((?:[^\\[\]]|\\.){0,999})\]/y;
const ANGLE_DEST = /<((?:[^<>\n\\]|\\[^])*)>/y;
/** What follows a link destination: an optional title after whitespace, then `)`. */
const TITLE_END =
  /(?:(?=[ \t\n])[ \t]*\n?[ \t]*("(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'|\((?:[^)\\]|\\[^])*\)))?[ \t]*\n?[ \t]*\)/y;
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

/**
 * How many spaces `text` ends with. Counted from the end: a pattern anchored
 * with `$` is tried at every position of the text, and `text` is the whole
 * paragraph so far when it has no markup, so each line break would rescan it.
 */
function trailingSpaces(text: string): number {
  let count = 0;
  while (text[text.length - 1 - count] === ' ') count++;
  return count;
}

/** Where the next run of exactly `length` backticks at or after `from` starts, or -1 (spec § 6.1). */
function closingBackticks(src: string, from: number, length: number): number {
  for (let start = src.indexOf('`', from); start >= 0; ) {
    let end = start + 1;
    while (src[end] === '`') end++;
    if (end - start === length) return start;
    start = src.indexOf('`', end);
  }
  return -1;
}

/** Backslash escapes and character references, as in link destinations and titles. */
export function unescapeMd(text: string): string {
  return decodeEntities(text.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
}

/** Link labels match case-insensitively with runs of whitespace as one space (spec § 4.7). */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase();
}

/** The text of a token list, without formatting (image `alt`). */
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
      else if (ch === '(') depth++;
      else if (ch === ')' && --depth < 0) break;
    }
    if (depth > 0) return;
    dest = src.slice(j, k);
    j = k;
  }
  const m = at(TITLE_END, src, j);
  if (m) return { dest: unescapeMd(dest), title: m[1] && unescapeMd(m[1].slice(1, -1)), end: TITLE_END.lastIndex };
}

/** Turns left-over delimiters into text and joins neighbouring text tokens. */
function clean(list: readonly Tok[]): Inline[] {
  const out: Inline[] = [];
  for (const tok of list) {
    const prev = out.at(-1);
    if (tok.type !== 'text') out.push(tok);
    else if (prev?.type === 'text') out[out.length - 1] = text(prev.text + tok.text);
    else if (tok.text) out.push(text(tok.text));
  }
  return out;
}

/** Pairs delimiter runs into em, strong and del (spec appendix, "process emphasis"). */
function emphasis(list: Tok[]): Inline[] {
  for (let ci = 0; ci < list.length; ci++) {
    // A run used up is removed at once, so every delimiter here has characters left.
    const closer = list[ci] as Delim;
    if (!closer.close) continue;
    const c = closer.text;
    const ch = c[0];
    let oi = ci - 1;
    for (; oi >= 0; oi--) {
      const o = list[oi] as Delim;
      if (!o.open || o.text[0] !== ch) continue;
      // GFM: `~` pairs only with a run of the same length. CommonMark "rule of 3".
      if (
        ch === '~'
          ? o.text !== c
          : (o.close || closer.open) && (o.len! + closer.len!) % 3 === 0 && (o.len! % 3 || closer.len! % 3)
      )
        continue;
      break;
    }
    if (oi < 0) continue;
    const opener = list[oi] as Delim;
    const use = ch === '~' ? c.length : opener.text.length >= 2 && c.length >= 2 ? 2 : 1;
    const node: Inline = {
      type: ch === '~' ? 'del' : use === 2 ? 'strong' : 'em',
      children: clean(list.slice(oi + 1, ci)),
    };
    opener.text = opener.text.slice(use);
    closer.text = c.slice(use);
    list.splice(oi + 1, ci - oi - 1, node);
    ci = oi + 2;
    if (!opener.text) list.splice(oi, 1), ci--;
    if (!closer.text) list.splice(ci, 1);
    ci--;
  }
  return clean(list);
}

/** Parses one leaf block's text (paragraph, heading, table cell) into inline tokens. */
export function parseInline(src: string): Inline[] {
  const out: Tok[] = [];
  const brackets: Bracket[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push(text(buf));
    buf = '';
  };
  const push = (tok: Tok) => {
    flush();
    out.push(tok);
  };
  for (let i = 0; i < src.length; ) {
    const next = at(SPECIAL, src, i)?.index ?? src.length;
    buf += src.slice(i, next);
    i = next;
    const ch = src[i];
    if (!ch) break;
    // The end of the run of `ch` that starts here.
    let k = i + 1;
    while (src[k] === ch) k++;
    if (ch === '\n' || (ch === '\\' && src[i + 1] === '\n')) {
      // A line break is hard after a backslash or two spaces; trailing spaces go either way.
      const spaces = trailingSpaces(buf);
      const hard = ch === '\\' || spaces >= 2;
      buf = buf.slice(0, buf.length - spaces);
      if (hard) push(BR);
      else buf += '\n';
      i = skipSpace(src, i + (ch === '\\' ? 2 : 1));
      continue;
    }
    if (ch === '\\' && ASCII_PUNCT.test(src[i + 1] ?? '')) {
      buf += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const len = k - i;
      const end = closingBackticks(src, k, len);
      if (end < 0) {
        buf += src.slice(i, k);
      } else {
        let code = src.slice(k, end).replace(/\n/g, ' ');
        if (/^ (?=.*[^ ]).* $/s.test(code)) code = code.slice(1, -1);
        push({ type: 'code', text: code });
        k = end + len;
      }
      i = k;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      const len = k - i;
      if (ch === '~' && len > 2) {
        buf += src.slice(i, k);
      } else {
        const before = src[i - 1] ?? ' ';
        const after = src[k] ?? ' ';
        const bs = SPACE.test(before);
        const as = SPACE.test(after);
        const bp = PUNCT.test(before);
        const ap = PUNCT.test(after);
        const left = !as && (!ap || bs || bp);
        const right = !bs && (!bp || as || ap);
        push({
          type: 'text',
          text: src.slice(i, k),
          len,
          open: ch === '_' ? left && (!right || bp) : left,
          close: ch === '_' ? right && (!left || ap) : right,
        });
      }
      i = k;
      continue;
    }
    if (ch === '[' || (ch === '!' && src[i + 1] === '[')) {
      const image = ch === '!';
      i += image ? 2 : 1;
      flush();
      brackets.push({ at: out.length, from: i, image, active: true });
      out.push(text(image ? '![' : '['));
      continue;
    }
    if (ch === ']') {
      const b = brackets.pop();
      i++;
      if (!b?.active) {
        buf += ']';
        continue;
      }
      flush();
      const tail = linkTail(src, i);
      let label = '';
      let suffix = '';
      if (!tail) {
        // A reference: `[text][label]`, `[label][]` or `[label]`. Resolved at
        // render time, since a definition may arrive after the block is closed.
        const full = at(REF_LABEL, src, i);
        label = full?.[1]?.trim() ? full[1] : src.slice(b.from, i - 1);
        if (!label.trim() || label.length >= 1000 || /(^|[^\\])[[\]]/.test(label)) {
          buf += ']';
          continue;
        }
        suffix = full?.[0] ?? '';
      }
      const children = emphasis(out.splice(b.at + 1));
      out.pop();
      if (!tail) {
        out.push({ type: 'ref', label: normalizeLabel(label), image: b.image, children, suffix });
        i += suffix.length;
      } else if (b.image) {
        out.push({ type: 'image', src: tail.dest, alt: plainText(children), title: tail.title });
        i = tail.end;
      } else {
        out.push({ type: 'link', href: tail.dest, title: tail.title, children });
        // Spec: no links inside links, so earlier `[` can no longer open one.
        for (const x of brackets) if (!x.image) x.active = false;
        i = tail.end;
      }
      continue;
    }
    const autolinkMatch = ch === '<' && at(AUTOLINK, src, i);
    if (autolinkMatch) {
      const [whole, uri, email] = autolinkMatch;
      push(autolink(uri ?? 'mailto:' + email, uri ?? email!));
      i += whole.length;
      continue;
    }
    const reference = ch === '&' && entityAt(src, i);
    if (reference) {
      buf += reference[0];
      i += reference[1];
      continue;
    }
    if (
      ch === ':' &&
      /(?:^|[^a-zA-Z0-9])https?$/.test(buf) &&
      src.startsWith('//', i + 1) &&
      // Not a link destination still being written: `[text](https://exa`.
      !/\]\(<?https?$/.test(src.slice(Math.max(0, i - 8), i))
    ) {
      // GFM "extended autolink": a bare http(s) URL in text.
      const scheme = buf.endsWith('s') ? 5 : 4;
      const start = i - scheme;
      // Nothing when the scheme was written with a character reference (`&#104;ttp://`).
      let url = at(BARE_URL, src, start)?.[0] ?? '';
      // Trailing punctuation is the sentence's; a `)` only if unbalanced.
      for (let prev = ''; prev !== url; ) {
        prev = url;
        url = url.replace(/[?!.,:;*_~'"]+$/, '');
        if (url.endsWith(')') && url.split(')').length > url.split('(').length) url = url.slice(0, -1);
      }
      if (url.length > scheme + 3) {
        buf = buf.slice(0, -scheme);
        push(autolink(url, url));
        i = start + url.length;
        continue;
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return emphasis(out);
}
