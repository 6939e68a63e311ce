import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatOptionsFromEnv, createChatHandler, mockProvider, type MockOptions } from '../src/server/index.js';
import { toNodeListener } from '../src/server/node.js';

/** Where the demo page's `<ai-chat endpoint>` points. */
export const CHAT_PATH = '/api/chat';

/** Demo pacing: word by word, quick enough to read along. */
const DEMO_MOCK: MockOptions = { tokenDelayMs: 35, firstTokenDelayMs: 300 };

export interface DemoBackend {
  /** Connect middleware: answers `CHAT_PATH`, passes anything else on. */
  middleware(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** Which provider answers, for the start-up line. */
  description: string;
}

/**
 * The demo's backend, served by the dev server itself: the real handler from
 * `src/server` with a provider picked from the environment
 * (`AI_CHAT_PROVIDER` + its key, `AI_CHAT_MODEL`), or the mock provider when
 * none is set, so `npm run dev` works without a key.
 */
export function demoBackend(env: Record<string, string | undefined>): DemoBackend {
  const choice = chatOptionsFromEnv((name) => env[name]?.trim() || undefined);
  const { options } = choice;
  const listener = toNodeListener(
    createChatHandler(options.provider === 'mock' ? { ...options, provider: mockProvider(DEMO_MOCK) } : options),
  );
  return {
    description: choice.description,
    middleware(req, res, next) {
      if (req.url?.split('?')[0] !== CHAT_PATH) return next();
      // The listener answers every failure itself; a rejection is a cut connection.
      listener(req, res).catch(() => undefined);
    },
  };
}
