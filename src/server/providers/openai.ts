import type { ProviderAdapter } from '../types.js';
import { clientOptions, lazyClient, loadSdk, type SdkSettings } from './sdk.js';

/**
 * Chat Completions through the official `openai` SDK: OpenAI itself, or any
 * OpenAI-compatible server (Ollama, vLLM, llama.cpp, gateways) via `baseURL`.
 * Each `chat.completion.chunk` is forwarded as the SDK yields it.
 */
export function openAiProvider(settings: SdkSettings): ProviderAdapter {
  const client = lazyClient(async () => {
    const { OpenAI } = await loadSdk('openai', () => import('openai'));
    return new OpenAI(clientOptions(settings));
  });
  // Compatible servers mostly know only the older `max_tokens`; OpenAI's own
  // reasoning models accept only `max_completion_tokens`.
  const tokenLimit = (): Record<string, number> => {
    if (settings.maxTokens === undefined) return {};
    return settings.baseURL ? { max_tokens: settings.maxTokens } : { max_completion_tokens: settings.maxTokens };
  };
  return {
    name: 'openai',
    async start({ messages, model, signal }) {
      const openai = await client();
      const stream = await openai.chat.completions.create({ model, messages, stream: true, ...tokenLimit() }, { signal });
      return { chunks: stream };
    },
  };
}
