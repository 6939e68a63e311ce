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

/** `ai-chat-send` → `AiChatSend`. */
type PascalCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<Name>;

/** One `on…` prop per event of the element: an event left out here does not compile. */
type EventProps = {
  [Name in keyof AiChatEventMap as `on${PascalCase<Name>}`]: EventName<AiChatEventMap[Name]>;
};

const event = <Name extends keyof AiChatEventMap>(name: Name) => name as EventName<AiChatEventMap[Name]>;

const events: EventProps = {
  onAiChatSend: event('ai-chat-send'),
  onAiChatOpen: event('ai-chat-open'),
  onAiChatDelta: event('ai-chat-delta'),
  onAiChatDone: event('ai-chat-done'),
  onAiChatError: event('ai-chat-error'),
  onAiChatAbort: event('ai-chat-abort'),
  onAiChatRetry: event('ai-chat-retry'),
  onAiChatPart: event('ai-chat-part'),
  onAiChatToolCall: event('ai-chat-tool-call'),
  onAiChatRegenerate: event('ai-chat-regenerate'),
  onAiChatEdit: event('ai-chat-edit'),
  onAiChatVersion: event('ai-chat-version'),
  onAiChatFeedback: event('ai-chat-feedback'),
  onAiChatCopy: event('ai-chat-copy'),
};

/** The React component for `<ai-chat>`; its ref is the element, for `send()`, `abort()`, `clear()`. */
export const AiChat = createComponent({
  react: React,
  tagName: 'ai-chat',
  elementClass: AiChatElement,
  displayName: 'AiChat',
  events,
});
