/**
 * `ai-chat-element`: defines `<ai-chat>` on import, and exports what
 * `ai-chat-element/element` exports, so the two entries name the same API.
 */
import { AiChat } from './element.js';

AiChat.define();

export * from './element.js';
