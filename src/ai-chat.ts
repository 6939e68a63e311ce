import { LitElement, type PropertyValues } from 'lit';
import { styles } from './ai-chat.styles.js';
import { forgetShown, renderAiChat, type DraftFile } from './ai-chat.templates.js';
import { checkFiles, DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES } from './attachments.js';
import { ChatSession, DEFAULT_HISTORY_LIMIT } from './controllers/chat-session.js';
import { ChildSuggestionsController } from './controllers/child-suggestions.js';
import { FollowTailController } from './controllers/follow-tail.js';
import { DEFAULT_ACTIONS, MessageActionsController, sendsOnEnter } from './controllers/message-actions.js';
import { ProgressiveListController } from './controllers/progressive-list.js';
import { resolveStrings, type ChatStrings, type ChatStringsOverride } from './i18n.js';
import type { Highlighter } from './render/highlight-types.js';
import { MarkdownCache } from './render/markdown-cache.js';
import { markdownStyles } from './render/markdown.styles.js';
import { DEFAULT_POLICY } from './stream/chat-stream-controller.js';
import type { FormatName, ParseEvent } from './stream/formats/index.js';
import type { FilePart } from './stream/parts.js';
import type { ChatMessage, ChatStatus, UploadFile } from './types.js';
import { DEFAULT_MAX_STEPS, type PageTools } from './tools.js';

