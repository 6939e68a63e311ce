/**
 * `ai-chat-element/react`: `<AiChat>` for React, made with `@lit/react`.
 *
 * React 18 sets every prop on a custom element as a string attribute and
 * cannot listen to custom events; the wrapper sets `headers`, `body`,
 * `messages`, `strings` and `suggestions` as properties and maps
 * `onAiChatDone` & co. to the `ai-chat-*` events. React 19 does both natively
 * (see `./jsx.ts`); the wrapper still works there.
 *
 * ```tsx
 * import { AiChat } from 'ai-chat-element/react';
 * <AiChat endpoint="/api/chat" headers={{ 'x-app': 'docs' }} onAiChatDone={(e) => log(e.detail.message)} />
 * ```
 *
 * Importing this module defines `<ai-chat>` (once: a second copy steps
 * aside). It reads no browser global at import time, so server rendering can
 * import it; the element streams only once it is in a browser document.
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { AiChat as AiChatElement } from './element.js';
import type { AiChatEventMap } from './events.js';

export type { AiChatEventProps, AiChatJsxProps, AiChatProperties } from './jsx.js';
export { AiChatElement };

AiChatElement.define();

/** The React component for `<ai-chat>`; its ref is the element, for `send()`, `abort()`, `clear()`. */
export const AiChat = createComponent({
  react: React,
  tagName: 'ai-chat',
  elementClass: AiChatElement,
  displayName: 'AiChat',
  events: {
    onAiChatSend: 'ai-chat-send' as EventName<AiChatEventMap['ai-chat-send']>,
    onAiChatDelta: 'ai-chat-delta' as EventName<AiChatEventMap['ai-chat-delta']>,
    onAiChatDone: 'ai-chat-done' as EventName<AiChatEventMap['ai-chat-done']>,
    onAiChatError: 'ai-chat-error' as EventName<AiChatEventMap['ai-chat-error']>,
    onAiChatAbort: 'ai-chat-abort' as EventName<AiChatEventMap['ai-chat-abort']>,
    onAiChatRetry: 'ai-chat-retry' as EventName<AiChatEventMap['ai-chat-retry']>,
  },
});
