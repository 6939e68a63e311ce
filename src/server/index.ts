/**
 * The backend half of `<ai-chat>`: a fetch handler that holds the provider
 * key and forwards the provider's stream as Server-Sent Events.
 *
 * @example
 * const handler = createChatHandler({ provider: 'openai', model: 'gpt-4.1-mini' });
 * export default { fetch: handler };
 */
export { createChatHandler, type ChatHandler } from './handler.js';
export { chatOptionsFromEnv, DEFAULT_MODELS, type EnvChoice } from './from-env.js';
export { HttpError, UpstreamError } from './errors.js';
export { MemoryResumeStore, ResumeStoreFullError, type MemoryResumeStoreOptions, type ResumeStore } from './resume.js';
export { mockProvider, mockTokens, mockTools, parseMockFaults, type MockFaults, type MockOptions } from './providers/mock.js';
export { SSE_HEADERS, type SseFrame } from './sse.js';
export {
  CHAT_ROLES,
  DEFAULT_FILE_TYPES,
  PROVIDER_DIALECTS,
  PROVIDER_NAMES,
  TOOL_CALL_STATES,
  type ChatFilePart,
  type ChatHandlerOptions,
  type ChatInputMessage,
  type ChatMessagePart,
  type ChatToolCallPart,
  type ProviderDialect,
  type ServerTool,
  type ToolCallState,
  type ToolContext,
  type ToolDefinition,
  type ChatLogger,
  type ChatRole,
  type ErrorBody,
  type FileOptions,
  type ProviderAdapter,
  type ProviderName,
  type ProviderRequest,
  type ProviderStream,
} from './types.js';
