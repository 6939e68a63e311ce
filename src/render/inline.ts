import { decodeEntities } from './entities.js';
import type { Inline } from './markdown.js';

/**
 * Inline markdown (CommonMark § 6 with GFM strikethrough and bare `http(s)://`
 * links) to a token list. The delimiter and bracket handling follows the
 * spec's appendix "An algorithm for parsing nested emphasis and links".
 *
 * Raw HTML is not a construct here: `<b>` stays the text `<b>`.
 */

/** An emphasis delimiter run still waiting for its partner (spec: "delimiter stack"). */
interface Delim {
  type: 'text';
  text: string;
  d: { ch: string; n: number; open: boolean; close: boolean; len: number };
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
const AUTOLINK = /<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL =
  /<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/y;
const ENTITY = /&(?:#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/y;
const BARE_URL = /https?:\/\/[^\s<>]*/y;
const REF_LABEL = /\[((?:[^\\[\]]|\\.){0,999})\]/y;
const BR: Inline = { type: 'br' };

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
  let out = '';
  for (const n of nodes) {
    if (n.type === 'text' || n.type === 'code') out += n.text;
    else if (n.type === 'br') out += '\n';
    else if (n.type === 'image') out += n.alt;
    else out += plainText(n.children);
  }
  return out;
}

/** Skips spaces and tabs and at most one line ending (spec § 6.3 "optional whitespace"). */
function skipSpace(src: string, i: number): number {
  let newline = false;
  for (; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\n') {
      if (newline) break;
      newline = true;
    } else if (ch !== ' ' && ch !== '\t') break;
  }
  return i;
}

/** `(destination "title")` after a `]`, or undefined (spec § 6.3). */
function linkTail(src: string, i: number): { dest: string; title?: string; end: number } | undefined {
  if (src[i] !== '(') return undefined;
  let j = skipSpace(src, i + 1);
  let dest: string;
  if (src[j] === '<') {
    let k = j + 1;
    for (; k < src.length && src[k] !== '>'; k++) {
      if (src[k] === '\n' || src[k] === '<') return undefined;
      if (src[k] === '\\') k++;
    }
    if (k >= src.length) return undefined;
    dest = src.slice(j + 1, k);
    j = k + 1;
  } else {
    let depth = 0;
    let k = j;
    for (; k < src.length; k++) {
      const ch = src[k]!;
      if (ch === '\\' && ASCII_PUNCT.test(src[k + 1] ?? '')) k++;
      else if (ch <= ' ') break;
      else if (ch === '(') depth++;
      else if (ch === ')') {
        if (!depth) break;
        depth--;
      }
    }
    if (depth) return undefined;
    dest = src.slice(j, k);
    j = k;
  }
  let title: string | undefined;
  const t = skipSpace(src, j);
  const quote = src[t];
  if (t > j && (quote === '"' || quote === "'" || quote === '(')) {
    const close = quote === '(' ? ')' : quote;
    let k = t + 1;
    for (; k < src.length && src[k] !== close; k++) if (src[k] === '\\') k++;
    if (k >= src.length) return undefined;
    title = unescapeMd(src.slice(t + 1, k));
    j = skipSpace(src, k + 1);
  } else {
    j = t;
  }
  if (src[j] !== ')') return undefined;
  return { dest: unescapeMd(dest), title, end: j + 1 };
}

/** Turns left-over delimiters into text and joins neighbouring text tokens. */
function clean(list: readonly Tok[]): Inline[] {
  const out: Inline[] = [];
  for (const tok of list) {
    if (tok.type !== 'text') {
      out.push(tok);
    } else if (tok.text) {
      const last = out[out.length - 1];
      if (last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + tok.text };
      else out.push({ type: 'text', text: tok.text });
    }
  }
  return out;
}

