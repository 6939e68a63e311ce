/** Where each built-in provider's key is read from when `apiKey` is not passed. */
export const API_KEY_ENV = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;

/**
 * Reads an environment variable where `process.env` exists (Node, Bun, Deno
 * 2); undefined elsewhere (Workers pass keys as options). Deno without
 * `--allow-env` throws on access, which counts as unset.
 */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name]?.trim();
    return value ? value : undefined;
  } catch {
    return undefined;
  }
}
