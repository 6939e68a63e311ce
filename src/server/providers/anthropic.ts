import { HttpError } from '../errors.js';
import { resultOf, stepsOf } from '../tools.js';
import type { ChatFilePart, ChatInputMessage, ProviderAdapter, ToolDefinition } from '../types.js';
import { decodeBase64, fileName, splitDataUrl } from '../validate.js';
import { clientOptions, lazyClient, loadSdk, type SdkSettings } from './sdk.js';

/** Anthropic requires a limit on every request. */
const DEFAULT_MAX_TOKENS = 4096;

/** Tool ids Anthropic accepts; another provider's ids (from an earlier turn) may have other characters. */
const anthropicId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_');

type Turn = { role: 'user' | 'assistant'; content: string | Array<Record<string, unknown>> };

/** The SDK's own types of the blocks a file becomes, so the shapes below are checked against them. */
type FileBlock = import('@anthropic-ai/sdk').Anthropic.ImageBlockParam | import('@anthropic-ai/sdk').Anthropic.DocumentBlockParam;
type ImageType = import('@anthropic-ai/sdk').Anthropic.Base64ImageSource['media_type'];

/** The image types the Messages API reads. */
const IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] satisfies ImageType[];

/**
 * A user's file as a Messages API block: an image (PNG, JPEG, GIF, WebP) as
 * an `image` block, a PDF as a `document` block, each with its base64 data
 * or the https URL Anthropic fetches itself; text as a `document` block of
 * plain text. The file's name is the document's `title`. Anything else, and
 * a link to text, the API cannot read: refused here (415) rather than by the
 * provider.
 */
function anthropicFileBlock(file: ChatFilePart): FileBlock {
  const data = splitDataUrl(file.url);
  const title = file.filename ? { title: file.filename } : {};
  if (IMAGE_TYPES.includes(file.mediaType)) {
    const media_type = file.mediaType as ImageType;
    return { type: 'image', source: data ? { type: 'base64', media_type, data: data.base64 } : { type: 'url', url: file.url } };
  }
  if (file.mediaType === 'application/pdf') {
    const source = data ? { type: 'base64' as const, media_type: 'application/pdf' as const, data: data.base64 } : { type: 'url' as const, url: file.url };
    return { type: 'document', source, ...title };
  }
  if (file.mediaType.startsWith('text/') && data) {
    const text = new TextDecoder().decode(decodeBase64(data.base64));
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  throw new HttpError(
    415,
    'file_not_supported',
    data
      ? `${fileName(file)} (${file.mediaType}) is not a kind of file Anthropic reads: images (PNG, JPEG, GIF, WebP), PDF and plain text.`
      : `${fileName(file)} cannot be sent as a link: Anthropic fetches only images and PDFs from links. Attach the file itself.`,
  );
}

/**
 * A user message's content: its text as it came without files; with files,
 * their blocks in order, then the text (images first is what Anthropic's
 * vision guide recommends).
 */
function anthropicUserContent(message: ChatInputMessage): Turn['content'] {
  const files = (message.parts ?? []).filter((part): part is ChatFilePart => part.type === 'file');
  if (files.length === 0) return message.content;
  // An empty text block is refused by the API.
  const text = message.content ? [{ type: 'text', text: message.content }] : [];
  return [...files.map((file) => anthropicFileBlock(file) as unknown as Record<string, unknown>), ...text];
}

/**
 * The neutral messages as Messages API turns: `system` messages go to the
 * top-level `system` parameter; a message without tool calls or files is
 * `{role, content}` as it came; a user message with files has their blocks
 * and its text (see {@link anthropicFileBlock}); an assistant message with
 * tool calls becomes, per step, an assistant turn with `tool_use` blocks and
 * a user turn with their `tool_result` blocks (`is_error` for failures). A
 * user message right after tool results joins their turn, after them, as
 * the API wants.
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
    if (message.role === 'user') {
      const content = anthropicUserContent(message);
      if (last?.role === 'user' && Array.isArray(last.content)) {
        if (Array.isArray(content)) last.content.push(...content);
        else if (content) last.content.push({ type: 'text', text: content });
      } else turns.push({ role: 'user', content });
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
