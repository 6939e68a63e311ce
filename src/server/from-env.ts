import { API_KEY_ENV, readEnv } from './env.js';
import { mockTools } from './providers/mock.js';
import type { ChatHandlerOptions, ProviderName } from './types.js';

/** Models used when `AI_CHAT_MODEL` is unset. */
export const DEFAULT_MODELS = { openai: 'gpt-4.1-mini', anthropic: 'claude-haiku-4-5' } as const;

export interface EnvChoice {
  /**
   * Options for {@link createChatHandler}: a real provider when asked for and
   * its key is set, the mock otherwise, with the demo's `local_time` tool.
   */
  options: ChatHandlerOptions;
  provider: ProviderName;
  /** One line for a start-up log: which provider and model, or why the mock. Never the key. */
  description: string;
}

/**
 * Picks the provider from the environment: `AI_CHAT_PROVIDER` (`openai`,
 * `anthropic` or `mock`), its key (`OPENAI_API_KEY` / `ANTHROPIC_API_KEY`),
 * `AI_CHAT_MODEL` and, for OpenAI-compatible servers, `AI_CHAT_BASE_URL`.
 * A real provider is used only when it is asked for by name and its key is
 * set, so a key lying around never starts a bill by surprise.
 */
export function chatOptionsFromEnv(read: (name: string) => string | undefined = readEnv): EnvChoice {
  const wanted = read('AI_CHAT_PROVIDER')?.toLowerCase();
  if (wanted === 'openai' || wanted === 'anthropic') {
    const apiKey = read(API_KEY_ENV[wanted]);
    if (apiKey) {
      const model = read('AI_CHAT_MODEL') ?? DEFAULT_MODELS[wanted];
      const baseURL = read('AI_CHAT_BASE_URL');
      return {
        provider: wanted,
        options: { provider: wanted, apiKey, model, ...(baseURL ? { baseURL } : {}) },
        description: `${wanted} (model ${model}${baseURL ? `, ${baseURL}` : ''})`,
      };
    }
    return {
      provider: 'mock',
      options: { provider: 'mock', tools: mockTools },
      description: `the mock provider: AI_CHAT_PROVIDER=${wanted} but ${API_KEY_ENV[wanted]} is not set`,
    };
  }
  const hint = wanted && wanted !== 'mock' ? `unknown AI_CHAT_PROVIDER "${wanted}"; ` : '';
  return {
    provider: 'mock',
    options: { provider: 'mock', tools: mockTools },
    description: `the mock provider (${hint}set AI_CHAT_PROVIDER=openai|anthropic and its key for a real model)`,
  };
}