/** Pairs delimiter runs into em, strong and del (spec appendix, "process emphasis"). */
function emphasis(list: Tok[]): Inline[] {
  for (let ci = 0; ci < list.length; ci++) {
    const closer = list[ci] as Delim;
    const c = closer.d;
    if (!c?.close || !c.n) continue;
    let oi = ci - 1;
    for (; oi >= 0; oi--) {
      const o = (list[oi] as Delim).d;
      if (!o?.open || !o.n || o.ch !== c.ch) continue;
      // GFM: `~` pairs only with a run of the same length. CommonMark "rule of 3".
      if (c.ch === '~' ? o.n !== c.n : (o.close || c.open) && (o.len + c.len) % 3 === 0 && (o.len % 3 || c.len % 3))
        continue;
      break;
    }
    if (oi < 0) continue;
    const opener = list[oi] as Delim;
    const o = opener.d;
    const use = c.ch === '~' ? c.n : o.n >= 2 && c.n >= 2 ? 2 : 1;
    const node: Inline = {
      type: c.ch === '~' ? 'del' : use === 2 ? 'strong' : 'em',
      children: clean(list.slice(oi + 1, ci)),
    };
    o.n -= use;
    c.n -= use;
    opener.text = opener.text.slice(use);
    closer.text = closer.text.slice(use);
    list.splice(oi + 1, ci - oi - 1, node);
    ci = oi + 2;
    if (!o.n) list.splice(oi, 1), ci--;
    if (!c.n) list.splice(ci, 1);
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
    if (buf) out.push({ type: 'text', text: buf });
    buf = '';
  };
  const n = src.length;
  let i = 0;
  while (i < n) {
    SPECIAL.lastIndex = i;
    const next = SPECIAL.exec(src)?.index ?? n;
    buf += src.slice(i, next);
    i = next;
    if (i >= n) break;
    const ch = src[i]!;
    if (ch === '\\') {
      const esc = src[i + 1] ?? '';
      if (esc === '\n') {
        buf = buf.replace(/ +$/, '');
        flush();
        out.push(BR);
        i = skipSpace(src, i + 2);
      } else if (ASCII_PUNCT.test(esc)) {
        buf += esc;
        i += 2;
      } else {
        buf += ch;
        i++;
      }
    } else if (ch === '`') {
      let k = i;
      while (src[k] === '`') k++;
      const len = k - i;
      let found = -1;
      for (let s = src.indexOf('`', k); s !== -1; ) {
        let e = s;
        while (src[e] === '`') e++;
        if (e - s === len) {
          found = s;
          break;
        }
        s = src.indexOf('`', e);
      }
      if (found < 0) {
        buf += src.slice(i, k);
        i = k;
      } else {
        let text = src.slice(k, found).replace(/\n/g, ' ');
        if (/^ (?=.*[^ ]).* $/s.test(text)) text = text.slice(1, -1);
        flush();
        out.push({ type: 'code', text });
        i = found + len;
      }
    } else if (ch === '*' || ch === '_' || ch === '~') {
      let k = i;
      while (src[k] === ch) k++;
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
        flush();
        out.push({
          type: 'text',
          text: src.slice(i, k),
          d: {
            ch,
            n: len,
            len,
            open: ch === '_' ? left && (!right || bp) : left,
            close: ch === '_' ? right && (!left || ap) : right,
          },
        });
      }
      i = k;
    } else if (ch === '[' || (ch === '!' && src[i + 1] === '[')) {
      const image = ch === '!';
      flush();
      brackets.push({ at: out.length, from: i + (image ? 2 : 1), image, active: true });
      out.push({ type: 'text', text: image ? '![' : '[' });
      i += image ? 2 : 1;
    } else if (ch === ']') {
      const b = brackets.pop();
      i++;
      if (!b?.active) {
        buf += ']';
        continue;
      }
      flush();
      const tail = linkTail(src, i);
      if (tail) {
        const children = emphasis(out.splice(b.at + 1));
        out.pop();
        if (b.image) {
          out.push({ type: 'image', src: tail.dest, alt: plainText(children), title: tail.title });
        } else {
          out.push({ type: 'link', href: tail.dest, title: tail.title, children });
          // Spec: no links inside links, so earlier `[` can no longer open one.
          for (const x of brackets) if (!x.image) x.active = false;
        }
        i = tail.end;
        continue;
      }
      // A reference: `[text][label]`, `[label][]` or `[label]`. Resolved at
      // render time, since a definition may arrive after the block is closed.
      const text = src.slice(b.from, i - 1);
      REF_LABEL.lastIndex = i;
      const full = REF_LABEL.exec(src);
      const label = full?.[1]?.trim() ? full[1] : text;
      if (label.trim() && label.length < 1000 && !/(^|[^\\])[[\]]/.test(label)) {
        const children = emphasis(out.splice(b.at + 1));
        out.pop();
        const suffix = full ? full[0] : '';
        out.push({ type: 'ref', label: normalizeLabel(label), image: b.image, children, suffix });
        i += suffix.length;
      } else {
        buf += ']';
      }
    } else if (ch === '<') {
      AUTOLINK.lastIndex = EMAIL.lastIndex = i;
      const m = AUTOLINK.exec(src);
      const mail = m ? null : EMAIL.exec(src);
      if (m || mail) {
        flush();
        const text = (m ?? mail)![1]!;
        out.push({ type: 'link', href: m ? text : 'mailto:' + text, children: [{ type: 'text', text }] });
        i += text.length + 2;
      } else {
        buf += ch;
        i++;
      }
    } else if (ch === '&') {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(src);
      buf += m ? decodeEntities(m[0]) : ch;
      i += m ? m[0].length : 1;
    } else if (ch === '\n') {
      const hard = / {2,}$/.test(buf);
      buf = buf.replace(/ +$/, '');
      if (hard) {
        flush();
        out.push(BR);
      } else {
        buf += '\n';
      }
      i = skipSpace(src, i + 1);
    } else if (
      ch === ':' &&
      /(?:^|[^a-zA-Z0-9])https?$/.test(buf) &&
      src.startsWith('//', i + 1) &&
      // Not a link destination still being written: `[text](https://exa`.
      !/\]\(<?https?$/.test(src.slice(Math.max(0, i - 8), i))
    ) {
      // GFM "extended autolink": a bare http(s) URL in text.
      const start = i - (buf.endsWith('s') ? 5 : 4);
      BARE_URL.lastIndex = start;
      let url = BARE_URL.exec(src)![0];
      // Trailing punctuation is the sentence's; a `)` only if unbalanced.
      for (;;) {
        const trimmed = url.replace(/[?!.,:;*_~'"]+$/, '');
        if (trimmed.endsWith(')') && trimmed.split(')').length > trimmed.split('(').length) url = trimmed.slice(0, -1);
        else if (trimmed !== url) url = trimmed;
        else break;
      }
      if (url.length > (buf.endsWith('s') ? 8 : 7)) {
        buf = buf.slice(0, start - i);
        flush();
        out.push({ type: 'link', href: url, children: [{ type: 'text', text: url }] });
        i = start + url.length;
      } else {
        buf += ch;
        i++;
      }
    } else {
      buf += ch;
      i++;
    }
  }
  flush();
  return emphasis(out);
}
