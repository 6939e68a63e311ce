import type { ChatLogger } from './types.js';

const REDACTED = '[redacted]';

/**
 * Shapes of keys and tokens that providers echo in error messages (OpenAI's
 * 401 says "Incorrect API key provided: sk-abc***xyz"), matched even when the
 * exact key is not known to this process.
 */
const KEY_SHAPES: RegExp[] = [/\bsk-[A-Za-z0-9_*.\-]{6,}/g, /\bBearer\s+[^\s"',]+/gi, /\bx-api-key["':\s]+[^\s"',]+/gi];

/** Removes `secrets` and anything shaped like a key from `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    // A very short "key" (a local server's placeholder) would blank out ordinary words.
    if (secret.length >= 8) clean = clean.split(secret).join(REDACTED);
  }
  for (const shape of KEY_SHAPES) clean = clean.replace(shape, REDACTED);
  return clean;
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
