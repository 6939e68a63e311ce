import type { ProviderAdapter } from '../types.js';
import { clientOptions, lazyClient, loadSdk, type SdkSettings } from './sdk.js';

/** Anthropic requires a limit on every request. */
const DEFAULT_MAX_TOKENS = 4096;

/**
 * The Messages API through the official `@anthropic-ai/sdk`. Every raw stream
 * event (`message_start`, `content_block_delta`, …) is forwarded as the SDK
 * yields it; `system` messages become the top-level `system` parameter, which
 * is the only place the API accepts them.
 */
export function anthropicProvider(settings: SdkSettings): ProviderAdapter {
  const client = lazyClient(async () => {
    const { Anthropic } = await loadSdk('@anthropic-ai/sdk', () => import('@anthropic-ai/sdk'));
    return new Anthropic(clientOptions(settings));
  });
  return {
    name: 'anthropic',
    async start({ messages, model, signal }) {
      const anthropic = await client();
      const system = messages
        .filter((message) => message.role === 'system')
        .map((message) => message.content)
        .join('\n\n');
      const turns = messages.flatMap((message) =>
        message.role === 'system' ? [] : [{ role: message.role, content: message.content }],
      );
      const stream = await anthropic.messages.create(
        {
          model,
          max_tokens: settings.maxTokens ?? DEFAULT_MAX_TOKENS,
          messages: turns,
          stream: true,
          ...(system ? { system } : {}),
        },
        { signal },
      );
      return { chunks: stream };
    },
  };
}
