import type { ChatLogger } from './types.js';

const REDACTED = '[redacted]';

/**
 * Shapes of keys and tokens that providers and gateways echo in error
 * messages (OpenAI's 401 says "Incorrect API key provided: sk-abc***xyz"),
 * matched even when the exact key is not known to this process. Each match
 * is replaced whole, so no prefix or suffix of a key survives.
 */
const KEY_SHAPES: RegExp[] = [
  // Credentials after their scheme, whatever their shape.
  /\bBearer\s+[^\s"',;]+/gi,
  /\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g,
  // Vendor prefixes: OpenAI and Anthropic (`sk-`, `sk-ant-`); then, holding a digit so that words
  // like `key-value` stay, Mailgun-style `key-`, Groq, xAI, Hugging Face, GitLab, Stripe-style `pk_`/`rk_`.
  /\bsk-[\w.*-]{6,}/g,
  /\b(?:pk|rk|key|gsk|xai|hf|glpat)[-_](?=[\w.-]*\d)[\w.-]{6,}/gi,
  // Google, GitHub, Slack, AWS access key ids.
  /\bAIza[\w-]{20,}/g,
  /\bgh[pousr]_\w{20,}/g,
  /\bxox[abprs]-[\w-]{10,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  // Long hex secrets (32+ digits; UUIDs, being hyphenated, stay readable). The
  // lookahead takes the whole run at once, so a run that fails is not retried shorter.
  /\b(?=([0-9a-f]{32,}))\1\b/gi,
];

/**
 * Long base64 or base64url runs that mix upper case, lower case and digits:
 * random secrets and JWT parts, not words or paths (which a dot or an `@`
 * breaks up well before 32 characters).
 */
const LONG_TOKEN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
const looksRandom = (token: string) => /[A-Z]/.test(token) && /[a-z]/.test(token) && /\d/.test(token);

/** A credential after its field name, whatever its shape; the name stays, so the log says what was there. */
const NAMED =
  /\b(x-api-key|x-goog-api-key|api[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret|secret|password|token)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi;

const MASK = /\*{3,}|•{3,}/g;
const BEFORE_MASK = /[\w.+/=*•-]/;
const AFTER_MASK = /[\w+/=*•-]/;

/**
 * A masked key of any shape, whole: the visible ends of `gw-live-AbC1****7xQz`
 * are part of the key. Walks out from each mask rather than matching with a
 * pattern, which would backtrack over every long word without one.
 */
function redactMasked(text: string): string {
  let clean = '';
  let last = 0;
  for (const mask of text.matchAll(MASK)) {
    if (mask.index < last) continue;
    let start = mask.index;
    while (start > last && BEFORE_MASK.test(text[start - 1]!)) start -= 1;
    let end = mask.index + mask[0].length;
    while (end < text.length && AFTER_MASK.test(text[end]!)) end += 1;
    clean += `${text.slice(last, start)}${REDACTED}`;
    last = end;
  }
  return clean + text.slice(last);
}

/** Removes `secrets` and anything shaped like a key from `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    // A very short "key" (a local server's placeholder) would blank out ordinary words.
    if (secret.length >= 8) clean = clean.split(secret).join(REDACTED);
  }
  clean = redactMasked(clean);
  for (const shape of KEY_SHAPES) clean = clean.replace(shape, REDACTED);
  // After the shapes, so `token: Bearer abc` loses the credential, not just the scheme.
  clean = clean.replace(NAMED, (_, name: string, separator: string) => `${name}${separator}${REDACTED}`);
  return clean.replace(LONG_TOKEN, (token) => (looksRandom(token) ? REDACTED : token));
}

function scrubArg(arg: unknown, secrets: readonly string[]): unknown {
  if (typeof arg === 'string') return scrub(arg, secrets);
  if (arg instanceof Error) return scrub(`${arg.name}: ${arg.message}`, secrets);
  if (typeof arg === 'object' && arg !== null) {
    try {
      return scrub(JSON.stringify(arg), secrets);
    } catch {
      return '[unserialisable]';
    }
  }
  return arg;
}

/** A logger that scrubs every argument before passing it on; `false` logs nothing. */
export function scrubbingLogger(target: ChatLogger | false, secrets: readonly string[]): ChatLogger {
  const line =
    (level: keyof ChatLogger) =>
    (...args: unknown[]) => {
      if (target) target[level](...args.map((arg) => scrubArg(arg, secrets)));
    };
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
}
