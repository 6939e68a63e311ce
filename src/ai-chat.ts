import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { styles } from './ai-chat.styles.js';
import { emit } from './events.js';
import { buildChatRequest, nextMessageId } from './request.js';
import {
  ChatStreamController,
  DEFAULT_POLICY,
  type AnswerOutcome,
  type RetryNotice,
  type StreamPolicy,
} from './stream/chat-stream-controller.js';
import type { ChatMessage, ChatStatus, MessageRole, MessageStatus } from './types.js';

/** How close to the bottom (px) still counts as "reading the newest text". */
const FOLLOW_THRESHOLD = 32;

/**
 * A chat with an AI model: it POSTs the conversation to `endpoint` and shows
 * the answer as it streams back as Server-Sent Events.
 *
 * @summary Streaming AI chat with shadow DOM, configured by attributes.
 * @tag ai-chat
 *
 * @slot header - Replaces the heading text at the top.
 *
 * @csspart header - The bar at the top.
 * @csspart transcript - The scrolling list of messages (`role="log"`).
 * @csspart message - Every message bubble; also `message-user` or `message-assistant`.
 * @csspart error - The line that explains a failed answer.
 * @csspart composer - The form holding the text box and buttons.
 * @csspart input - The text box.
 * @csspart send-button - The send button.
 * @csspart stop-button - The button that stops an answer while it streams.
 * @csspart retry-button - The button under a failed or stopped answer that asks again.
 * @csspart notice - The "Reconnecting…" or "Offline…" line under an answer that is waiting.
 *
 * @cssprop [--ai-chat-accent=#2857d6] - Buttons and focus rings.
 * @cssprop [--ai-chat-accent-text=#ffffff] - Text on accent-coloured buttons.
 * @cssprop [--ai-chat-background=#ffffff] - The widget's background.
 * @cssprop [--ai-chat-surface=#f3f4f6] - Secondary surfaces such as the stop button.
 * @cssprop [--ai-chat-text=#1c1f24] - Body text.
 * @cssprop [--ai-chat-muted-text=#5b6270] - Secondary text.
 * @cssprop [--ai-chat-border=#d5d9e0] - Borders.
 * @cssprop [--ai-chat-user-bubble=#2857d6] - The reader's messages.
 * @cssprop [--ai-chat-user-text=#ffffff] - Text in the reader's messages.
 * @cssprop [--ai-chat-assistant-bubble=#f3f4f6] - The assistant's messages.
 * @cssprop [--ai-chat-error=#b42318] - Error text.
 * @cssprop [--ai-chat-font-family=system-ui] - Font family.
 * @cssprop [--ai-chat-font-size=15px] - Base font size.
 * @cssprop [--ai-chat-radius=12px] - Corner radius.
 * @cssprop [--ai-chat-spacing=12px] - Base spacing unit.
 * @cssprop [--ai-chat-height=480px] - The widget's height.
 *
 * @fires {CustomEvent<AiChatSendDetail>} ai-chat-send - Before a request goes out; cancelable, and `detail.request` may be changed.
 * @fires {CustomEvent<AiChatDeltaDetail>} ai-chat-delta - Each time answer text arrives.
 * @fires {CustomEvent<AiChatMessageDetail>} ai-chat-done - An answer finished.
 * @fires {CustomEvent<AiChatErrorDetail>} ai-chat-error - An answer failed; `detail.error.message` says why.
 * @fires {CustomEvent<AiChatMessageDetail>} ai-chat-abort - An answer was stopped.
 * @fires {CustomEvent<AiChatRetryDetail>} ai-chat-retry - A failed attempt will be retried after `detail.delay` ms.
 */
export class AiChat extends LitElement {
  static override styles = styles;

  /**
   * Defines `<ai-chat>` (or `tagName`) unless that name is taken already, so a
   * page that loads two bundles, or the element twice, does not throw.
   */
  static define(tagName = 'ai-chat', registry: CustomElementRegistry | undefined = globalThis.customElements): void {
    if (!registry || registry.get(tagName)) return;
    registry.define(tagName, tagName === 'ai-chat' ? this : class extends this {});
  }

  #stream = new ChatStreamController(this);
  #followTail = true;
  #frameRequested?: Promise<void>;

  @query('.transcript') private transcript?: HTMLElement;
  @query('textarea') private input?: HTMLTextAreaElement;

  @state() private draft = '';
  /** The waiting line under the answer: a retry countdown or the offline wait. */
  @state() private waiting?: { messageId: string; notice?: RetryNotice; until: number };
  #countdown?: ReturnType<typeof setInterval>;
  @state() private hasHeaderContent = false;

