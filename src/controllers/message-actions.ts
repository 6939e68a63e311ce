import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emit } from '../events.js';
import type { ChatStrings } from '../i18n.js';
import { copyCode, copyText } from '../render/render-markdown.js';
import type { ChatMessage } from '../types.js';
import type { ChatSession } from './chat-session.js';

/** Enter without Shift, outside an IME composition: sends, in the composer and in the editor alike. */
export const sendsOnEnter = (event: KeyboardEvent): boolean => event.key === 'Enter' && !event.shiftKey && !event.isComposing;

/** The actions `actions` may name. */
export const MESSAGE_ACTIONS = ['copy', 'regenerate', 'feedback', 'edit'] as const;
export type MessageAction = (typeof MESSAGE_ACTIONS)[number];

/** Feedback needs a receiver (an `ai-chat-feedback` listener), so it is named, not assumed. */
export const DEFAULT_ACTIONS = 'copy regenerate edit';

/**
 * A question being edited in place (by id: another tab's save may bring the
 * same message back as a new object), and its text so far.
 */
export interface Editing {
  id: string;
  draft: string;
}

type ActionsHost = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/**
 * The actions on messages: Copy, Regenerate and 👍/👎 on answers, Edit on
 * questions, and the version switcher wherever Regenerate or Edit left
 * earlier versions. The session does the work (it owns the conversation);
 * this controller turns clicks into it, keeps the question being edited,
 * and puts focus where the reader expects it after the DOM changed under it.
 */
export class MessageActionsController implements ReactiveController {
  #host: ActionsHost;
  #session: ChatSession;
  #strings: () => ChatStrings;
  /** A request started (Regenerate, an edited question): the element shows its end and returns to the text box. */
  #started: () => void;
  editing: Editing | undefined;
  /** The action to put focus on once rendered: its message's DOM is made anew (another id, or a new settled copy). */
  #focusNext?: { name: string; id: string; or?: string };
  /** The action that had focus before an update. */
  #focused?: HTMLButtonElement | undefined;
  #enabled = { tokens: '', actions: new Set<string>() as ReadonlySet<string> };

  constructor(host: ActionsHost, session: ChatSession, strings: () => ChatStrings, started: () => void) {
    this.#host = host;
    this.#session = session;
    this.#strings = strings;
    this.#started = started;
    host.addController(this);
  }

  /** The actions a token list names (unknown ones ignored): the same Set while the list is unchanged, as settled messages compare it. */
  enabled(tokens: string | null | undefined): ReadonlySet<string> {
    // A removed attribute is null: the default again.
    tokens ??= DEFAULT_ACTIONS;
    if (tokens !== this.#enabled.tokens) {
      const named = tokens.split(/\s+/).filter((token) => (MESSAGE_ACTIONS as readonly string[]).includes(token));
      this.#enabled = { tokens, actions: new Set(named) };
    }
    return this.#enabled.actions;
  }

  hostUpdate(): void {
    // The question left the conversation (another tab, `messages` set): nothing is being edited.
    if (this.editing && !this.#edited(this.editing)) this.editing = undefined;
    const focused = (this.#host.renderRoot as ShadowRoot).activeElement;
    this.#focused = focused?.matches('.actions button') ? (focused as HTMLButtonElement) : undefined;
  }

  hostUpdated(): void {
    const { name, value, isConnected } = this.#focused ?? {};
    // A focused action whose message settled (built again as plain DOM): the same action of the new copy, in the
    // same place (the reader may have scrolled away from it meanwhile).
    const settled = !this.#focusNext && isConnected === false;
    const next = this.#focusNext ?? (settled ? { name: name!, id: value! } : undefined);
    if (!next) return;
    this.#focusNext = undefined;
    const root = this.#host.renderRoot;
    const find = (name: string) =>
      name === 'editor'
        ? root.querySelector<HTMLElement>('[part=editor-input]')
        : root.querySelector<HTMLButtonElement>(`.actions [name=${name}][value="${CSS.escape(next.id)}"]:not(:disabled)`);
    (find(next.name) ?? (next.or ? find(next.or) : null))?.focus({ preventScroll: settled });
  }

  /** One listener for every action button of the log, and every code block's Copy (settled messages have none of their own). */
  onClick = (event: Event): void => {
    const target = event.target as Element;
    const copy = target.closest<HTMLButtonElement>('.code-block .copy');
    if (copy) return copyCode(copy, this.#strings());
    const button = target.closest<HTMLButtonElement>('.actions button');
    const message = button && this.#session.messages.find(({ id }) => id === button.value);
    if (!message) return;
    const { name } = button;
    if (name === 'copy') void this.#copy(button, message);
    else if (name === 'regenerate') this.#start(() => this.#session.regenerate(message));
    else if (name === 'edit') {
      if (!this.#session.idle) return;
      this.editing = { id: message.id, draft: message.content };
      this.#focusNext = { name: 'editor', id: message.id };
      this.#host.requestUpdate();
    } else if (name === 'good' || name === 'bad') {
      const rated = this.#session.rate(message, name);
      if (rated) this.#focusNext = { name, id: rated.id };
    } else if (name === 'prev' || name === 'next') {
      const shown = this.#session.showVersion(message, name === 'prev' ? -1 : 1);
      // At the first or last version that arrow is disabled: the other one takes focus.
      if (shown) this.#focusNext = { name, id: shown.id, or: name === 'prev' ? 'next' : 'prev' };
    }
  };

  #edited(editing: Editing): ChatMessage | undefined {
    return this.#session.messages.find(({ id }) => id === editing.id);
  }

  async #copy(button: HTMLButtonElement, message: ChatMessage): Promise<void> {
    const content = button.closest('.message')?.querySelector('.content');
    if (content && (await copyText(button, message.content, content, this.#strings())))
      emit(this.#host, 'ai-chat-copy', { message });
  }

  /** Whether `request` went ahead: the session is busy right after asking (it starts before its first await). */
  #start(request: () => Promise<unknown>): boolean {
    if (this.#session.busy) return false;
    void request();
    if (!this.#session.busy) return false;
    this.#started();
    return true;
  }

  onEditInput = (event: Event): void => {
    if (this.editing) this.editing.draft = (event.target as HTMLTextAreaElement).value;
  };

  onEditKeydown = (event: KeyboardEvent): void => {
    if (sendsOnEnter(event)) this.onEditSubmit(event);
    else if (event.key === 'Escape') {
      // Escape leaves the edit, not the launcher's panel.
      event.stopPropagation();
      this.onEditCancel();
    } else return;
    event.preventDefault();
  };

  /** Sends the edited question; when nothing was sent (blank, or a listener cancelled), the editor and its text stay. */
  onEditSubmit = (event: Event): void => {
    event.preventDefault();
    const editing = this.editing;
    const question = editing && this.#edited(editing);
    if (!question || !this.#start(() => this.#session.edit(question, editing.draft))) return;
    this.editing = undefined;
  };

  onEditCancel = (): void => {
    const editing = this.editing;
    if (!editing) return;
    this.editing = undefined;
    this.#focusNext = { name: 'edit', id: editing.id };
    this.#host.requestUpdate();
  };
}
