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
 */
export { AiChat, MODES, POSITIONS, THEMES, type Mode, type Position, type Theme } from './ai-chat.js';
export { CHAT_STATUSES, MESSAGE_ROLES, MESSAGE_STATUSES } from './types.js';
export type {
  ChatError,
  ChatMessage,
  ChatRequest,
  ChatRequestBody,
  ChatStatus,
  MessageRole,
  MessageStatus,
} from './types.js';
export type * from './events.js';