  /** URL the conversation is POSTed to; it must answer with Server-Sent Events (or JSON). */
  @property({ reflect: true }) endpoint = '';

  /** Sent as the request's `model` field when set. */
  @property({ reflect: true }) model?: string;

  /** Text shown in the empty text box. */
  @property({ reflect: true }) placeholder = 'Ask anything…';

  /** Title shown at the top; the `header` slot replaces it. */
  @property({ reflect: true }) heading = '';

  /** Turns the text box and buttons off; nothing can be sent. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Sends cookies and HTTP auth with cross-origin requests (`credentials: 'include'`). */
  @property({ type: Boolean, reflect: true, attribute: 'with-credentials' }) withCredentials = false;

  /** Extra request headers, such as an app token. A property only: keep secrets out of attributes. */
  @property({ attribute: false }) headers: Record<string, string> = {};

  /** Extra fields merged into the JSON request body (`temperature`, a conversation id, …). */
  @property({ attribute: false }) body: Record<string, unknown> = {};

  /** Automatic retries of a failed attempt (only where a retry is safe; see README). */
  @property({ type: Number, attribute: 'max-retries', reflect: true }) maxRetries = DEFAULT_POLICY.maxRetries;

  /** Backoff base in ms: retry n waits a random time up to `retry-delay · 2^n` (30 s at most). */
  @property({ type: Number, attribute: 'retry-delay', reflect: true }) retryDelay = DEFAULT_POLICY.retryDelay;

  /** Ms without a single byte (pings included) before the connection counts as dead; 0 turns it off. */
  @property({ type: Number, attribute: 'idle-timeout', reflect: true }) idleTimeout = DEFAULT_POLICY.idleTimeout;

  /** Ms one answer may take in all before it is stopped with an error; 0 means no limit. */
  @property({ type: Number, reflect: true }) timeout = DEFAULT_POLICY.timeout;

  /** The most bytes one response may have before it is stopped with an error. */
  @property({ type: Number, attribute: 'max-response-bytes', reflect: true })
  maxResponseBytes = DEFAULT_POLICY.maxResponseBytes;

  /** Logs every raw event, the format detected and what was extracted, with `console.debug`. */
  @property({ type: Boolean, reflect: true }) debug = false;

  /**
   * The conversation, oldest first. Set it to restore one; it is read live
   * while an answer streams (the last message's `content` grows).
   */
  @property({ attribute: false }) messages: ChatMessage[] = [];

  /** What the widget is doing: `idle`, `connecting`, `streaming`, `retrying` or `error`. */
  get status(): ChatStatus {
    return this.#stream.status;
  }

  /**
   * Lit renders in a microtask after any change; a stream can change the text
   * many times per frame. Waiting for the next frame batches them into one
   * DOM update. The timer fallback keeps hidden tabs (no frames) finishing.
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

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.#followTail && this.transcript) this.transcript.scrollTop = this.transcript.scrollHeight;
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

  /** Stops any answer and empties the conversation. */
  clear(): void {
    this.#stream.abort();
    this.messages = [];
    this.#stream.reset();
  }

  get #policy(): StreamPolicy {
    const orDefault = (value: number, fallback: number) => (Number.isFinite(value) && value >= 0 ? value : fallback);
    return {
      maxRetries: Math.floor(orDefault(this.maxRetries, DEFAULT_POLICY.maxRetries)),
      retryDelay: orDefault(this.retryDelay, DEFAULT_POLICY.retryDelay),
      idleTimeout: orDefault(this.idleTimeout, DEFAULT_POLICY.idleTimeout),
      timeout: orDefault(this.timeout, DEFAULT_POLICY.timeout),
      maxResponseBytes: orDefault(this.maxResponseBytes, DEFAULT_POLICY.maxResponseBytes) || DEFAULT_POLICY.maxResponseBytes,
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
    this.#followTail = true;
    const log = (...parts: unknown[]) => this.debug && console.debug('[ai-chat]', ...parts);

    const outcome = await this.#stream.run(
      request,
      {
        onOpen: (opened) => {
          answer.status = 'streaming';
          this.#setWaiting(undefined);
          log('response', opened);
        },
        onText: (delta) => {
          answer.status = 'streaming';
          answer.content += delta;
          this.#setWaiting(undefined);
          this.requestUpdate();
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
        onDebug: this.debug ? (event, result) => log('event', event, '→', result) : undefined,
        onWarning: (warning) => this.debug && console.warn('[ai-chat]', warning),
      },
      this.#policy,
    );
    this.#setWaiting(undefined);
    this.#finish(answer, outcome);
    this.requestUpdate();
    await this.updateComplete;
    return answer;
  }

