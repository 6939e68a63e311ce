import { MESSAGE_ROLES, MESSAGE_STATUSES, type ChatMessage } from './types.js';

/** The storage format's version; a different one is ignored, not misread. */
const VERSION = 1;

export type LoadResult =
  | { ok: true; messages: ChatMessage[] }
  | { ok: false; reason: 'empty' | 'unavailable' | 'corrupt'; detail?: string };

/** Roles a reader sees. A stored `system` message is never restored: it would be a hidden prompt anyone with access to the origin's storage could plant. */
const RESTORED_ROLES: readonly unknown[] = MESSAGE_ROLES.filter((role) => role !== 'system');

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

export const isInProgress = (message: ChatMessage | undefined) =>
  message?.status === 'pending' || message?.status === 'streaming';

/**
 * An answer that was still arriving when its page went away comes back as
 * what it is: cut off, not complete.
 */
function settle(message: ChatMessage, interruptedText: string | undefined): ChatMessage {
  if (interruptedText === undefined || !isInProgress(message)) return message;
  return { ...message, status: 'error', error: interruptedText };
}

let sequence = 0;
/** Random per page, so two tabs appending to one saved conversation never make the same id. */
const pageId = Math.random().toString(36).slice(2, 8);
/** An id unique across the tabs that share a saved conversation; not a secret, so no crypto needed. */
export function newMessageId(): string {
  sequence += 1;
  return `m-${pageId}-${sequence}`;
}

/**
 * `localStorage` for one key, never throwing: full, disabled or corrupt
 * storage reports and moves on.
 *
 * Several tabs may share a key, so a save merges per message instead of
 * overwriting the list: a message this page read from storage (it keeps the
 * very objects it handed out) is another tab's, and the stored copy wins;
 * a stored message this page never saw was added elsewhere and is kept.
 */
export class ConversationStore {
  readonly key: string;
  #storage: () => Storage | undefined;
  /** The message objects this page took from storage: another page wrote them. */
  #adopted = new WeakSet<ChatMessage>();
  /** Ids this page has seen stored, so one missing locally was removed here, not added elsewhere. */
  #known = new Set<string>();

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

  /** Restores on page load: answers still in progress have lost their page and are marked interrupted. */
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

  /**
   * Reads a stored value (also what a `storage` event carries) and adopts
   * its messages as another page's. Without `interruptedText`, answers in
   * progress stay in progress: the other tab is still writing them.
   */
  parse(raw: string, interruptedText?: string): LoadResult {
    const result = readStored(raw);
    if (!result.ok) return result;
    const messages = result.messages.map((message) => settle(message, interruptedText));
    for (const message of messages) {
      this.#adopted.add(message);
      this.#known.add(message.id);
    }
    return { ok: true, messages };
  }

  /** An answer another tab is still writing (seen in a `storage` event, not settled). */
  isForeignInProgress(message: ChatMessage | undefined): boolean {
    return message !== undefined && this.#adopted.has(message) && isInProgress(message);
  }

  /** Returns false when the conversation could not be saved (quota, privacy mode). */
  save(messages: readonly ChatMessage[]): boolean {
    try {
      const storage = this.#storage();
      if (!storage) return false;
      const raw = storage.getItem(this.key);
      const stored = raw === null ? undefined : readStored(raw);
      const merged = this.#merge(messages, stored?.ok ? stored.messages : []);
      storage.setItem(this.key, JSON.stringify({ v: VERSION, messages: merged.map(plain) }));
      for (const message of merged) this.#known.add(message.id);
      return true;
    } catch {
      return false;
    }
  }

  remove(): void {
    this.#known.clear();
    try {
      this.#storage()?.removeItem(this.key);
    } catch {
      // Nothing to do: storage that cannot be written holds nothing of ours.
    }
  }

  #merge(local: readonly ChatMessage[], stored: readonly ChatMessage[]): ChatMessage[] {
    const storedById = new Map(stored.map((message) => [message.id, message]));
    const mine = local
      .filter((message) => message.role !== 'system')
      .map((message) => (this.#adopted.has(message) ? (storedById.get(message.id) ?? message) : message));
    const present = new Set(mine.map((message) => message.id));
    // Messages added elsewhere go after the stored message they followed.
    const addedAfter = new Map<string | undefined, ChatMessage[]>();
    let anchor: string | undefined;
    for (const message of stored) {
      if (present.has(message.id)) anchor = message.id;
      else if (!this.#known.has(message.id)) addedAfter.set(anchor, [...(addedAfter.get(anchor) ?? []), message]);
    }
    if (addedAfter.size === 0) return mine;
    return [
      ...(addedAfter.get(undefined) ?? []),
      ...mine.flatMap((message) => [message, ...(addedAfter.get(message.id) ?? [])]),
    ];
  }
}

function readStored(raw: string): LoadResult {
  try {
    const value = JSON.parse(raw) as { v?: unknown; messages?: unknown };
    if (value?.v !== VERSION || !Array.isArray(value.messages) || !value.messages.every(isMessage)) {
      return { ok: false, reason: 'corrupt', detail: 'unexpected shape' };
    }
    return { ok: true, messages: value.messages.filter((message) => RESTORED_ROLES.includes(message.role)) };
  } catch (error) {
    return { ok: false, reason: 'corrupt', detail: String(error) };
  }
}

function plain({ id, role, content, status, reasoning, error }: ChatMessage): ChatMessage {
  return {
    id,
    role,
    content,
    status,
    ...(reasoning !== undefined ? { reasoning } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}
