import { MESSAGE_ROLES, MESSAGE_STATUSES, type ChatMessage } from './types.js';

/** The storage format's version; a different one is ignored, not misread. */
const VERSION = 1;

export type LoadResult =
  | { ok: true; messages: ChatMessage[] }
  | { ok: false; reason: 'empty' | 'unavailable' | 'corrupt'; detail?: string };

function isMessage(value: unknown): value is ChatMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.id === 'string' &&
    typeof m.content === 'string' &&
    (MESSAGE_ROLES as readonly unknown[]).includes(m.role) &&
    (MESSAGE_STATUSES as readonly unknown[]).includes(m.status) &&
    (m.reasoning === undefined || typeof m.reasoning === 'string') &&
    (m.error === undefined || typeof m.error === 'string')
  );
}

/**
 * An answer that was still arriving when the page went away comes back as
 * what it is: cut off, not complete.
 */
function settle(message: ChatMessage, interruptedText: string): ChatMessage {
  if (message.status !== 'pending' && message.status !== 'streaming') return message;
  return { ...message, status: 'error', error: interruptedText };
}

/** `localStorage` for one key, never throwing: full, disabled or corrupt storage reports and moves on. */
export class ConversationStore {
  readonly key: string;
  #storage: () => Storage | undefined;

  constructor(key: string, storage: () => Storage | undefined = () => globalThis.localStorage) {
    this.key = `ai-chat:${key}`;
    this.#storage = () => {
      try {
        return storage();
      } catch {
        // Reading `localStorage` itself throws when cookies are blocked.
        return undefined;
      }
    };
  }

  load(interruptedText: string): LoadResult {
    let raw: string | null;
    try {
      const storage = this.#storage();
      if (!storage) return { ok: false, reason: 'unavailable' };
      raw = storage.getItem(this.key);
    } catch (error) {
      return { ok: false, reason: 'unavailable', detail: String(error) };
    }
    if (raw === null) return { ok: false, reason: 'empty' };
    return this.parse(raw, interruptedText);
  }

  /** Reads a stored value (also what a `storage` event carries). */
  parse(raw: string, interruptedText: string): LoadResult {
    try {
      const value = JSON.parse(raw) as { v?: unknown; messages?: unknown };
      if (value?.v !== VERSION || !Array.isArray(value.messages) || !value.messages.every(isMessage)) {
        return { ok: false, reason: 'corrupt', detail: 'unexpected shape' };
      }
      return { ok: true, messages: value.messages.map((m) => settle(m, interruptedText)) };
    } catch (error) {
      return { ok: false, reason: 'corrupt', detail: String(error) };
    }
  }

  /** Returns false when the conversation could not be saved (quota, privacy mode). */
  save(messages: readonly ChatMessage[]): boolean {
    try {
      const storage = this.#storage();
      if (!storage) return false;
      const plain = messages.map(({ id, role, content, status, reasoning, error }) => ({
        id,
        role,
        content,
        status,
        ...(reasoning !== undefined ? { reasoning } : {}),
        ...(error !== undefined ? { error } : {}),
      }));
      storage.setItem(this.key, JSON.stringify({ v: VERSION, messages: plain }));
      return true;
    } catch {
      return false;
    }
  }

  remove(): void {
    try {
      this.#storage()?.removeItem(this.key);
    } catch {
      // Nothing to do: storage that cannot be written holds nothing of ours.
    }
  }
}