  #setWaiting(waiting: AiChat['waiting']): void {
    if (!waiting && !this.waiting) return;
    this.waiting = waiting;
    clearInterval(this.#countdown);
    // A visible countdown: re-render each second while a retry waits.
    if (waiting?.notice) this.#countdown = setInterval(() => this.requestUpdate(), 1000);
  }

  #finish(answer: ChatMessage, outcome: AnswerOutcome): void {
    answer.status = outcome.status;
    if (outcome.status === 'done') {
      emit(this, 'ai-chat-done', { message: answer });
    } else if (outcome.status === 'aborted') {
      emit(this, 'ai-chat-abort', { message: answer });
    } else {
      answer.error = outcome.interrupted
        ? `${outcome.error.message} The answer is incomplete.`
        : outcome.error.message;
      emit(this, 'ai-chat-error', { error: outcome.error, message: answer });
    }
  }

  #onSubmit(event: Event): void {
    event.preventDefault();
    const text = this.draft;
    if (!text.trim() || this.#stream.busy || this.disabled) return;
    // The draft is cleared only once the send is really going ahead; a
    // cancelled or refused send leaves the reader's text where it was.
    const sending = this.send(text);
    if (this.#stream.busy) this.draft = '';
    void sending;
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.#onSubmit(event);
    } else if (event.key === 'Escape' && this.#stream.busy) {
      event.preventDefault();
      this.abort();
    }
  }

  #onInput(event: Event): void {
    this.draft = (event.target as HTMLTextAreaElement).value;
  }

  #onScroll(): void {
    const el = this.transcript;
    if (!el) return;
    this.#followTail = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_THRESHOLD;
  }

  #onHeaderSlotChange(event: Event): void {
    this.hasHeaderContent = (event.target as HTMLSlotElement).assignedNodes().length > 0;
  }

  #onStop(): void {
    this.abort();
    this.input?.focus();
  }

  #renderMessage(message: ChatMessage) {
    if (message.role === 'system') return nothing;
    const writing = message.status === 'pending' || message.status === 'streaming';
    return html`<div
      class="message ${message.role} ${message.status}"
      part="message message-${message.role}"
      data-status=${message.status}
      aria-busy=${writing ? 'true' : 'false'}
    >
      <div class="content">${message.content}</div>
      ${message.status === 'error'
        ? html`<div class="error" part="error" role="alert">${message.error}</div>`
        : nothing}
      ${message.status === 'aborted' ? html`<div class="note">Stopped.</div>` : nothing}
      ${this.waiting?.messageId === message.id ? this.#renderWaiting(this.waiting) : nothing}
      ${this.#canRetry(message)
        ? html`<button type="button" class="retry" part="retry-button" @click=${() => void this.retry()}>
            Retry
          </button>`
        : nothing}
    </div>`;
  }

  #renderWaiting(waiting: NonNullable<AiChat['waiting']>) {
    if (!waiting.notice) {
      return html`<div class="note" part="notice">You are offline. Waiting for the connection…</div>`;
    }
    const { attempt, maxRetries } = waiting.notice;
    const seconds = Math.max(0, Math.ceil((waiting.until - Date.now()) / 1000));
    return html`<div class="note" part="notice">
      Reconnecting (${attempt} of ${maxRetries})${seconds > 0 ? ` in ${seconds} s` : ''}…
    </div>`;
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

  override render() {
    const busy = this.#stream.busy;
    return html`<div class="chat">
      <header part="header" ?hidden=${!this.heading && !this.hasHeaderContent}>
        <slot name="header" @slotchange=${this.#onHeaderSlotChange}>${this.heading}</slot>
      </header>
      <div class="transcript" part="transcript" role="log" @scroll=${this.#onScroll}>
        ${repeat(this.messages, (message) => message.id, (message) => this.#renderMessage(message))}
      </div>
      <form part="composer" @submit=${this.#onSubmit}>
        <textarea
          part="input"
          rows="1"
          aria-label="Message"
          placeholder=${this.placeholder}
          .value=${live(this.draft)}
          ?disabled=${this.disabled}
          @input=${this.#onInput}
          @keydown=${this.#onKeydown}
        ></textarea>
        ${busy
          ? html`<button type="button" class="stop" part="stop-button" @click=${this.#onStop}>Stop</button>`
          : html`<button type="submit" part="send-button" ?disabled=${this.disabled || !this.draft.trim()}>
              Send
            </button>`}
      </form>
    </div>`;
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
