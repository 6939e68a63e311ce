import { ConversationStore } from '../conversation-store.js';
import type { TurnResume } from '../stream/chat-stream-controller.js';
import type { ChatMessage } from '../types.js';

/**
 * The turn this tab is streaming, saved with the conversation so a reload can
 * read on where it was, and another tab with the same `persist` key can follow it.
 */
export interface SavedTurn extends TurnResume {
  messageId: string;
  /** The endpoint it was sent to, as an absolute URL: only that server has it. */
  endpoint?: string;
  /**
   * How much text (content and reasoning) the saved answer held at
   * `lastEventId`. The answer and its turn are stored under two keys, so a
   * tab reading another's may see one a save ahead of the other; reading on
   * from a mismatched pair would show words twice or lose them.
   */
  length?: number;
  /** When the tab last saved it (ms since the epoch): a turn left for a day belongs to a tab closed mid-answer. */
  savedAt?: number;
}

/** A saved turn older than this was left by a tab closed mid-answer, long past any server's resume: it is removed. */
const STALE_TURN_MS = 24 * 60 * 60_000;

/**
 * This tab's name, kept in `sessionStorage`: it survives a reload of the tab
 * but is not shared with other tabs, so a reloaded page finds its own turn.
 *
 * A duplicated tab starts with a copy of its original's `sessionStorage`,
 * name included, while the original still runs: taking that name, it would
 * read the original's turn as its own reload's. So the page marks the name
 * as left (`pagehide`) when it goes, and a page that finds the name not left
 * is a copy and takes a new one. A page restored from the back-forward cache
 * is back: it takes the mark away again. Worked out once per page, for all
 * its elements.
 */
let pageTab: string | undefined;
function tabName(): string {
  if (pageTab) return pageTab;
  pageTab = Math.random().toString(36).slice(2, 10);
  try {
    const saved = sessionStorage.getItem('ai-chat-tab');
    if (saved && sessionStorage.getItem('ai-chat-tab-left') === saved) pageTab = saved;
    sessionStorage.setItem('ai-chat-tab', pageTab);
    sessionStorage.removeItem('ai-chat-tab-left');
    const mark = (left: boolean) => () => {
      if (left) sessionStorage.setItem('ai-chat-tab-left', pageTab!);
      else sessionStorage.removeItem('ai-chat-tab-left');
    };
    addEventListener('pagehide', mark(true));
    addEventListener('pageshow', mark(false));
  } catch {
    // No sessionStorage (privacy settings): a reload then cannot resume.
  }
  return pageTab;
}

/** How often a streaming answer is saved with `persist`, so a reload keeps most of it. */
const SAVE_WHILE_STREAMING_MS = 1000;
/**
 * Saving a long conversation rewrites all of it (2 MB and some 15-25 ms at
 * 2,000 messages): while an answer streams, saves are spaced so that what
 * they measure takes at most 1/SAVE_SHARE of the main thread. What a save
 * leaves behind about doubles that (the browser hands the 4 MB change back
 * to the page's storage listener; collecting the strings), so it is about
 * 2 % in all. A reload or a closed tab still saves at once; a crash loses
 * at most that interval of text, which a resume then fetches from the server.
 */
const SAVE_SHARE = 100;

/** The longest wait between saves while an answer streams, however slow saving is (a tab following it, a crash). */
const MAX_SAVE_WAIT_MS = 5000;

/** When the next save may run while an answer streams, after one that ran at `at` for `took` ms. */
export const nextStreamingSave = (at: number, took: number): number =>
  at + Math.min(MAX_SAVE_WAIT_MS, Math.max(SAVE_WHILE_STREAMING_MS, took * SAVE_SHARE));

export interface ConversationSyncOptions {
  /** The current conversation, saved when the page goes away. */
  messages: () => readonly ChatMessage[];
  /** The turn this tab is streaming, if any: saved with the messages, so its text and its last event id agree. */
  turn: () => SavedTurn | undefined;
  /** The error text of an answer whose page went away mid-stream. */
  interruptedText: () => string;
  debug: () => boolean;
  /** This tab is in the middle of a turn: it takes in other tabs' changes at its next save, not before. */
  busy: () => boolean;
  /** Another tab saved or cleared the conversation. */
  changedElsewhere: (messages: ChatMessage[]) => void;
  /** Another tab saved the turn it is streaming (`turnsElsewhere` has it). */
  turnElsewhere: () => void;
}

/**
 * `persist`: the saved copy of one conversation in `localStorage`, kept in
 * step across tabs. Saving is throttled while an answer streams and forced
 * at every turn's start and end, and when the page is hidden (a reload or a
 * closed tab keeps what was on screen).
 */
export class ConversationSync {
  #options: ConversationSyncOptions;
  #store?: ConversationStore | undefined;
  #key?: string | undefined;
  #warned = false;
  /** When a throttled save may run next. */
  #nextSave = 0;
  #pendingSave?: ReturnType<typeof setTimeout> | undefined;
  #tab = tabName();

  constructor(options: ConversationSyncOptions) {
    this.#options = options;
  }

