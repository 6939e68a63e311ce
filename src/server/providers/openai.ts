import { resultOf, stepsOf } from '../tools.js';
import type { ChatInputMessage, ProviderAdapter, ToolDefinition } from '../types.js';
import { clientOptions, lazyClient, loadSdk, type SdkSettings } from './sdk.js';

/**
 * Chat Completions through the official `openai` SDK: OpenAI itself, or any
 * OpenAI-compatible server (Ollama, vLLM, llama.cpp, gateways) via `baseURL`.
 * Each `chat.completion.chunk` is forwarded as the SDK yields it.
 */
/**
 * The neutral messages as Chat Completions messages: `{role, content}` for
 * a message without tool calls, exactly as it came; an assistant message
 * with tool calls becomes, per step, an assistant message with `tool_calls`
 * followed by one `tool` message per call.
 */
export function toOpenAiMessages(messages: readonly ChatInputMessage[]): unknown[] {
  return messages.flatMap((message): unknown[] => {
    if (!message.parts) return [{ role: message.role, content: message.content }];
    return stepsOf(message).flatMap(({ text, calls }): unknown[] => {
      if (calls.length === 0) return [{ role: 'assistant', content: text }];
      const toolCalls = calls.map((call) => ({
        id: call.toolCallId,
        type: 'function',
        function: { name: call.toolName, arguments: JSON.stringify(call.input) },
      }));
      // Chat Completions has no error flag: an error result is its text.
      const results = calls.map((call) => ({ role: 'tool', tool_call_id: call.toolCallId, content: resultOf(call).text }));
      return [{ role: 'assistant', content: text || null, tool_calls: toolCalls }, ...results];
    });
  });
}

/** The tools as Chat Completions `tools`; absent when there are none. */
export const toOpenAiTools = (tools: readonly ToolDefinition[]) =>
  tools.length === 0
    ? {}
    : {
        tools: tools.map(({ name, description, parameters }) => ({
          type: 'function',
          function: { name, ...(description ? { description } : {}), parameters },
        })),
      };

type OpenAiStreamingBody = import('openai').OpenAI.ChatCompletionCreateParamsStreaming;

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
    async start({ messages, model, tools = [], signal }) {
      const openai = await client();
      const body = { model, messages: toOpenAiMessages(messages), stream: true, ...toOpenAiTools(tools), ...tokenLimit() };
      // The messages are built above from validated input, in the API's documented shapes.
      const stream = await openai.chat.completions.create(body as unknown as OpenAiStreamingBody, { signal });
      return { chunks: stream, dialect: 'openai' };
    },
  };
}
