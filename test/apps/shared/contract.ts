// What every app puts on `window.__app` for test/apps/run-app-tests.mjs. The
// driver mounts a chat, re-renders the parent, and unmounts it; the app's own
// event handlers record what reached the framework.

export interface ChatConfig {
  endpoint: string;
  heading: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Sent by the app when the chat mounts (a framework lifecycle hook, not the driver). */
  question: string;
  /** React only: `native` (React 19's own custom element support) or `wrapper` (@lit/react). */
  variant?: 'native' | 'wrapper';
}

export interface AppControl {
  framework: string;
  mount(config: ChatConfig): void;
  /** Re-renders the parent: a new heading, and fresh (equal) `headers` and `body` objects. */
  rerender(): void;
  unmount(): void;
  /** Filled by the framework's event handlers. */
  events: { done: string[]; deltas: number; aborts: number };
  /** Times the app's mount hook ran (StrictMode runs React effects twice in development). */
  mountHooks: number;
}

declare global {
  interface Window {
    __app?: AppControl;
  }
}

export function createControl(framework: string): AppControl {
  const control: AppControl = {
    framework,
    mount: () => undefined,
    rerender: () => undefined,
    unmount: () => undefined,
    events: { done: [], deltas: 0, aborts: 0 },
    mountHooks: 0,
  };
  window.__app = control;
  return control;
}
