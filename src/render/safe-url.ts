import { decodeEntities } from './entities.js';

/** What a URL from model text is going to be used for. */
export interface SafeUrlOptions {
  /** An image source: only `https:` is allowed (no mixed content, no `data:`). */
  image?: boolean;
}

/**
 * Returns a URL from model text that is safe to put into `href` (or `src`
 * with `{ image: true }`), or `undefined` when the caller must render the link
 * as plain text.
 *
 * The string is read the way a browser would read it, so obfuscations cannot
 * hide the scheme: character references are decoded (numeric ones even
 * without `;`, as in an HTML attribute), then tab, LF and CR are removed
 * everywhere and C0 controls and spaces at both ends (WHATWG URL § 4.4,
 * "basic URL parser", first two steps). Only absolute URLs with an allowed
 * scheme pass; relative ones are refused because the page that embeds the
 * widget, not the model, decides what they point at.
 *
 * The answer is `URL.href` of what was checked, so the attribute holds the
 * very URL whose scheme was tested, in canonical form.
 */
export function safeUrl(raw: string, options: SafeUrlOptions = {}): string | undefined {
  // eslint-disable-next-line no-control-regex
  const cleaned = decodeEntities(raw, true).replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  const allowed = options.image ? /^https:/i : /^(https?|mailto):/i;
  if (!allowed.test(cleaned)) return undefined;
  try {
    const url = new URL(cleaned);
    // The parser agrees with the test above; checked again so that a
    // difference between the two can only ever refuse a URL.
    return allowed.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