  connect(): void {
    addEventListener('storage', this.#onStorage);
    addEventListener('pagehide', this.#savePending);
  }

  disconnect(): void {
    removeEventListener('storage', this.#onStorage);
    removeEventListener('pagehide', this.#savePending);
    this.#savePending();
  }

  /**
   * Switches to the store `key` names, once per key: a page may call
   * `send()` before the first frame, so this also runs before every save.
   * Returns the saved conversation when there is one to restore.
   */
  open(key: string | undefined): ChatMessage[] | undefined {
    if ((key || undefined) === this.#key) return undefined;
    this.#key = key || undefined;
    this.#store = this.#key ? new ConversationStore(this.#key) : undefined;
    const loaded = this.#store?.load(this.#options.interruptedText());
    if (!loaded) return undefined;
    if (loaded.ok) return loaded.messages;
    if (loaded.reason !== 'empty') this.#warn(`could not restore "${key}": ${loaded.reason}`);
    return undefined;
  }

  /**
   * Saves now (`force`), or at most once a second while an answer streams
   * (less often when saving takes long, at most 5 s apart; the last change
   * included). A forced save returns the conversation
   * merged with what other tabs saved meanwhile (`messages` itself when
   * they saved nothing new).
   */
  save(messages: readonly ChatMessage[], force: boolean): readonly ChatMessage[] | undefined {
    if (!this.#store) return undefined;
    const wait = this.#nextSave - Date.now();
    if (!force && wait > 0) {
      this.#pendingSave ??= setTimeout(this.#savePending, wait);
      return undefined;
    }
    clearTimeout(this.#pendingSave);
    this.#pendingSave = undefined;
    const started = performance.now();
    const merged = this.#store.save(messages);
    this.#nextSave = nextStreamingSave(Date.now(), performance.now() - started);
    if (!merged) this.#warn('could not save the conversation; it is kept in memory');
    const turn = this.#options.turn();
    this.#write(this.#turnKey(), turn && { ...turn, savedAt: Date.now() });
    return merged;
  }

  remove(): void {
    clearTimeout(this.#pendingSave);
    this.#pendingSave = undefined;
    this.#store?.remove();
    this.#write(this.#turnKey(), undefined);
  }

  /** The turn this tab was streaming before a reload, if it saved one. */
  savedTurn(): SavedTurn | undefined {
    try {
      return this.#store && readTurn(localStorage.getItem(this.#turnKey()));
    } catch {
      // Storage blocked: nothing to resume.
      return undefined;
    }
  }

  /** The turns other tabs saved for this conversation: live ones, or left by a tab closed mid-answer. */
  turnsElsewhere(): Array<SavedTurn | undefined> {
    try {
      return Object.keys(localStorage)
        .filter((key) => this.#isTurnElsewhere(key))
        .map((key) => {
          const turn = readTurn(localStorage.getItem(key));
          // Left by a tab closed mid-answer long ago (or unreadable): nothing will ever read it.
          if (turn && Date.now() - (turn.savedAt ?? 0) < STALE_TURN_MS) return turn;
          localStorage.removeItem(key);
          return undefined;
        });
    } catch {
      // Storage blocked: nothing to follow.
      return [];
    }
  }

  /**
   * The conversation as stored now (`interruptedText`: answers in progress
   * marked interrupted, as on load), or undefined when nothing readable is stored.
   */
  stored(interruptedText?: string): ChatMessage[] | undefined {
    const loaded = this.#store?.load(interruptedText);
    return loaded?.ok ? loaded.messages : undefined;
  }

  /** Shows `message` as the stored copy's: a save here keeps what its writer stored, never this copy. */
  leaveToWriter(message: ChatMessage): ChatMessage {
    return this.#store?.leaveToWriter(message) ?? message;
  }

  #turnKey(): string {
    return `${this.#store?.key}:turn:${this.#tab}`;
  }

  #isTurnElsewhere(key: string): boolean {
    return !!this.#store && key.startsWith(`${this.#store.key}:turn:`) && key !== this.#turnKey();
  }

  #write(key: string, value: SavedTurn | undefined): void {
    if (!this.#store) return;
    try {
      if (value) localStorage.setItem(key, JSON.stringify(value));
      else localStorage.removeItem(key);
    } catch {
      // Full or blocked storage: the conversation itself reported it already.
    }
  }

  isUnfinishedElsewhere(message: ChatMessage | undefined): boolean {
    return this.#store?.isUnfinishedElsewhere(message) ?? false;
  }

  #warn(message: string): void {
    if (this.#warned || !this.#options.debug()) return;
    this.#warned = true;
    console.warn('[ai-chat]', message);
  }

  #onStorage = (event: StorageEvent): void => {
    if (!this.#store || event.key === null) return;
    if (this.#isTurnElsewhere(event.key)) return event.newValue === null ? undefined : this.#options.turnElsewhere();
    // The exact key: this tab's and other tabs' saved turns have longer ones.
    if (event.key !== this.#store.key || this.#options.busy()) return;
    // A write since this event (this page's, which fires no event here, or
    // another's, whose event follows) holds newer messages: taking this
    // one would bring back what it replaced.
    if (event.newValue !== event.storageArea?.getItem(event.key)) return;
    if (event.newValue === null) return this.#options.changedElsewhere([]);
    const loaded = this.#store.parse(event.newValue);
    if (loaded.ok) this.#options.changedElsewhere(loaded.messages);
  };

  /** Makes a throttled save now: when its time comes, or the page (or the element) goes away first. */
  #savePending = (): void => {
    if (this.#pendingSave) this.save(this.#options.messages(), true);
  };
}

/** A saved turn as stored (by this tab or another), or undefined when absent or unreadable. */
function readTurn(raw: string | null): SavedTurn | undefined {
  try {
    // `endpoint` and `length` are only ever compared with a value of their type: no need to check them.
    const turn = JSON.parse(raw ?? 'null') as SavedTurn | null;
    if (typeof turn?.messageId === 'string' && typeof turn.idempotencyKey === 'string' && typeof turn.lastEventId === 'string') {
      return turn;
    }
  } catch {
    // Unreadable: nothing to resume.
  }
  return undefined;
}
