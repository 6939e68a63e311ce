import { HttpError } from '../errors.js';
import { resultOf, stepsOf } from '../tools.js';
import type { ChatFilePart, ChatInputMessage, ProviderAdapter, ToolDefinition } from '../types.js';
import { decodeBase64, fileName, splitDataUrl } from '../validate.js';
import { clientOptions, lazyClient, loadSdk, type SdkSettings } from './sdk.js';

/** The SDK's own type of a user message's content part, so the shapes below are checked against it. */
type ContentPart = import('openai').OpenAI.ChatCompletionContentPart;

/**
 * A user's file as a Chat Completions content part: an image as `image_url`
 * (its data URL, or the https URL OpenAI fetches itself); text as a text
 * part holding it, since Chat Completions reads no text files ("send its
 * contents as a text content part", OpenAI's file inputs guide); any other
 * file as a `file` part with `file_data` (a data URL) and `filename`, which
 * OpenAI reads for PDFs. Chat Completions fetches no file URLs, so an https
 * URL of a non-image is refused here (415) rather than by the provider.
 */
function openAiFilePart(file: ChatFilePart): ContentPart {
  if (file.mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url: file.url } };
  const data = splitDataUrl(file.url);
  if (!data) {
    throw new HttpError(
      415,
      'file_url_not_supported',
      `${fileName(file)} cannot be sent as a link: OpenAI’s Chat Completions fetches only images from links. Attach the file itself.`,
    );
  }
  if (file.mediaType.startsWith('text/')) {
    const text = new TextDecoder().decode(decodeBase64(data.base64));
    return { type: 'text', text: `Attached file${file.filename ? ` “${file.filename}”` : ''} (${file.mediaType}):\n\n${text}` };
  }
  // OpenAI wants a name with `file_data`.
  const filename = file.filename || (file.mediaType === 'application/pdf' ? 'document.pdf' : 'file');
  return { type: 'file', file: { file_data: file.url, filename } };
}

/** A user message with files: the files in order, then its text (as OpenAI's examples order a file and its question). */
function openAiUserContent(message: ChatInputMessage): ContentPart[] {
  const files = (message.parts ?? []).filter((part): part is ChatFilePart => part.type === 'file').map(openAiFilePart);
  return message.content ? [...files, { type: 'text', text: message.content }] : files;
}

/**
 * The neutral messages as Chat Completions messages: `{role, content}` for
 * a message without tool calls or files, exactly as it came; a user message
 * with files has a content array (see {@link openAiFilePart}); an assistant
 * message with tool calls becomes, per step, an assistant message with
 * `tool_calls` followed by one `tool` message per call.
 */
export function toOpenAiMessages(messages: readonly ChatInputMessage[]): unknown[] {
  return messages.flatMap((message): unknown[] => {
    if (!message.parts) return [{ role: message.role, content: message.content }];
    if (message.role === 'user') return [{ role: 'user', content: openAiUserContent(message) }];
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
    async start({ messages, model, tools = [], signal }) {
      const openai = await client();
      const body = { model, messages: toOpenAiMessages(messages), stream: true, ...toOpenAiTools(tools), ...tokenLimit() };
      // The messages are built above from validated input, in the API's documented shapes.
      const stream = await openai.chat.completions.create(body as unknown as OpenAiStreamingBody, { signal });
      return { chunks: stream, dialect: 'openai' };
    },
  };
}
