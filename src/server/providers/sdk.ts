import { HttpError } from '../errors.js';
import type { ChatLogger } from '../types.js';

/** What the SDK-backed providers are built from. */
export interface SdkSettings {
  apiKey: string;
  baseURL?: string | undefined;
  maxTokens?: number | undefined;
  maxRetries: number;
  /** Already scrubbing: SDK log lines may quote request details. */
  logger: ChatLogger;
}

/**
 * Loads an optional peer dependency on first use, so a deployment installs
 * only the SDK of the provider it runs.
 */
export async function loadSdk<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new HttpError(500, 'provider_unavailable', `The server is missing the \`${name}\` package (npm install ${name}).`, {}, cause);
  }
}

/** The constructor options the `openai` and `@anthropic-ai/sdk` clients share. */
export function clientOptions(settings: SdkSettings) {
  return {
    apiKey: settings.apiKey,
    // Unset leaves the SDK's own default (and its *_BASE_URL variable).
    ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
    maxRetries: settings.maxRetries,
    logger: settings.logger,
  };
}

/**
 * The client, created by the first request and shared by the later ones. A
 * failed creation (the package is missing) is not kept, so the next request
 * tries again.
 */
export function lazyClient<T>(create: () => Promise<T>): () => Promise<T> {
  let client: Promise<T> | undefined;
  return () =>
    (client ??= create().catch((error: unknown) => {
      client = undefined;
      throw error;
    }));
}
