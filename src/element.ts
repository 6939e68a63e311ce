/**
 * `ai-chat-element/element`: the `<ai-chat>` class without defining it.
 *
 * For a scoped registry, another tag name or a subclass:
 *
 * ```ts
 * import { AiChat } from 'ai-chat-element/element';
 * AiChat.define('support-chat');          // or: registry.define('x-chat', class extends AiChat {})
 * ```
 *
 * Importing this module registers nothing and touches no browser global, so
 * it is also safe to import during server rendering.
 *
 * Every type the public API names is exported here (and from the package's
 * main entry, which re-exports this module), so an integrator can name what a
 * property, a hook or an event hands them. The value lists next to the unions
 * (`THEMES` for `Theme`, `ERROR_CODES` for `ErrorCode`, ...) let them validate
 * or iterate without copying the list. scripts/check-public-types.mjs fails
 * when a declaration reachable from here is not exported.
 */
export { AiChat, MODES, POSITIONS, THEMES, type Mode, type Position, type Theme } from './ai-chat.js';
export {
  CHAT_STATUSES,
  FEEDBACK_VALUES,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  type ChatMessage,
  type ChatRequest,
  type ChatRequestBody,
  type ChatStatus,
  type Feedback,
  type MessageRole,
  type MessageVersions,
  type MessageStatus,
  type RequestMessage,
  type RequestPart,
  type ToolDeclaration,
  type UploadFile,
  type UploadOptions,
} from './types.js';
export { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES, REJECT_REASONS, type RejectReason } from './attachments.js';
export { DEFAULT_MAX_STEPS, type PageTool, type PageTools, type ToolContext, type ToolRun } from './tools.js';
export { ERROR_CODES, type ChatFailure, type ErrorCode, type ErrorParams, type ErrorTexts } from './errors.js';
export type { ChatStrings, ChatStringsOverride } from './i18n.js';
export { FORMATS, type Extraction, type FormatName, type ParseEvent } from './stream/formats/types.js';
export {
  TOOL_STATES,
  type ChatPart,
  type ToolPart,
  type FilePart,
  type PartDelta,
  type SourcePart,
  type SourceDelta,
  type TextPart,
  type Citation,
  type TextDelta,
  type ToolDelta,
  type ToolState,
} from './stream/parts.js';
export type { StreamEvent } from './stream/types.js';
export { TOKEN_TYPES, type Highlighter, type HighlightToken, type TokenType } from './render/highlight-types.js';
export type {
  AiChatDeltaDetail,
  AiChatEditDetail,
  AiChatErrorDetail,
  AiChatEventMap,
  AiChatEventName,
  AiChatFeedbackDetail,
  AiChatMessageDetail,
  AiChatOpenDetail,
  AiChatPartDetail,
  AiChatRetryDetail,
  AiChatToolCallDetail,
  AiChatSendDetail,
  AiChatVersionDetail,
} from './events.js';
export { DEFAULT_ACTIONS, MESSAGE_ACTIONS, type MessageAction } from './controllers/message-actions.js';
export { DEFAULT_HISTORY_LIMIT } from './controllers/chat-session.js';
