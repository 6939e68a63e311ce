import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { styles } from './ai-chat.styles.js';
import { emit } from './events.js';
import { buildChatRequest, nextMessageId } from './request.js';
import { ChatStreamController, type AnswerOutcome } from './stream/chat-stream-controller.js';
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
    const userMessage = createMessage('user', content, 'done');
    const request = buildChatRequest(
      {
        endpoint: this.endpoint,
        model: this.model,
        headers: this.headers,
        body: this.body,
        withCredentials: this.withCredentials,
      },
      [...this.messages, userMessage],
    );
    if (!emit(this, 'ai-chat-send', { request }, { cancelable: true })) return undefined;

    const answer = createMessage('assistant', '', 'pending');
    this.messages = [...this.messages, userMessage, answer];
    this.#followTail = true;

    const outcome = await this.#stream.run(request, {
      onOpen: () => {
        answer.status = 'streaming';
        this.requestUpdate();
      },
      onText: (delta) => {
        answer.status = 'streaming';
        answer.content += delta;
        this.requestUpdate();
        emit(this, 'ai-chat-delta', { delta, message: answer });
      },
      onReasoning: (delta) => {
        answer.reasoning = (answer.reasoning ?? '') + delta;
        this.requestUpdate();
      },
    });
    this.#finish(answer, outcome);
    this.requestUpdate();
    await this.updateComplete;
    return answer;
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

  #finish(answer: ChatMessage, outcome: AnswerOutcome): void {
    answer.status = outcome.status;
    if (outcome.status === 'done') {
      emit(this, 'ai-chat-done', { message: answer });
    } else if (outcome.status === 'aborted') {
      emit(this, 'ai-chat-abort', { message: answer });
    } else {
      answer.error = outcome.error.message;
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
    </div>`;
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