export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const MODES = ['inline', 'launcher'] as const;
export type Mode = (typeof MODES)[number];
export const POSITIONS = ['bottom-right', 'bottom-left'] as const;
export type Position = (typeof POSITIONS)[number];

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
 * @csspart tool - One tool call of an answer: a collapsed step with its name and state.
 * @csspart tool-name - The tool's name.
 * @csspart tool-status - Running, Done or Failed.
 * @csspart tool-input - The call's input, as JSON text.
 * @csspart tool-output - The tool's result or error, as text.
 * @csspart tool-approve - Approve, on a page tool's call that asks the reader first.
 * @csspart tool-deny - Deny, on the same call: the model is told the reader said no.
 * @csspart sources - The numbered list of sources after an answer.
 * @csspart source - One source: a link to the cited page.
 * @csspart citation - A numbered marker after cited words in a finished answer, linking to its source.
 * @csspart file - A file the model returned: an image (with `allow-images`) or a link.
 * @csspart error - The line that explains a failed answer.
 * @csspart notice - The "Reconnecting…" or "Offline…" line under an answer that is waiting.
 * @csspart actions - The row of actions under a message.
 * @csspart action-button - Each action: Copy, Regenerate, 👍/👎, Edit, the version arrows, and the editor's Cancel and Send. Copy, Regenerate and Edit draw their name (their `aria-label`) with `::after`: a theme's `::part(action-button)::after` replaces it; `::before` is free.
 * @csspart versions - The version switcher (‹ 1/2 ›) of a message that has earlier versions.
 * @csspart editor - A question being edited in place.
 * @csspart editor-input - Its text box.
 * @csspart retry-button - The button under a failed or stopped answer that asks again.
 * @csspart suggestions - The list of starter prompts.
 * @csspart suggestion - One starter prompt button.
 * @csspart jump-button - "Jump to latest", shown when the reader has scrolled up.
 * @csspart composer - The form holding the text box and buttons.
 * @csspart attach-button - The paperclip button that picks files (with `accept`).
 * @csspart attachments - The list of files about to be sent.
 * @csspart attachment - One file: about to be sent (with its size and a Remove button), or sent in a question.
 * @csspart remove-file - The button that takes a file off the list.
 * @csspart file-error - Why a file was not attached, or its upload failed.
 * @csspart input - The text box.
 * @csspart send-button - The send button.
 * @csspart stop-button - The button that stops an answer while it streams.
 * @csspart footer - The area around the `footer` slot.
 *
 * @cssprop [--ai-chat-accent=#2450c8] - Buttons, links and focus rings.
 * @cssprop [--ai-chat-accent-text=#ffffff] - Text on accent-coloured buttons.
 * @cssprop [--ai-chat-background=#ffffff] - The panel's background.
 * @cssprop [--ai-chat-surface=#f3f4f6] - Secondary surfaces: code blocks' bars and table headers.
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
 * @fires {CustomEvent<AiChatToolCallDetail>} ai-chat-tool-call - An answer ended with a tool call the page may answer: call `preventDefault()` and `detail.respond(result)` to answer it without `tools`. Cancelable.
 * @fires {CustomEvent<AiChatMessageDetail>} ai-chat-regenerate - Regenerate was pressed on `detail.message`; cancelable.
 * @fires {CustomEvent<AiChatEditDetail>} ai-chat-edit - An edited question is about to be sent in place of `detail.message`; cancelable.
 * @fires {CustomEvent<AiChatVersionDetail>} ai-chat-version - The reader switched to another version at `detail.message`.
 * @fires {CustomEvent<AiChatFeedbackDetail>} ai-chat-feedback - The reader rated an answer: `detail.value` is `good`, `bad`, or null when taken back.
 * @fires {CustomEvent<AiChatMessageDetail>} ai-chat-copy - An answer's text was copied with its Copy button.
 * @fires {CustomEvent<AiChatPartDetail>} ai-chat-part - A tool call, source or file arrived in an answer, or a tool call changed state; `detail.part` is in `message.parts`.
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
    endpoint: { reflect: true },
    model: { reflect: true },
    placeholder: { reflect: true },
    heading: { reflect: true },
    disabled: { type: Boolean, reflect: true },
    withCredentials: { type: Boolean, reflect: true, attribute: 'with-credentials' },
    turnHeaders: { type: Boolean, reflect: true, attribute: 'turn-headers' },
    maxRetries: { type: Number, attribute: 'max-retries', reflect: true },
    retryDelay: { type: Number, attribute: 'retry-delay', reflect: true },
    idleTimeout: { type: Number, attribute: 'idle-timeout', reflect: true },
    firstTokenTimeout: { type: Number, attribute: 'first-token-timeout', reflect: true },
    timeout: { type: Number, reflect: true },
    maxResponseBytes: { type: Number, attribute: 'max-response-bytes', reflect: true },
    historyLimit: { type: Number, attribute: 'history-limit', reflect: true },
    maxSteps: { type: Number, attribute: 'max-steps', reflect: true },
    tools: { attribute: false },
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
    accept: { reflect: true },
    maxFileSize: { type: Number, attribute: 'max-file-size', reflect: true },
    maxFiles: { type: Number, attribute: 'max-files', reflect: true },
    upload: { attribute: false },
    actions: { reflect: true },
    // The session owns the conversation; the accessors below hand it over.
    messages: { attribute: false, noAccessor: true },
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

  #session = new ChatSession(this, () => ({
    request: {
      endpoint: this.endpoint,
      model: this.model,
      headers: this.headers,
      body: this.body,
      withCredentials: this.withCredentials,
    },
    stream: this,
    strings: this.#strings,
    historyLimit: this.historyLimit,
    tools: this.tools,
    maxSteps: this.maxSteps,
    disabled: this.disabled,
    debug: this.debug,
    persist: this.persist,
  }));
  #tail = new FollowTailController(
    this,
    () => this.renderRoot?.querySelector<HTMLElement>('.transcript'),
    () => this.renderRoot?.querySelector<HTMLElement>('.log'),
  );
  #list = new ProgressiveListController<ChatMessage>(this);
  #actions = new MessageActionsController(this, this.#session, () => this.#strings, () => {
    this.#tail.jumpToLatest();
    this.#input?.focus();
  });
  #childSuggestions = new ChildSuggestionsController(this);
  #internals?: ElementInternals;
  #frameRequested?: Promise<void>;
  #strings: ChatStrings = resolveStrings(undefined);
  #stringsLang?: string;
  #stringsOverride?: ChatStringsOverride;
  /** A flood of new blocks is shown over several frames: the cache asks for the next render itself. */
  #markdown = new MarkdownCache<ChatMessage>(() => this.requestUpdate());

  /** Files about to be sent with the draft. */
  #files: DraftFile[] = [];
  /** Why files were refused, or their upload failed: shown until the next attempt. */
  #fileNotes: string[] = [];
  /** Files are being read or uploaded for a send: Stop aborts it. */
  #preparing?: AbortController | undefined;

  private draft = '';
  private hasHeaderContent = false;

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
   * Sends a turn's `Idempotency-Key` and `Last-Event-ID` as headers to a
   * cross-origin endpoint too. Without it they go in the JSON body there
   * (`idempotencyKey`, `lastEventId`), so stock CORS settings that allow
   * only `Content-Type` pass; set it for a server that reads the headers and
   * allows them. Same-origin requests always send headers.
   */
  turnHeaders = false;

  /**
   * Automatic retries of a failed attempt (only where a retry is safe; see docs/retries-and-resume.md).
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
   * Ms to wait for the first word of an answer; keep-alive pings do not
   * count, so a server that only pings cannot keep the widget waiting
   * forever. 0 turns it off. The waiting line says how long is left.
   * @default 120000
   */
  firstTokenTimeout: number = DEFAULT_POLICY.firstTokenTimeout;

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
   * The most messages one request carries: the newest ones (system prompts
   * are always sent). Older ones stay on screen. Requests also stay under
   * 900,000 bytes of text; the handler's defaults are 200 messages and
   * 1,000,000 bytes, so the widget never sends what its own handler refuses.
   * @default 100
   */
  historyLimit: number = DEFAULT_HISTORY_LIMIT;

  /**
   * Tools the page runs for the model: `{ name: async (input, { signal }) => result }`,
   * or `{ name: { run, description, parameters, approve } }` to describe the
   * input to the model (JSON Schema) and to ask the reader first. When an
   * answer ends with calls to them, the widget runs them, shows each as a
   * step, and asks again with the results. A throw is a result the model
   * reads; Stop aborts `signal`. See docs/tools.md.
   */
  tools: PageTools = {};

  /**
   * The most requests one answer may take when page tools are called
   * (one per step); past it the answer stops with a message, keeping its steps.
   * @default 5
   */
  maxSteps: number = DEFAULT_MAX_STEPS;

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
   * Lets the reader attach files: media types, `family/*` and `.ext`
   * extensions, comma-separated, as on `<input type=file>`. Without it there
   * are no attachments. Files go as `file` parts of the question (base64
   * `data:` URLs, or what `upload` returns). See docs/attachments.md.
   */
  accept?: string;

  /**
   * The largest file, in bytes, the reader may attach (the handler's `files.maxBytes`).
   * @default 5000000
   */
  maxFileSize: number = DEFAULT_MAX_FILE_SIZE;

  /**
   * The most files one question may carry (the handler's `files.maxFiles`).
   * @default 4
   */
  maxFiles: number = DEFAULT_MAX_FILES;

  /**
   * Sends each attached file to the page's own storage, instead of in the
   * request: `async (file, { signal, onProgress }) => url`. Progress shows
   * on the file; Stop and removing the file abort `signal`. A failure keeps
   * the draft and its files.
   */
  upload?: UploadFile;

  /**
   * The actions on messages, as a space-separated list of `copy`,
   * `regenerate` and `feedback` (on a finished answer) and `edit` (on a
   * question); empty for none. Regenerate and Edit keep the earlier answer
   * or branch, browsable with ‹ 1/2 ›, and send only the shown one.
   * Feedback is off unless named: it needs a listener of `ai-chat-feedback`.
   * See docs/actions.md.
   * @default 'copy regenerate edit'
   */
  actions: string = DEFAULT_ACTIONS;

  /**
   * The conversation, oldest first. Set it to restore one; it is read live
   * while an answer streams (the last message's `content` grows). To change
   * a finished message, set a new array with a new object in its place:
   * finished messages are never changed in place (the widget keeps their
   * DOM and their saved JSON by identity).
   */
  get messages(): ChatMessage[] {
    return this.#session.messages;
  }

  set messages(messages: ChatMessage[]) {
    this.#session.messages = messages;
  }

  /** What the widget is doing: `idle`, `connecting`, `streaming`, `retrying` or `error`. */
  get status(): ChatStatus {
    return this.#session.status;
  }

  get #input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('[part=input]');
  }

  constructor() {
    super();
    try {
      this.#internals = this.attachInternals();
    } catch {
      // Very old engines: custom states are a styling nicety, not a must.
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Thumbnails hold the file in memory until revoked; the chip stays, without one.
    // Not when the element is only moved (out and back in within the same task).
    queueMicrotask(() => this.isConnected || this.#files.forEach((file) => this.#revoke(file)));
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
    if (changed.has('persist')) this.#session.openStore();
    if (changed.has('messages') && this.#list.changed(changed.get('messages') as ChatMessage[] | undefined, this.messages))
      forgetShown(this.#handlers);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
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
    return this.#send(text, []);
  }

  /**
   * Asks for the last answer again and replaces it (the reader's Retry
   * button does this for a failed or stopped answer). The conversation sent
   * is the one before that answer. Resolves like `send()`.
   */
  async retry(): Promise<ChatMessage | undefined> {
    this.#session.openStore();
    return this.#settled(await this.#session.retry());
  }

  /**
   * Stops the answer that is streaming: the request is aborted and the text
   * so far kept. While files are still being read or uploaded for a
   * question, aborts that instead: nothing is sent, the draft and files stay.
   */
  abort(): void {
    this.#preparing?.abort();
    this.#session.abort();
  }

  /** Stops any answer and empties the conversation, and its saved copy with `persist`. */
  clear(): void {
    this.#session.clear();
  }

  async #send(text: string, files: FilePart[]): Promise<ChatMessage | undefined> {
    this.#session.openStore();
    if ((text.trim() || files.length) && !this.#busy) this.#tail.jumpToLatest();
    return this.#settled(await this.#session.send(text, files));
  }

  get #busy(): boolean {
    return this.#session.busy || this.#preparing !== undefined;
  }

  /** Resolves once the final state is on screen; a failed render never turns into a rejection. */
  async #settled(message: ChatMessage | undefined): Promise<ChatMessage | undefined> {
    if (message) await this.updateComplete.catch(() => undefined);
    // The last render's growth is followed from the next resize callback; a
    // caller reading the scroll position now must already see the end.
    if (message && !this.#tail.awayFromLatest) this.#tail.jumpToLatest();
    return message;
  }

  #language(): string | undefined {
    return this.lang || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || undefined;
  }

  #syncStates(): void {
    const states = this.#internals?.states;
    if (!states) return;
    const status = this.#session.status;
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

  // Input and controls -------------------------------------------------------

  #onSubmit = (event: Event): void => {
    event.preventDefault();
    const text = this.draft;
    if ((!text.trim() && !this.#files.length) || this.#busy || this.disabled) return;
    this.#input?.focus();
    if (this.#files.length) void this.#sendFiles(text);
    else this.#sent(text, []);
  };

  /**
   * The draft is cleared only once the send is really going ahead (send()
   * starts the stream before its first await, so busy tells); a cancelled
   * or refused send leaves the reader's text and files where they were.
   */
  #sent(text: string, files: FilePart[]): void {
    void this.#send(text, files);
    if (!this.#session.busy) return;
    this.draft = '';
    for (const file of this.#files) this.#revoke(file);
    this.#files = [];
  }

  /** Reads (or uploads) the draft's files, then sends them with its text. Stop, or a failed upload, sends nothing. */
  async #sendFiles(text: string): Promise<void> {
    const run = (this.#preparing = new AbortController());
    this.#fileNotes = [];
    this.requestUpdate();
    try {
      const parts = await Promise.all(this.#files.map((file) => this.#filePart(file, run.signal)));
      const files = parts.filter((part): part is FilePart => part !== undefined);
      this.#preparing = undefined;
      if (!run.signal.aborted && (text.trim() || files.length)) this.#sent(text, files);
    } catch {
      // Shown on the list; the draft and its files stay for another try, and the other uploads stop.
      run.abort();
    } finally {
      if (this.#preparing === run) this.#preparing = undefined;
      this.requestUpdate();
    }
  }

  /** One file as a `file` part; undefined once the reader removed it. */
  async #filePart(draft: DraftFile, stop: AbortSignal): Promise<FilePart | undefined> {
    const { file } = draft;
    const abort = (draft.abort = new AbortController());
    stop.addEventListener('abort', () => abort.abort(), { once: true });
    const upload = this.upload;
    try {
      const url = upload
        ? await upload(file, {
            signal: abort.signal,
            onProgress: (fraction) => {
              draft.progress = fraction;
              this.requestUpdate();
            },
          })
        : await new Promise<string>((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result as string);
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(file);
          });
      if (abort.signal.aborted) throw abort.signal.reason;
      return { type: 'file', mediaType: file.type || 'application/octet-stream', filename: file.name, url };
    } catch (error) {
      if (!this.#files.includes(draft)) return undefined;
      if (!stop.aborted) this.#fileNotes.push(this.#strings.uploadFailed(file.name));
      throw error;
    } finally {
      draft.abort = draft.progress = undefined;
    }
  }

  /** Attaches files through the checks (`accept`, `max-file-size`, `max-files`); each refused one says why. */
  #addFiles(files: readonly File[]): void {
    const accept = this.accept;
    if (!accept || this.disabled || !files.length) return;
    const limit = (value: number, fallback: number) => (value > 0 ? value : fallback);
    const maxFileSize = limit(this.maxFileSize, DEFAULT_MAX_FILE_SIZE);
    const maxFiles = limit(this.maxFiles, DEFAULT_MAX_FILES);
    const { accepted, rejected } = checkFiles(files, { accept, maxFileSize, maxFiles, held: this.#files.length });
    this.#fileNotes = rejected.map(({ file, reason }) =>
      this.#strings.fileRejected(file.name, reason, reason === 'size' ? this.#strings.fileSize(maxFileSize) : String(maxFiles)),
    );
    this.#files = [
      ...this.#files,
      ...accepted.map((file) => ({ file, preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined })),
    ];
    this.requestUpdate();
  }

  #revoke(file: DraftFile): void {
    if (file.preview) URL.revokeObjectURL(file.preview);
    file.preview = undefined;
  }

  #removeFile(file: DraftFile): void {
    file.abort?.abort();
    this.#revoke(file);
    this.#files = this.#files.filter((held) => held !== file);
    this.requestUpdate();
    this.#input?.focus();
  }

  #onPaste = (event: ClipboardEvent): void => {
    const data = event.clipboardData;
    if (!this.accept || !data?.files.length) return;
    // A copied picture alone is attached; pasted text with a picture of it (an office app's) stays text.
    if (data.getData('text/plain')) return;
    event.preventDefault();
    this.#addFiles([...data.files]);
  };

  #onKeydown = (event: KeyboardEvent): void => {
    if (sendsOnEnter(event)) {
      event.preventDefault();
      this.#onSubmit(event);
    } else if (event.key === 'Escape' && this.#busy) {
      // Escape stops the answer first; only a second Escape closes the panel.
      event.preventDefault();
      event.stopPropagation();
      this.abort();
    }
  };

  #onPanelKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.mode === 'launcher' && this.open) {
      event.preventDefault();
      this.open = false;
    }
  };

  #focusInputAfter = (action: () => unknown) => (): void => {
    void action();
    this.#input?.focus();
  };

  #handlers = {
    submit: this.#onSubmit,
    keydown: this.#onKeydown,
    panelKeydown: this.#onPanelKeydown,
    input: (event: Event) => (this.draft = (event.target as HTMLTextAreaElement).value),
    scroll: () => this.#tail.onScroll(),
    jump: () => this.#tail.jumpToLatest(),
    headerSlotChange: (event: Event) =>
      (this.hasHeaderContent = (event.target as HTMLSlotElement).assignedNodes().length > 0),
    stop: this.#focusInputAfter(() => this.abort()),
    pick: () => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click(),
    files: (event: Event) => {
      const picker = event.target as HTMLInputElement;
      this.#addFiles([...(picker.files ?? [])]);
      // The same file picked again is a change too.
      picker.value = '';
    },
    removeFile: (file: DraftFile) => this.#removeFile(file),
    paste: this.#onPaste,
    dragover: (event: DragEvent) => {
      if (this.accept && event.dataTransfer?.types.includes('Files')) event.preventDefault();
    },
    drop: (event: DragEvent) => {
      if (!this.accept || !event.dataTransfer?.files.length) return;
      event.preventDefault();
      this.#addFiles([...event.dataTransfer.files]);
    },
    newChat: this.#focusInputAfter(() => this.clear()),
    suggestion: (text: string) => this.#focusInputAfter(() => this.send(text))(),
    retry: () => void this.retry(),
    action: this.#actions.onClick,
    editInput: this.#actions.onEditInput,
    editKeydown: this.#actions.onEditKeydown,
    editSubmit: this.#actions.onEditSubmit,
    editCancel: this.#actions.onEditCancel,
    toggle: () => (this.open = !this.open),
    close: () => (this.open = false),
  };

  override render() {
    return renderAiChat({
      strings: this.#strings,
      messages: this.messages,
      firstRendered: this.#list.firstRendered,
      busy: this.#busy,
      disabled: this.disabled,
      heading: this.heading,
      hasHeaderContent: this.hasHeaderContent,
      launcher: this.mode === 'launcher',
      open: this.open,
      position: this.position,
      welcome: this.welcome,
      placeholder: this.placeholder,
      draft: this.draft,
      accept: this.accept,
      files: this.#files,
      fileNotes: this.#fileNotes,
      awayFromLatest: this.#tail.awayFromLatest,
      announcement: this.#session.announcement,
      waiting: this.#session.waiting,
      suggestions: this.suggestions.length > 0 ? this.suggestions : this.#childSuggestions.texts,
      markdown: this.noMarkdown ? undefined : this.#markdown,
      allowImages: this.allowImages,
      highlighter: this.highlighter,
      actions: this.#actions.enabled(this.actions),
      editing: this.#actions.editing,
      canRetry: (message) => this.#session.canRetry(message),
      awaitsApproval: (call) => this.#session.awaitsApproval(call),
      decide: (call, approved) => this.#session.decide(call, approved),
      on: this.#handlers,
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ai-chat': AiChat;
  }
}
