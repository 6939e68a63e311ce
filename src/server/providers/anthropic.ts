import { resultOf, stepsOf } from '../tools.js';
import type { ChatInputMessage, ProviderAdapter, ToolDefinition } from '../types.js';
import { clientOptions, lazyClient, loadSdk, type SdkSettings } from './sdk.js';

/** Anthropic requires a limit on every request. */
const DEFAULT_MAX_TOKENS = 4096;

/** Tool ids Anthropic accepts; another provider's ids (from an earlier turn) may have other characters. */
const anthropicId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_');

type Turn = { role: 'user' | 'assistant'; content: string | Array<Record<string, unknown>> };

/**
 * The neutral messages as Messages API turns: `system` messages go to the
 * top-level `system` parameter; a message without tool calls is `{role,
 * content}` as it came; an assistant message with tool calls becomes, per
 * step, an assistant turn with `tool_use` blocks and a user turn with their
 * `tool_result` blocks (`is_error` for failures). A user message right after
 * tool results joins their turn, after them, as the API wants.
 */
export function toAnthropicRequest(messages: readonly ChatInputMessage[]): { system: string; turns: Turn[] } {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const turns: Turn[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const last = turns.at(-1);
    if (message.role === 'user' && last?.role === 'user' && Array.isArray(last.content)) {
      if (message.content) last.content.push({ type: 'text', text: message.content });
      continue;
    }
    if (!message.parts) {
      turns.push({ role: message.role, content: message.content });
      continue;
    }
    for (const { text, calls } of stepsOf(message)) {
      const blocks: Array<Record<string, unknown>> = text ? [{ type: 'text', text }] : [];
      for (const call of calls) {
        const input = typeof call.input === 'object' && call.input !== null && !Array.isArray(call.input) ? call.input : {};
        blocks.push({ type: 'tool_use', id: anthropicId(call.toolCallId), name: call.toolName, input });
      }
      if (blocks.length === 0) continue;
      turns.push({ role: 'assistant', content: blocks });
      if (calls.length === 0) continue;
      const results = calls.map((call) => {
        const { text: content, isError } = resultOf(call);
        return { type: 'tool_result', tool_use_id: anthropicId(call.toolCallId), content, ...(isError ? { is_error: true } : {}) };
      });
      turns.push({ role: 'user', content: results });
    }
  }
  return { system, turns };
}

/** The tools as Messages API `tools`; absent when there are none. */
export const toAnthropicTools = (tools: readonly ToolDefinition[]) =>
  tools.length === 0
    ? {}
    : {
        tools: tools.map(({ name, description, parameters }) => ({
          name,
          ...(description ? { description } : {}),
          input_schema: parameters,
        })),
      };

type AnthropicStreamingBody = import('@anthropic-ai/sdk').Anthropic.MessageCreateParamsStreaming;

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
    async start({ messages, model, tools = [], signal }) {
      const anthropic = await client();
      const { system, turns } = toAnthropicRequest(messages);
      const body = {
        model,
        max_tokens: settings.maxTokens ?? DEFAULT_MAX_TOKENS,
        messages: turns,
        stream: true,
        ...(system ? { system } : {}),
        ...toAnthropicTools(tools),
      };
      // The turns are built above from validated input, in the API's documented shapes.
      const stream = await anthropic.messages.create(body as unknown as AnthropicStreamingBody, { signal });
      return { chunks: stream, dialect: 'anthropic' };
    },
  };
}
