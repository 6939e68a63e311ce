import type { ProviderAdapter } from '../types.js';
import { loadSdk, type SdkSettings } from './sdk.js';

type OpenAIClient = import('openai').OpenAI;

/**
 * Chat Completions through the official `openai` SDK: OpenAI itself, or any
 * OpenAI-compatible server (Ollama, vLLM, llama.cpp, gateways) via `baseURL`.
 * Each `chat.completion.chunk` is forwarded as the SDK yields it.
 */
export function openAiProvider(settings: SdkSettings): ProviderAdapter {
  let client: Promise<OpenAIClient> | undefined;
  const connect = async () => {
    const { OpenAI } = await loadSdk('openai', () => import('openai'));
    return new OpenAI({
      apiKey: settings.apiKey,
      // Unset leaves the SDK's own default (and its *_BASE_URL variable).
      ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
      maxRetries: settings.maxRetries,
      logger: settings.logger,
    });
  };
  // Compatible servers mostly know only the older `max_tokens`; OpenAI's own
  // reasoning models accept only `max_completion_tokens`.
  const tokenLimit = (): Record<string, number> => {
    if (settings.maxTokens === undefined) return {};
    return settings.baseURL ? { max_tokens: settings.maxTokens } : { max_completion_tokens: settings.maxTokens };
  };
  return {
    name: 'openai',
    async start({ messages, model, signal }) {
      client ??= connect().catch((error: unknown) => {
        client = undefined;
        throw error;
      });
      const openai = await client;
      const stream = await openai.chat.completions.create({ model, messages, stream: true, ...tokenLimit() }, { signal });
      return { chunks: stream };
    },
  };
}
