/**
 * JSX typings for the native `<ai-chat>` element in React 19, which sets
 * properties on custom elements and listens to `on<event-name>` props
 * (https://react.dev/reference/react-dom/components#custom-html-elements).
 *
 * Types only, nothing at run time: `import type {} from 'ai-chat-element/react'`
 * brings them into a project that uses the element without the wrapper.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { AiChat } from './ai-chat.js';
import type { AiChatEventMap } from './events.js';

/**
 * The names of `<ai-chat>`'s public reactive properties, read from its
 * `static properties` table (private state is not in `keyof AiChat`), so a
 * property added there is settable from JSX without a second list to keep.
 */
type PublicPropertyName = Extract<keyof (typeof AiChat)['properties'], keyof AiChat>;

/** The public properties a React 19 app may set on `<ai-chat>`; objects are set as properties. */
export type AiChatProperties = Partial<Pick<AiChat, PublicPropertyName>>;

/** React 19 adds a listener for `on` + the exact event name, so `onai-chat-done` hears `ai-chat-done`. */
export type AiChatEventProps = {
  [K in keyof AiChatEventMap as `on${K}`]?: (event: AiChatEventMap[K]) => void;
};

/** Everything `<ai-chat>` accepts in React 19 JSX. */
export type AiChatJsxProps = Omit<DetailedHTMLProps<HTMLAttributes<AiChat>, AiChat>, keyof AiChatProperties> &
  AiChatProperties &
  AiChatEventProps & {
    /** Kebab-case attributes work too; React passes them through as attributes. */
    'max-retries'?: number | string;
    'retry-delay'?: number | string;
    'idle-timeout'?: number | string;
    'first-token-timeout'?: number | string;
    'max-response-bytes'?: number | string;
    'with-credentials'?: boolean;
    'no-markdown'?: boolean;
    'allow-images'?: boolean;
  };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'ai-chat': AiChatJsxProps;
    }
  }
}
