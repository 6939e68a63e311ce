/**
 * Character references, decoded the way CommonMark does (§ 2.5): `&#123;`,
 * `&#x7B;` and named references with their `;`. Only a small table of names
 * is known (the full HTML table has 2,000+ entries, too heavy for a widget);
 * an unknown name stays as written, which is harmless in text, and in a URL
 * leaves a `&` that no scheme may contain, so the URL check rejects it.
 */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  // The ones obfuscated `javascript:` links are built from (an undecoded one
  // would leave a `&` in the scheme, which the URL check refuses anyway).
  colon: ':',
  Tab: '\t',
  NewLine: '\n',
  // Typography models like to write.
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rarr: '→',
  larr: '←',
  times: '×',
  deg: '°',
  euro: '€',
};

/** One reference (the `&…;` form); `lenient` also takes `&#106` without `;` as HTML attributes do. */
const strict = /&(?:#x([\da-f]{1,6});|#(\d{1,7});|([a-z][a-z\d]{1,31});)/gi;
const lenient = /&(?:#x0*([\da-f]{1,6});?|#0*(\d{1,7});?|([a-z][a-z\d]{1,31});)/gi;

function decodeOne(match: string, hex?: string, dec?: string, name?: string): string {
  if (name) return NAMED[name] ?? match;
  const code = hex ? parseInt(hex, 16) : Number(dec);
  // CommonMark § 2.5: NUL, surrogates and out-of-range code points become U+FFFD.
  return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
}

const strictAt = new RegExp(strict.source, 'iy');

/** The character reference starting at `i` in `text`: what it decodes to and its length. */
export function entityAt(text: string, i: number): [decoded: string, length: number] | undefined {
  strictAt.lastIndex = i;
  const m = strictAt.exec(text);
  return m ? [decodeOne(m[0], m[1], m[2], m[3]), m[0].length] : undefined;
}

/** Decodes the character references in `text`; `lenient` accepts numeric ones without `;`. */
export function decodeEntities(text: string, lenient_ = false): string {
  return text.includes('&') ? text.replace(lenient_ ? lenient : strict, decodeOne) : text;
}
