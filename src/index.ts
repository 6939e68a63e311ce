import { AiChat } from './ai-chat.js';

AiChat.define();

export { AiChat };
export type * from './types.js';
export type * from './events.js';
