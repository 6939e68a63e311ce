import { html, LitElement, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { live } from 'lit/directives/live.js';
import { keyed } from 'lit/directives/keyed.js';
import { styles } from './ai-chat.styles.js';
import { ConversationStore } from './conversation-store.js';
import { emit } from './events.js';
import { describeError, resolveStrings, type ChatStrings, type ChatStringsOverride } from './i18n.js';
import { MarkdownCache } from './render/markdown-cache.js';
import { markdownStyles } from './render/markdown.styles.js';
import type { Highlighter } from './render/highlight-types.js';
import { renderMarkdown } from './render/render-markdown.js';
import { buildChatRequest, nextMessageId } from './request.js';
import {
  ChatStreamController,
  DEFAULT_POLICY,
  type AnswerOutcome,
  type RetryNotice,
  type StreamPolicy,
} from './stream/chat-stream-controller.js';
import { FORMATS, isSkipped, type FormatName, type ParseEvent } from './stream/formats/index.js';
import type { ChatMessage, ChatStatus, MessageRole, MessageStatus } from './types.js';

/** Messages rendered per frame when a long conversation is set at once, newest first. */
const RENDER_BATCH = 25;
/** How close to the bottom (px) still counts as "reading the newest text". */
const FOLLOW_THRESHOLD = 32;
/** How often a streaming answer is saved with `persist`, so a reload keeps most of it. */
const SAVE_WHILE_STREAMING_MS = 1000;

export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const MODES = ['inline', 'launcher'] as const;
export type Mode = (typeof MODES)[number];
export const POSITIONS = ['bottom-right', 'bottom-left'] as const;
export type Position = (typeof POSITIONS)[number];

/** The waiting line under an answer: a retry countdown, or the offline wait. */
interface Waiting {
  messageId: string;
  notice?: RetryNotice;
  until: number;
}

/**
 * A chat with an AI model: it POSTs the conversation to `endpoint` and shows
 * the answer as it streams back as Server-Sent Events.
 *
 * @summary Streaming AI chat with shadow DOM, configured by attributes.
 * @tag ai-chat
 *
 * @attr {string} lang - Picks the built-in texts (`en`, `de`, `fr`); without it, the nearest `lang` of an ancestor or the page's.
 *
 * @slot header - Replaces the heading text at the top.
 * @slot empty - Shown before the first message; defaults to a short prompt.
 * @slot footer - Below the text box (a disclaimer, a link to your terms).
 *
 * @csspart panel - The chat panel (in launcher mode, the floating window).
 * @csspart launcher - The round button that opens and closes the panel in launcher mode.
 * @csspart header - The bar at the top.
 * @csspart new-chat-button - The "New chat" action in the header.
 * @csspart close-button - Closes the panel in launcher mode.
 * @csspart transcript - The scrolling list of messages (`role="log"`).
 * @csspart message - Every message bubble; also `message-user` or `message-assistant`.
 * @csspart message-user - The reader's messages.
 * @csspart message-assistant - The assistant's messages (the welcome message too).
 * @csspart reasoning - The collapsed "Thinking" section of an answer.
 * @csspart error - The line that explains a failed answer.
 * @csspart notice - The "Reconnecting…" or "Offline…" line under an answer that is waiting.
 * @csspart retry-button - The button under a failed or stopped answer that asks again.
 * @csspart suggestions - The list of starter prompts.
 * @csspart suggestion - One starter prompt button.
 * @csspart jump-button - "Jump to latest", shown when the reader has scrolled up.
 * @csspart composer - The form holding the text box and buttons.
 * @csspart input - The text box.
 * @csspart send-button - The send button.
 * @csspart stop-button - The button that stops an answer while it streams.
 * @csspart footer - The area around the `footer` slot.
 *
 * @cssprop [--ai-chat-accent=#2450c8] - Buttons, links and focus rings.
 * @cssprop [--ai-chat-accent-text=#ffffff] - Text on accent-coloured buttons.
 * @cssprop [--ai-chat-background=#ffffff] - The panel's background.
 * @cssprop [--ai-chat-surface=#f3f4f6] - Secondary surfaces (code, the stop button).
 * @cssprop [--ai-chat-text=#1c1f24] - Body text.
 * @cssprop [--ai-chat-muted-text=#545b67] - Secondary text.
 * @cssprop [--ai-chat-border=#d5d9e0] - Borders.
 * @cssprop [--ai-chat-user-bubble=#2450c8] - The reader's messages.
 * @cssprop [--ai-chat-user-text=#ffffff] - Text in the reader's messages.
 * @cssprop [--ai-chat-assistant-bubble=#f1f3f6] - The assistant's messages.
 * @cssprop [--ai-chat-assistant-text=#1c1f24] - Text in the assistant's messages.
 * @cssprop [--ai-chat-error=#b42318] - Error text.
 * @cssprop [--ai-chat-font-family=system-ui] - Font family.
 * @cssprop [--ai-chat-font-size=15px] - Base font size.
 * @cssprop [--ai-chat-radius=12px] - Corner radius.
 * @cssprop [--ai-chat-spacing=12px] - Base spacing unit.
 * @cssprop [--ai-chat-height=480px] - The height in inline mode.
 * @cssprop [--ai-chat-panel-width=380px] - The launcher panel's width.
 * @cssprop [--ai-chat-panel-height=560px] - The launcher panel's height.
 * @cssprop [--ai-chat-launcher-size=56px] - The launcher button's diameter.
 * @cssprop [--ai-chat-launcher-offset=20px] - The launcher's distance from the viewport corner.
 * @cssprop [--ai-chat-z-index=2147483000] - Stacking of the launcher and its panel.
 * @cssprop [--ai-chat-code-keyword=#8f2f9e] - Keywords in highlighted code (with a `highlighter`).
 * @cssprop [--ai-chat-code-string=#2a6e1f] - Strings in highlighted code.
 * @cssprop [--ai-chat-code-comment] - Comments in highlighted code (defaults to the muted text colour).
 * @cssprop [--ai-chat-code-number=#9a4a00] - Numbers and literals in highlighted code.
 *
 * @cssstate streaming - An answer is being requested or is arriving.
 * @cssstate retrying - Waiting to retry (or for the browser to come back online).
 * @cssstate error - The last answer failed.
 * @cssstate open - Launcher mode with the panel open.
 *
 * @fires {CustomEvent<AiChatSendDetail>} ai-chat-send - Before a request goes out; cancelable, and `detail.request` may be changed.
 * @fires {CustomEvent<AiChatDeltaDetail>} ai-chat-delta - Each time answer text arrives.
 * @fires {CustomEvent<AiChatMessageDetail>} ai-chat-done - An answer finished.
 * @fires {CustomEvent<AiChatErrorDetail>} ai-chat-error - An answer failed; `detail.error` says why.
 * @fires {CustomEvent<AiChatMessageDetail>} ai-chat-abort - An answer was stopped.
 * @fires {CustomEvent<AiChatOpenDetail>} ai-chat-open - A response opened the stream; `detail` has its HTTP status and the detected format.
 * @fires {CustomEvent<AiChatRetryDetail>} ai-chat-retry - A failed attempt will be retried after `detail.delay` ms.
 */
export class AiChat extends LitElement {
  static override styles = [styles, markdownStyles];

  /**
   * Reactive properties, declared without decorators: the decorator helpers
   * would add a kilobyte to the script-tag bundle for what this table says.
   */
  static override properties = {
    draft: { state: true, attribute: false },
    hasHeaderContent: { state: true, attribute: false },
    waiting: { state: true, attribute: false },
    awayFromLatest: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
    endpoint: { reflect: true },
    model: { reflect: true },
    placeholder: { reflect: true },
    heading: { reflect: true },
    disabled: { type: Boolean, reflect: true },
    withCredentials: { type: Boolean, reflect: true, attribute: 'with-credentials' },
    maxRetries: { type: Number, attribute: 'max-retries', reflect: true },
    retryDelay: { type: Number, attribute: 'retry-delay', reflect: true },
    idleTimeout: { type: Number, attribute: 'idle-timeout', reflect: true },
    timeout: { type: Number, reflect: true },
    maxResponseBytes: { type: Number, attribute: 'max-response-bytes', reflect: true },
    format: { reflect: true },
    noMarkdown: { type: Boolean, reflect: true, attribute: 'no-markdown' },
    allowImages: { type: Boolean, reflect: true, attribute: 'allow-images' },
    debug: { type: Boolean, reflect: true },
    theme: { reflect: true },
    mode: { reflect: true },
    open: { type: Boolean, reflect: true },
    position: { reflect: true },
    welcome: { reflect: true },
    persist: { reflect: true },
    headers: { attribute: false },
    body: { attribute: false },
    suggestions: { attribute: false },
    parseEvent: { attribute: false },
    highlighter: { attribute: false },
    strings: { attribute: false },
    messages: { attribute: false },
  };

  /** `lang` picks the built-in texts, so a change must re-render. */
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  /**
   * Defines `<ai-chat>` (or `tagName`) unless that name is taken already, so a
   * page that loads two bundles, or the element twice, does not throw.
   */
  static define(tagName = 'ai-chat', registry: CustomElementRegistry | undefined = globalThis.customElements): void {
    if (!registry || registry.get(tagName)) return;
    registry.define(tagName, tagName === 'ai-chat' ? this : class extends this {});
  }

  #stream = new ChatStreamController(this);
  #internals?: ElementInternals;
  #frameRequested?: Promise<void>;
  /** Index of the oldest message rendered so far; a long conversation set at once is rendered over a few frames. */
  #firstRendered = 0;
  #countdown?: ReturnType<typeof setInterval>;
  #store?: ConversationStore;
  #storeName?: string;
  #storageWarned = false;
  #lastSave = 0;
  #pendingSave?: ReturnType<typeof setTimeout>;
  #childSuggestions: string[] = [];
  #childObserver?: MutationObserver;
  #strings: ChatStrings = resolveStrings(undefined);
  #stringsLang?: string;
  #stringsOverride?: ChatStringsOverride;
  #markdown = new MarkdownCache<ChatMessage>();


  private draft = '';
  private hasHeaderContent = false;
  private waiting?: Waiting;
  /** The reader scrolled up from the newest text: new text no longer scrolls the transcript, and "Jump to latest" shows. */
  private awayFromLatest = false;
  private announcement = '';

  /** URL the conversation is POSTed to; it must answer with Server-Sent Events (or JSON). */
  endpoint = '';

  /** Sent as the request's `model` field when set. */
  model?: string;

  /** Text shown in the empty text box; defaults to the language's own. */
  placeholder?: string;

  /** Title shown at the top; the `header` slot replaces it. */
  heading = '';

  /** Turns the text box and buttons off; nothing can be sent. */
  disabled = false;

  /** Sends cookies and HTTP auth with cross-origin requests (`credentials: 'include'`). */
  withCredentials = false;

  /**
   * Automatic retries of a failed attempt (only where a retry is safe; see README).
   * @default 3
   */
  maxRetries: number = DEFAULT_POLICY.maxRetries;

  /**
   * Backoff base in ms: retry n waits a random time up to `retry-delay · 2^n` (30 s at most).
   * @default 1000
   */
  retryDelay: number = DEFAULT_POLICY.retryDelay;

  /**
   * Ms without a single byte (pings included) before the connection counts as dead; 0 turns it off.
   * @default 30000
   */
  idleTimeout: number = DEFAULT_POLICY.idleTimeout;

  /**
   * Ms one answer may take in all before it is stopped with an error; 0 means no limit.
   * @default 0
   */
  timeout: number = DEFAULT_POLICY.timeout;

  /**
   * The most bytes one response may have before it is stopped with an error.
   * @default 16777216
   */
  maxResponseBytes: number = DEFAULT_POLICY.maxResponseBytes;

  /**
   * The wire format: `auto` (detect from the content type, then the events),
   * or one of `openai`, `openai-responses`, `anthropic`, `gemini`, `ai-sdk`,
   * `ollama`, `text` to read first (events that do not match still get detection).
   */
  format: FormatName = 'auto';

  /** Shows answers as plain text instead of rendering their markdown. */
  noMarkdown = false;

  /**
   * Shows images in answers (`https:` only). Off by default: an image makes
   * the reader's browser contact whatever host the model names.
   */
  allowImages = false;

  /** Logs every raw event, the format detected and what was extracted, with `console.debug`. */
  debug = false;

  /** `light`, `dark`, or `auto` (follows the reader's system setting, live). */
  theme: Theme = 'auto';

  /** `inline` fills its container; `launcher` is a round button in a corner that opens a chat panel. */
  mode: Mode = 'inline';

  /** In launcher mode: whether the panel is open. */
  open = false;

  /** In launcher mode: the corner, `bottom-right` or `bottom-left`. */
  position: Position = 'bottom-right';

  /** A greeting shown as the first assistant message; never sent to the endpoint. */
  welcome = '';

  /**
   * Saves the conversation in `localStorage` under this key after every
   * answer and restores it on load; tabs with the same key stay in step.
   */
  persist?: string;

  /** Extra request headers, such as an app token. A property only: keep secrets out of attributes. */
  headers: Record<string, string> = {};

  /** Extra fields merged into the JSON request body (`temperature`, a conversation id, …). */
  body: Record<string, unknown> = {};

  /**
   * Starter prompts shown as buttons before the first message. In HTML,
   * child `<ai-chat-suggestion>` elements do the same.
   */
  suggestions: string[] = [];

  /**
   * Reads events of a custom format, before the built-in readers:
   * `(event: {data, event, id}) => {text?, reasoning?, done?, error?} | undefined`.
   * Return `undefined` to hand the event to built-in detection.
   */
  parseEvent?: ParseEvent;

  /**
   * Colours finished code blocks in answers. Off by default, so the bundle
   * stays small: `import { highlight } from 'ai-chat-element/highlight'` and
   * set `chat.highlighter = highlight`, or pass any function of the shape
   * `(code, lang) => [{text, type?}]`. It returns tokens, never HTML.
   */
  highlighter?: Highlighter;

  /** Replaces any of the built-in texts (see `ChatStrings`); `lang` picks the built-in set. */
  strings: ChatStringsOverride = {};

  /**
   * The conversation, oldest first. Set it to restore one; it is read live
   * while an answer streams (the last message's `content` grows).
   */
  messages: ChatMessage[] = [];

  get #transcript(): HTMLElement | null {
    return this.renderRoot.querySelector('.transcript');
  }

  get #input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  /** What the widget is doing: `idle`, `connecting`, `streaming`, `retrying` or `error`. */
  get status(): ChatStatus {
    return this.#stream.status;
  }

  constructor() {
    super();
    try {
      this.#internals = this.attachInternals();
    } catch {
      // Very old engines: custom states are a styling nicety, not a must.
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('storage', this.#onStorage);
    this.#syncStore();
    this.#childObserver ??= new MutationObserver(() => this.#readChildSuggestions());
    this.#childObserver.observe(this, { childList: true, subtree: true, characterData: true });
    this.#readChildSuggestions();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('storage', this.#onStorage);
    this.#childObserver?.disconnect();
    clearInterval(this.#countdown);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  /**
   * Lit renders in a microtask after any change; a stream can change the text
   * many times per frame. Waiting for the next animation frame batches every
   * change of a frame into one DOM update, made just before that frame's
   * paint, so it costs no extra latency. The timer fallback keeps hidden tabs
   * (no frames) finishing.
   */
  protected override async scheduleUpdate(): Promise<void> {
    this.#frameRequested ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 250);
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      });
    }).finally(() => (this.#frameRequested = undefined));
    await this.#frameRequested;
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Same language and overrides, same object: cached markdown blocks keyed
    // on it (it is also their code labels) stay cached.
    const lang = this.#language();
    if (lang !== this.#stringsLang || this.strings !== this.#stringsOverride) {
      this.#stringsLang = lang;
      this.#stringsOverride = this.strings;
      this.#strings = resolveStrings(lang, this.strings);
    }
    if (changed.has('persist')) this.#syncStore();
    if (changed.has('messages')) this.#planRendering(changed.get('messages') as ChatMessage[] | undefined);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.#firstRendered > 0) {
      // Render the older part of a long conversation in the next frames.
      this.#firstRendered = Math.max(0, this.#firstRendered - RENDER_BATCH);
      this.requestUpdate();
    }
    if (!this.awayFromLatest) this.#scrollToEnd();
    this.#syncStates();
    if (changed.has('open') && changed.get('open') !== undefined) {
      // Opening puts the reader in the text box; closing returns them to the launcher.
      if (this.open) this.#input?.focus();
      else if (this.mode === 'launcher') this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus();
    }
  }

  /**
   * Sends `text` as the reader's next message and streams the answer.
   *
   * Resolves with the assistant message in its final state (`done`, `error`
   * or `aborted`); it does not reject when the stream fails. Resolves with
   * `undefined`, sending nothing, when the text is blank, the widget is
   * disabled, an answer is still streaming, or an `ai-chat-send` listener
   * cancelled the request.
   */
  async send(text: string): Promise<ChatMessage | undefined> {
    const content = text.trim();
    if (!content || this.disabled || this.#stream.busy) return undefined;
    return this.#requestAnswer([...this.messages, createMessage('user', content, 'done')]);
  }

  /**
   * Asks for the last answer again and replaces it (the reader's Retry
   * button does this for a failed or stopped answer). The conversation sent
   * is the one before that answer. Resolves like `send()`.
   */
  async retry(): Promise<ChatMessage | undefined> {
    if (this.disabled || this.#stream.busy) return undefined;
    const last = this.messages.at(-1);
    const history = last?.role === 'assistant' ? this.messages.slice(0, -1) : this.messages;
    if (!history.some((message) => message.role === 'user')) return undefined;
    return this.#requestAnswer(history);
  }

  /** Stops the answer that is streaming: the request is aborted and the text so far kept. */
  abort(): void {
    this.#stream.abort();
  }

  /** Stops any answer and empties the conversation, and its saved copy with `persist`. */
  clear(): void {
    this.#stream.abort();
    this.messages = [];
    clearTimeout(this.#pendingSave);
    this.#pendingSave = undefined;
    this.#store?.remove();
    this.#stream.reset();
    this.announcement = '';
  }

  get #policy(): StreamPolicy {
    const orDefault = (value: number, fallback: number) => (Number.isFinite(value) && value >= 0 ? value : fallback);
    return {
      maxRetries: Math.floor(orDefault(this.maxRetries, DEFAULT_POLICY.maxRetries)),
      retryDelay: orDefault(this.retryDelay, DEFAULT_POLICY.retryDelay),
      idleTimeout: orDefault(this.idleTimeout, DEFAULT_POLICY.idleTimeout),
      timeout: orDefault(this.timeout, DEFAULT_POLICY.timeout),
      maxResponseBytes: orDefault(this.maxResponseBytes, DEFAULT_POLICY.maxResponseBytes) || DEFAULT_POLICY.maxResponseBytes,
      format: (FORMATS as readonly string[]).includes(this.format) ? this.format : 'auto',
      parseEvent: this.parseEvent,
    };
  }

  /** Sends `history` and streams the answer into a new assistant message after it. */
  async #requestAnswer(history: ChatMessage[]): Promise<ChatMessage | undefined> {
    const request = buildChatRequest(
      {
        endpoint: this.endpoint,
        model: this.model,
        headers: this.headers,
        body: this.body,
        withCredentials: this.withCredentials,
      },
      history,
    );
    if (!emit(this, 'ai-chat-send', { request }, { cancelable: true })) return undefined;

    const answer = createMessage('assistant', '', 'pending');
    this.messages = [...history, answer];
    // Sending shows the newest message, wherever the reader had scrolled.
    this.#jumpToLatest();
    this.announcement = '';
    this.#save(true);
    const log = (...parts: unknown[]) => this.debug && console.debug('[ai-chat]', ...parts);

    const outcome = await this.#stream.run(
      request,
      {
        onOpen: (opened) => {
          if (answer.status === 'pending') answer.status = 'streaming';
          this.#setWaiting(undefined);
          log('response', opened);
          emit(this, 'ai-chat-open', { status: opened.status, format: opened.format, contentType: opened.contentType });
        },
        onText: (delta) => {
          answer.status = 'streaming';
          answer.content += delta;
          this.#setWaiting(undefined);
          this.requestUpdate();
          this.#save(false);
          emit(this, 'ai-chat-delta', { delta, message: answer });
        },
        onReasoning: (delta) => {
          answer.reasoning = (answer.reasoning ?? '') + delta;
          this.requestUpdate();
        },
        onRetry: (notice) => {
          this.#setWaiting({ messageId: answer.id, notice, until: Date.now() + notice.delay });
          emit(this, 'ai-chat-retry', {
            attempt: notice.attempt,
            maxRetries: notice.maxRetries,
            delay: notice.delay,
            reason: notice.reason,
            message: answer,
          });
        },
        onOffline: () => this.#setWaiting({ messageId: answer.id, until: 0 }),
        onDebug: this.debug
          ? (input, format, result) =>
              isSkipped(result)
                ? log('skipped', input, `(${format ?? 'format not yet known'}):`, result.skipped)
                : log('read', input, `as ${format ?? 'unknown'} →`, result)
          : undefined,
        onWarning: (warning) => this.debug && console.warn('[ai-chat]', warning),
      },
      this.#policy,
    );
    this.#setWaiting(undefined);
    this.#finish(answer, outcome);
    this.requestUpdate();
    this.#save(true);
    await this.updateComplete;
    return answer;
  }

  #finish(answer: ChatMessage, outcome: AnswerOutcome): void {
    answer.status = outcome.status;
    if (outcome.status === 'done') {
      this.announcement = this.#strings.announceAnswer(answer.content);
      emit(this, 'ai-chat-done', { message: answer });
    } else if (outcome.status === 'aborted') {
      emit(this, 'ai-chat-abort', { message: answer });
    } else {
      const text = describeError(outcome.error, this.#strings);
      answer.error = outcome.interrupted ? `${text} ${this.#strings.incomplete}` : text;
      this.announcement = this.#strings.announceError(answer.error);
      emit(this, 'ai-chat-error', { error: outcome.error, message: answer });
    }
  }

  #setWaiting(waiting: Waiting | undefined): void {
    if (!waiting && !this.waiting) return;
    this.waiting = waiting;
    clearInterval(this.#countdown);
    // A visible countdown: re-render each second while a retry waits.
    if (waiting?.notice) this.#countdown = setInterval(() => this.requestUpdate(), 1000);
  }

  #language(): string | undefined {
    return this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || undefined;
  }

  #syncStates(): void {
    const states = this.#internals?.states;
    if (!states) return;
    const status = this.#stream.status;
    const toggle = (name: string, on: boolean) => (on ? states.add(name) : states.delete(name));
    try {
      toggle('streaming', status === 'connecting' || status === 'streaming');
      toggle('retrying', status === 'retrying');
      toggle('error', status === 'error');
      toggle('open', this.mode === 'launcher' && this.open);
    } catch {
      // Engines with the older `--name` syntax only: states are optional styling.
    }
  }

  /**
   * A conversation set or restored at once may hold hundreds of messages:
   * rendering them in one task would freeze the page. The newest come first
   * (they are what the reader sees), older ones follow a batch per frame.
   * Appending (a send, an answer) renders at once.
   */
  #planRendering(previous: ChatMessage[] | undefined): void {
    const appended =
      previous !== undefined &&
      this.messages.length >= previous.length &&
      previous.every((message, i) => this.messages[i] === message);
    const added = this.messages.length - (appended ? previous.length : 0);
    if (added > RENDER_BATCH) this.#firstRendered = this.messages.length - RENDER_BATCH;
    else if (!appended) this.#firstRendered = 0;
  }

  // Saved conversations ----------------------------------------------------

  /**
   * Opens (and restores from) the store `persist` names, once per key. Called
   * on connect and before every save, not only on render: a page may call
   * `send()` before the first frame, and an offscreen frame may not render
   * for a while.
   */
  #syncStore(): void {
    if ((this.persist || undefined) === this.#storeName) return;
    this.#storeName = this.persist || undefined;
    this.#store = this.#storeName ? new ConversationStore(this.#storeName) : undefined;
    if (!this.#store || this.#stream.busy) return;
    const loaded = this.#store.load(this.#interruptedText());
    if (loaded.ok) this.messages = loaded.messages;
    else if (loaded.reason !== 'empty') this.#warnStorage(`could not restore "${this.persist}": ${loaded.reason}`);
  }

  /** Saves now (`force`), or at most once a second while an answer streams (the last change included). */
  #save(force: boolean): void {
    this.#syncStore();
    if (!this.#store) return;
    const wait = this.#lastSave + SAVE_WHILE_STREAMING_MS - Date.now();
    if (!force && wait > 0) {
      this.#pendingSave ??= setTimeout(() => this.#save(true), wait);
      return;
    }
    clearTimeout(this.#pendingSave);
    this.#pendingSave = undefined;
    this.#lastSave = Date.now();
    if (!this.#store.save(this.messages)) this.#warnStorage('could not save the conversation; it is kept in memory');
  }

  #warnStorage(message: string): void {
    if (this.#storageWarned || !this.debug) return;
    this.#storageWarned = true;
    console.warn('[ai-chat]', message);
  }

  #interruptedText(): string {
    return `${this.#strings.errors['connection-lost']({})} ${this.#strings.incomplete}`;
  }

  /** Another tab saved or cleared the same conversation: show what it has. */
  #onStorage = (event: StorageEvent): void => {
    if (!this.#store || event.key !== this.#store.key || this.#stream.busy) return;
    if (event.newValue === null) {
      this.messages = [];
      return;
    }
    const loaded = this.#store.parse(event.newValue, this.#interruptedText());
    if (loaded.ok) this.messages = loaded.messages;
  };

  // Input and controls -------------------------------------------------------

  #readChildSuggestions(): void {
    const texts = [...this.querySelectorAll('ai-chat-suggestion')]
      .map((node) => node.textContent?.trim() ?? '')
      .filter(Boolean);
    if (texts.join('\n') === this.#childSuggestions.join('\n')) return;
    this.#childSuggestions = texts;
    this.requestUpdate();
  }

  #onSubmit(event: Event): void {
    event.preventDefault();
    const text = this.draft;
    if (!text.trim() || this.#stream.busy || this.disabled) return;
    // The draft is cleared only once the send is really going ahead (send()
    // starts the stream before its first await, so busy tells); a cancelled
    // or refused send leaves the reader's text where it was.
    void this.send(text);
    if (this.#stream.busy) this.draft = '';
    this.#input?.focus();
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#onSubmit(event);
    } else if (event.key === 'Escape' && this.#stream.busy) {
      // Escape stops the answer first; only a second Escape closes the panel.
      event.preventDefault();
      event.stopPropagation();
      this.abort();
    }
  }

  #onPanelKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.mode === 'launcher' && this.open) {
      event.preventDefault();
      this.open = false;
    }
  }

  #onInput(event: Event): void {
    this.draft = (event.target as HTMLTextAreaElement).value;
  }

  #onScroll(): void {
    const el = this.#transcript;
    if (!el) return;
    // Setting the same value again schedules no render.
    this.awayFromLatest = el.scrollHeight - el.scrollTop - el.clientHeight > FOLLOW_THRESHOLD;
  }

  #jumpToLatest(): void {
    this.awayFromLatest = false;
    this.#scrollToEnd();
  }

  /** Runs after every render while the reader follows the answer: one query for the transcript, not three. */
  #scrollToEnd(): void {
    const transcript = this.#transcript;
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
  }

  #onHeaderSlotChange(event: Event): void {
    this.hasHeaderContent = (event.target as HTMLSlotElement).assignedNodes().length > 0;
  }

  #onStop(): void {
    this.abort();
    this.#input?.focus();
  }

  #onNewChat(): void {
    this.clear();
    this.#input?.focus();
  }

  #onSuggestion(text: string): void {
    void this.send(text);
    this.#input?.focus();
  }

  // Rendering ----------------------------------------------------------------

  #renderMessage(message: ChatMessage) {
    if (message.role === 'system') return nothing;
    const strings = this.#strings;
    const writing = message.status === 'pending' || message.status === 'streaming';
    return html`<div
      class="message ${message.role} ${message.status} ${writing && !message.content ? 'typing' : ''}"
      part="message message-${message.role}"
      data-status=${message.status}
      aria-busy=${writing ? 'true' : 'false'}
    >
      ${message.reasoning
        ? html`<details class="reasoning" part="reasoning">
            <summary>${strings.thinking}</summary>
            <div class="reasoning-text">${message.reasoning}</div>
          </details>`
        : nothing}
      <div class="content">${this.#renderContent(message, !writing)}</div>
      ${message.status === 'error' ? html`<div class="error-text" part="error">${message.error}</div>` : nothing}
      ${message.status === 'aborted' ? html`<div class="note">${strings.stopped}</div>` : nothing}
      ${this.waiting?.messageId === message.id ? this.#renderWaiting(this.waiting) : nothing}
      ${this.#canRetry(message)
        ? html`<button type="button" class="retry" part="retry-button" @click=${() => void this.retry()}>
            ${strings.retry}
          </button>`
        : nothing}
    </div>`;
  }

  /**
   * Answers are markdown, parsed incrementally: only the text that arrived
   * since the last frame is parsed, and finished blocks keep their DOM.
   * Nothing from the model is ever set as HTML.
   */
  #renderContent(message: ChatMessage, complete: boolean) {
    if (message.role !== 'assistant' || this.noMarkdown) return message.content;
    const doc = this.#markdown.get(message, message.content, complete);
    // The strings hold the code blocks' copy, copied and copyFailed labels.
    const labels = this.#strings;
    const highlighter = this.highlighter;
    return guard([doc, this.allowImages, labels, highlighter], () =>
      renderMarkdown(doc, { allowImages: this.allowImages, labels, highlighter }),
    );
  }

  #renderWaiting(waiting: Waiting) {
    if (!waiting.notice) return html`<div class="note" part="notice">${this.#strings.offline}</div>`;
    const { attempt, maxRetries } = waiting.notice;
    const seconds = Math.max(0, Math.ceil((waiting.until - Date.now()) / 1000));
    return html`<div class="note" part="notice">${this.#strings.reconnecting(attempt, maxRetries, seconds)}</div>`;
  }

  /** The Retry action belongs to the last answer, once it failed or was stopped. */
  #canRetry(message: ChatMessage): boolean {
    return (
      message.role === 'assistant' &&
      (message.status === 'error' || message.status === 'aborted') &&
      message === this.messages.at(-1) &&
      !this.#stream.busy &&
      !this.disabled
    );
  }

  /** Starter prompts, until the conversation shows a message (a system prompt alone does not count). */
  #renderSuggestions(hasMessages: boolean): TemplateResult | typeof nothing {
    const suggestions = this.suggestions.length > 0 ? this.suggestions : this.#childSuggestions;
    if (suggestions.length === 0 || hasMessages) return nothing;
    return html`<ul class="suggestions" part="suggestions" aria-label=${this.#strings.suggestionsLabel}>
      ${suggestions.map(
        (text) =>
          html`<li>
            <button type="button" part="suggestion" ?disabled=${this.disabled} @click=${() => this.#onSuggestion(text)}>
              ${text}
            </button>
          </li>`,
      )}
    </ul>`;
  }

  #renderChat() {
    const strings = this.#strings;
    const busy = this.#stream.busy;
    const launcher = this.mode === 'launcher';
    const hasMessages = this.messages.some((message) => message.role !== 'system');
    const showHeader = Boolean(this.heading) || this.hasHeaderContent || hasMessages || launcher;
    return html`
      <header part="header" ?hidden=${!showHeader}>
        <div class="heading">
          <slot name="header" @slotchange=${this.#onHeaderSlotChange}>${this.heading}</slot>
        </div>
        <button type="button" class="quiet" part="new-chat-button" ?hidden=${!hasMessages} @click=${this.#onNewChat}>
          ${strings.newChat}
        </button>
        ${launcher
          ? html`<button
              type="button"
              class="quiet close"
              part="close-button"
              aria-label=${strings.closeChat}
              @click=${() => (this.open = false)}
            >
              <span aria-hidden="true">✕</span>
            </button>`
          : nothing}
      </header>
      <div
        class="transcript"
        part="transcript"
        role="log"
        aria-label=${strings.transcriptLabel}
        tabindex="0"
        @scroll=${this.#onScroll}
      >
        <div class="empty" ?hidden=${hasMessages || Boolean(this.welcome)}>
          <slot name="empty">${strings.empty}</slot>
        </div>
        ${this.welcome
          ? html`<div class="message assistant welcome" part="message message-assistant">
              <div class="content">${this.welcome}</div>
            </div>`
          : nothing}
        ${this.messages.map((message, index) =>
          // By position, so older messages rendered later take their own
          // slots; keyed, so a slot that gets another message (a retried
          // answer) starts from fresh DOM, not the last one's open "Thinking".
          index < this.#firstRendered ? nothing : keyed(message.id, this.#renderMessage(message)),
        )}
        ${this.#renderSuggestions(hasMessages)}
      </div>
      <div class="jump-wrap">
        <button type="button" class="jump" part="jump-button" ?hidden=${!this.awayFromLatest} @click=${this.#jumpToLatest}>
          ${strings.jumpToLatest} ↓
        </button>
      </div>
      <form part="composer" @submit=${this.#onSubmit}>
        <textarea
          part="input"
          rows="1"
          aria-label=${strings.inputLabel}
          placeholder=${this.placeholder ?? strings.placeholder}
          .value=${live(this.draft)}
          ?disabled=${this.disabled}
          @input=${this.#onInput}
          @keydown=${this.#onKeydown}
        ></textarea>
        ${busy
          ? html`<button type="button" class="stop" part="stop-button" @click=${this.#onStop}>${strings.stop}</button>`
          : html`<button type="submit" part="send-button" ?disabled=${this.disabled || !this.draft.trim()}>
              ${strings.send}
            </button>`}
      </form>
      <div class="footer" part="footer"><slot name="footer"></slot></div>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    `;
  }

  override render() {
    if (this.mode !== 'launcher') {
      return html`<div class="panel inline" part="panel">${this.#renderChat()}</div>`;
    }
    const strings = this.#strings;
    return html`
      <div
        class="panel floating ${this.position}"
        part="panel"
        id="panel"
        role="dialog"
        aria-label=${this.heading || strings.openChat}
        ?hidden=${!this.open}
        @keydown=${this.#onPanelKeydown}
      >
        ${this.#renderChat()}
      </div>
      <button
        type="button"
        class="launcher ${this.position}"
        part="launcher"
        aria-label=${this.open ? strings.closeChat : strings.openChat}
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        @click=${() => (this.open = !this.open)}
      >
        <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false">
          ${this.open
            ? svg`<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />`
            : svg`<path
                d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z"
                fill="currentColor"
              />`}
        </svg>
      </button>
    `;
  }
}

function createMessage(role: MessageRole, content: string, status: MessageStatus): ChatMessage {
  return { id: nextMessageId(), role, content, status };
}

declare global {
  interface HTMLElementTagNameMap {
    'ai-chat': AiChat;
  }
}
