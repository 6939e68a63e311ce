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
