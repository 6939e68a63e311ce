import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emit } from '../events.js';
import { describeError, toolStatus, type ChatStrings } from '../i18n.js';
import { buildChatRequest, MAX_HISTORY_BYTES, MAX_HISTORY_FILE_BYTES, recentHistory, type RequestSettings } from '../request.js';
import {
  ChatStreamController,
  DEFAULT_POLICY,
  type AnswerOutcome,
  type AnswerSink,
  type RetryNotice,
  type StreamPolicy,
} from '../stream/chat-stream-controller.js';
import { FORMATS, isSkipped } from '../stream/formats/index.js';
import { createPartsBuilder, type ChatPart, type FilePart, type ToolPart } from '../stream/parts.js';
import { chatFailure } from '../errors.js';
import { abortable, declareTools, DENIED, settle, toolRunner, type PageTools } from '../tools.js';
import type { ChatMessage, ChatRequest, ChatStatus, Feedback, MessageRole, MessageStatus } from '../types.js';
import { showVersion, versionOf, versionsBefore } from '../versions.js';
import { isInProgress, newMessageId } from '../conversation-store.js';
import { ConversationSync, type SavedTurn } from './conversation-sync.js';

/** What the session reads from its element each time it needs it (attributes can change at any time). */
export interface SessionSettings {
  request: RequestSettings;
  /** The attributes that shape how one answer is fetched, as set (`streamPolicy` checks them). */
  stream: StreamPolicy;
  strings: ChatStrings;
  /** The most messages (system prompts aside) one request carries. */
  historyLimit: number;
  disabled: boolean;
  debug: boolean;
  /** The `persist` key, if any. */
  persist: string | undefined;
  /** The page's tools (`tools` property) and how many steps of calls an answer may take (`max-steps`). */
  tools: PageTools;
  maxSteps: number;
}

/** The waiting line under an answer: a retry countdown, the offline wait, or a slow first word. */
export interface Waiting {
  messageId: string;
  /** A retry is scheduled. */
  notice?: RetryNotice;
  /** No word yet; the line shows once the wait is long enough to wonder about. */
  firstTokenSince?: number;
  /** When the retry starts, or when the wait for the first word gives up; 0 when offline. */
  until: number;
}

type SessionHost = ReactiveControllerHost &
  EventTarget & { requestUpdate(name?: PropertyKey, oldValue?: unknown): void };

/** `history-limit` by default: well inside `createChatHandler`'s default `maxMessages` (200). */
export const DEFAULT_HISTORY_LIMIT = 100;

/** Where a turn was sent, comparable across pages that spell the endpoint differently. */
function absoluteUrl(url: string): string {
  try {
    return new URL(url, document.baseURI).href;
  } catch {
    return url;
  }
}

/** How much text an answer holds, to match it with the turn saved beside it. */
const textLength = (message: ChatMessage | undefined) => (message?.content.length ?? 0) + (message?.reasoning?.length ?? 0);

/** The numbers of a stream policy an attribute sets. */
const NUMBERS = ['maxRetries', 'retryDelay', 'idleTimeout', 'firstTokenTimeout', 'timeout', 'maxResponseBytes'] as const;

/**
 * Attribute values as set from HTML may be anything `Number()` makes of a
 * string: a negative or `NaN` value falls back to the default rather than
 * turning retries or time-outs into nonsense.
 */
export function streamPolicy(settings: StreamPolicy): StreamPolicy {
  const policy: StreamPolicy = {
    ...DEFAULT_POLICY,
    format: (FORMATS as readonly string[]).includes(settings.format) ? settings.format : 'auto',
    parseEvent: settings.parseEvent,
    turnHeaders: settings.turnHeaders === true,
  };
  for (const key of NUMBERS) {
    const value = settings[key];
    // A limit of 0 bytes would stop every answer: it means the default too.
    if (Number.isFinite(value) && value >= 0 && (value > 0 || key !== 'maxResponseBytes')) policy[key] = value;
  }
  policy.maxRetries = Math.floor(policy.maxRetries);
  return policy;
}

/** A copy of an unfinished answer read on (resumed or followed): streaming, without the error it was left with. */
function reopened(message: ChatMessage): ChatMessage {
  const answer: ChatMessage = { ...message, status: 'streaming' };
  delete answer.error;
  return answer;
}

/**
 * The conversation and its turns, owned in one place: the messages, the
 * status of the element and of each message, `send`/`retry`/`abort`/`clear`,
 * the waiting line, the live-region text, and saving with `persist`. The
 * element renders from it and forwards its public methods to it.
 */
export class ChatSession implements ReactiveController {
  #host: SessionHost;
  #settings: () => SessionSettings;
  #stream: ChatStreamController;
  #sync: ConversationSync;
  #messages: ChatMessage[] = [];
  #waiting?: Waiting | undefined;
  #countdown?: ReturnType<typeof setInterval>;
  /** The turn streaming now: saved with the conversation, and named by Stop's cancel. */
  #turn?: SavedTurn | undefined;
  /** This tab reads a turn another tab asked for (see {@link ChatSession.#follow}): it saves nothing meanwhile. */
  #following = false;
  /** Turns this tab has followed or tried to: each is read at most once, however often its writer saves it. */
  #followed = new Set<string>();
  /** Page tools running for the answer (between two requests of one answer): Stop aborts them. */
  #toolRun?: AbortController | undefined;
  /** Calls waiting for the reader's Approve or Deny, and what each click does. */
  #approvals = new Map<ToolPart, (approved: boolean) => void>();
  /** Text for the polite live region: a finished answer or an error, never each token. */
  announcement = '';
  /** What each tool step last said in the live region: each state it reaches is spoken once. */
  #toolSaid = new WeakMap<ToolPart, string>();
  /**
   * Step states reached since the last render: spoken together, so that none
   * replaces another unheard; a step that moved on says only where it is.
   */
  #unspoken = new Map<ToolPart, string>();

  constructor(host: SessionHost, settings: () => SessionSettings) {
    this.#host = host;
    this.#settings = settings;
    this.#stream = new ChatStreamController(host);
    this.#sync = new ConversationSync({
      messages: () => this.#messages,
      turn: () => {
        const turn = this.#turn;
        return turn && { ...turn, length: textLength(this.#messages.find((message) => message.id === turn.messageId)) };
      },
      interruptedText: () => this.#interruptedText(),
      debug: () => this.#settings().debug,
      busy: () => this.busy,
      changedElsewhere: (messages) => this.#replace(messages),
      turnElsewhere: () => this.#followElsewhere(false),
    });
    host.addController(this);
  }

  hostConnected(): void {
    this.#sync.connect();
    this.openStore();
  }

  hostDisconnected(): void {
    this.#sync.disconnect();
    clearInterval(this.#countdown);
  }

  hostUpdated(): void {
    this.#unspoken.clear();
  }

  /** A live region speaks when its text changes: the same words again (the next step of one tool) still change it. */
  #announce(text: string): void {
    this.announcement = text === this.announcement ? `${text}\u00a0` : text;
  }

  /** Says a step's new state (running, done, failed) once, beside others reached before the next render. */
  #announceTool(tool: ToolPart): void {
    const strings = this.#settings().strings;
    const status = toolStatus(strings, tool, true);
    if (this.#toolSaid.get(tool) === status) return;
    this.#toolSaid.set(tool, status);
    this.#unspoken.set(tool, strings.announceTool(tool.name ?? '', status));
    this.#announce([...this.#unspoken.values()].join('. '));
  }

  /** The conversation, oldest first; the last answer's `content` grows while it streams. */
  get messages(): ChatMessage[] {
    return this.#messages;
  }

  set messages(messages: ChatMessage[]) {
    this.#replace(messages);
  }

  get status(): ChatStatus {
    return this.#toolRun ? 'streaming' : this.#stream.status;
  }

  /** An answer is being requested, read or waited for, or its page tools run. */
  get busy(): boolean {
    return this.#stream.busy || this.#toolRun !== undefined;
  }

  /** Whether a call waits for the reader's Approve or Deny. */
  awaitsApproval(call: ToolPart): boolean {
    return this.#approvals.has(call);
  }

  /** The reader approved or denied a call. */
  decide(call: ToolPart, approved: boolean): void {
    this.#approvals.get(call)?.(approved);
  }

  get waiting(): Waiting | undefined {
    return this.#waiting;
  }

  /** Opens (and restores from) the store `persist` names, when that key changed. */
  openStore(): void {
    const restored = this.#sync.open(this.#settings().persist);
    if (!restored || this.busy) return;
    this.#showStored(restored);
    this.#resumeSavedTurn();
    this.#followElsewhere(true);
  }

  /** The stored conversation, after the configured system prompts. */
  #showStored(stored: ChatMessage[]): void {
    // System prompts come from configuration, never from storage: anything
    // that can write to the origin's storage could plant one otherwise.
    this.#replace([...this.#messages.filter((message) => message.role === 'system'), ...stored]);
  }

  /**
   * Another tab with the same `persist` key is streaming an answer (its
   * saved turn says which, and up to which event): read the same turn from
   * the server as a resume reader, with its Idempotency-Key and
   * Last-Event-ID, so this tab shows the answer live and never starts a
   * second request (no second provider call). `onLoad`: this page just
   * restored the conversation.
   *
   * Who writes: the tab that asked is the only writer of its answer, as
   * before. The follower saves nothing while it follows, and its copy of the
   * answer counts as the writer's (`leaveToWriter`): a later save here keeps
   * what the writer stored, so a follower that finished first never writes
   * over the writer's later saves (say, its next tool step), and one that
   * fell behind never writes older text. When the follow ends, a finished
   * answer in storage wins (the writer's word is final; for a clean end it
   * is the same text). While storage still holds it unfinished and what
   * this tab read extends it (the writer's last save is still to come, or
   * its tab was closed mid-answer), this tab writes its ending once, so the
   * saved copy is never behind what a tab showed; then its copy is the
   * writer's again. Nothing the writer saves is lost: in its own merge its
   * answer is its own, so its next save replaces this one.
   *
   * While it follows, this tab is busy as the asking tab is: its Send gives
   * way to Stop, so it cannot start a second turn on a conversation whose
   * answer is still coming (its question would race the answer, and its
   * context would lack it). Stop stops the answer for both tabs (the cancel
   * `DELETE`), as a reader who sees an answer streaming and presses Stop
   * expects: stopping only this tab's view would leave the provider
   * generating, and the text growing again from the writer's saves.
   *
   * When the server cannot resume it (expired, unknown, another
   * conversation), this tab shows what storage holds and takes the writer's
   * saves as they come, as without following.
   */
  #followElsewhere(onLoad: boolean): void {
    for (const turn of this.#sync.turnsElsewhere()) if (turn) this.#follow(turn, onLoad);
  }

  /** See {@link ChatSession.#followElsewhere}. */
  #follow(turn: SavedTurn, onLoad: boolean): void {
    const index = this.#messages.findIndex((message) => message.id === turn.messageId);
    const shown = this.#messages[index];
    const settings = this.#settings();
    if (!shown || this.busy || this.#followed.has(turn.idempotencyKey) || !this.#sync.isUnfinishedElsewhere(shown)) return;
    // Another endpoint is another server, which never saw this turn. A text
    // of another length was saved a moment apart from this turn: the writer's
    // next save brings a matching pair.
    if (turn.endpoint !== absoluteUrl(settings.request.endpoint) || turn.length !== textLength(shown)) return;
    this.#followed.add(turn.idempotencyKey);
    const history = this.#messages.slice(0, index);
    const request = this.#buildRequest(this.#context(history));
    if (!request) return;
    const answer = this.#sync.leaveToWriter(reopened(shown));
    this.#replace([...history, answer, ...this.#messages.slice(index + 1)]);
    this.#following = true;
    void this.#readAnswer(answer, request, turn).then((outcome) => {
      this.#following = false;
      const stored = this.#sync.stored(outcome.status === 'error' && onLoad ? this.#interruptedText() : undefined);
      const written = stored?.find((message) => message.id === answer.id);
      if (outcome.status === 'error') this.#stream.reset();
      else this.#finish(answer, outcome, true);
      if (stored && (outcome.status === 'error' || (written && !isInProgress(written)))) this.#showStored(stored);
      else if (written && answer.content.startsWith(written.content)) {
        const ending = { ...answer };
        this.#replace(this.#messages.map((message) => (message === answer ? ending : message)));
        this.#saveMerged();
        this.#sync.leaveToWriter(ending);
      }
      this.#host.requestUpdate();
    });
  }

  /**
   * What is sent for `history`: a turn another tab is (or was, before a
   * reload) still answering is that tab's, so its question is not this tab's context.
   */
  #context(history: ChatMessage[]): ChatMessage[] {
    const unfinished = (message?: ChatMessage) => this.#sync.isUnfinishedElsewhere(message);
    return history.filter((message, i) => !unfinished(message) && !unfinished(history[i + 1]));
  }

  /**
   * This tab was streaming an answer when it was reloaded: read on from the
   * last event it showed, with the same Idempotency-Key, so the server
   * replays the rest of the same answer (no second provider call). When the
   * server no longer has it, the answer ends interrupted, as before.
   */
  #resumeSavedTurn(): void {
    const saved = this.#sync.savedTurn();
    const index = this.#messages.findIndex((message) => message.id === saved?.messageId);
    const restored = this.#messages[index];
    if (!saved || !saved.lastEventId || !restored || !this.#sync.isUnfinishedElsewhere(restored)) return;
    // A copy: the restored object counts as another page's, and this page writes it now.
    void this.#requestAnswer(this.#messages.slice(0, index), reopened(restored), saved);
  }

  /** Sends a question: its text, and the reader's files as `file` parts beside it (a question may be files alone). */
  async send(text: string, files: FilePart[] = []): Promise<ChatMessage | undefined> {
    const question = this.#question(text, files);
    return question && this.#requestAnswer([...this.#messages, question]);
  }

  /** A question of `text` and `files`, unless it would be empty or cannot be sent now. */
  #question(text: string, files: FilePart[]): ChatMessage | undefined {
    const content = text.trim();
    if ((!content && !files.length) || !this.idle) return undefined;
    const question = this.#create('user', content, 'done');
    if (files.length) question.parts = [...(content ? [{ type: 'text', text: content } as const] : []), ...files];
    return question;
  }

  async retry(): Promise<ChatMessage | undefined> {
    if (!this.idle) return undefined;
    const last = this.#messages.at(-1);
    const replaced = last?.role === 'assistant';
    const history = replaced ? this.#messages.slice(0, -1) : this.#messages;
    if (!history.some((message) => message.role === 'user')) return undefined;
    // A failed Regenerate's answer keeps the versions it was made beside.
    const answer = this.#create('assistant', '', 'pending');
    if (replaced && last.versions) answer.versions = last.versions;
    return this.#requestAnswer(history, answer);
  }

  /** Nothing is on its way and the widget is enabled: a question, Retry, Regenerate, Edit or a version switch may go ahead. */
  get idle(): boolean {
    return !this.#settings().disabled && !this.busy;
  }

  /**
   * An answer another tab was still writing, as a version kept aside holds
   * it: interrupted, as a reload would show it, not streaming for ever in a
   * version nobody writes.
   */
  #keptAside = (message: ChatMessage): ChatMessage =>
    isInProgress(message) && this.#sync.isUnfinishedElsewhere(message)
      ? { ...message, status: 'error', error: this.#interruptedText() }
      : message;

  /**
   * A new answer in place of `answer`, to the same conversation before it:
   * the answer and everything after it stay as an earlier version. A
   * cancelled `ai-chat-regenerate` (or `ai-chat-send`) changes nothing.
   */
  async regenerate(answer: ChatMessage): Promise<ChatMessage | undefined> {
    const index = this.#messages.indexOf(answer);
    if (!this.idle || answer.role !== 'assistant' || index < 0) return undefined;
    if (!emit(this.#host, 'ai-chat-regenerate', { message: answer }, { cancelable: true })) return undefined;
    const next = this.#create('assistant', '', 'pending');
    next.versions = versionsBefore(this.#messages, index, this.#keptAside);
    return this.#requestAnswer(this.#messages.slice(0, index), next);
  }

  /**
   * Sends `text` in place of `question` (with its files) and streams a new
   * answer: the question and everything after it stay as an earlier
   * version. Undefined when nothing was sent (blank, busy, or a listener of
   * `ai-chat-edit` or `ai-chat-send` cancelled it), and nothing changed.
   */
  async edit(question: ChatMessage, text: string): Promise<ChatMessage | undefined> {
    const index = this.#messages.indexOf(question);
    const files = (question.parts ?? []).filter((part): part is FilePart => part.type === 'file');
    const edited = question.role === 'user' && index >= 0 && this.idle ? this.#question(text, files) : undefined;
    if (!edited || !emit(this.#host, 'ai-chat-edit', { message: question, content: edited.content }, { cancelable: true }))
      return undefined;
    edited.versions = versionsBefore(this.#messages, index, this.#keptAside);
    return this.#requestAnswer([...this.#messages.slice(0, index), edited]);
  }

  /** Shows the version one `step` (-1 or 1) away at `message`; returns the message shown in its place. */
  showVersion(message: ChatMessage, step: -1 | 1): ChatMessage | undefined {
    const index = this.#messages.indexOf(message);
    const next = this.idle && index >= 0 ? showVersion(this.#messages, index, step, this.#keptAside) : undefined;
    if (!next) return undefined;
    this.#replace(next);
    this.#saveMerged();
    const shown = next[index]!;
    const [version, count] = versionOf(shown)!;
    emit(this.#host, 'ai-chat-version', { message: shown, version, count });
    return shown;
  }

  /** The reader's 👍 or 👎 on an answer; the same again takes it back. Returns the answer as it is now. */
  rate(answer: ChatMessage, value: Feedback): ChatMessage | undefined {
    if (!this.#messages.includes(answer) || answer.role !== 'assistant') return undefined;
    // A new object: finished messages never change in place (settled DOM and the store rely on it).
    const rated: ChatMessage = { ...answer, feedback: value };
    if (answer.feedback === value) delete rated.feedback;
    this.#replace(this.#messages.map((message) => (message === answer ? rated : message)));
    this.#saveMerged();
    emit(this.#host, 'ai-chat-feedback', { messageId: answer.id, value: rated.feedback ?? null, message: rated });
    return rated;
  }

  abort(): void {
    if (this.#stream.busy) this.#cancelTurn();
    this.#stream.abort();
    this.#toolRun?.abort();
  }

  /**
   * Stop means stop paying: besides closing the connection (which a resuming
   * server survives on purpose), tell the server to cancel the provider call.
   * A failed cancel still stops the widget; debug logs it.
   */
  #cancelTurn(): void {
    const turn = this.#turn;
    const { request, debug } = this.#settings();
    if (!turn || !request.endpoint) return;
    const warn = (why: unknown) => debug && console.warn('[ai-chat] the cancel request failed:', why);
    fetch(request.endpoint, {
      method: 'DELETE',
      headers: { ...request.headers, 'idempotency-key': turn.idempotencyKey },
      credentials: request.withCredentials ? 'include' : 'same-origin',
      keepalive: true,
    }).then((response) => response.ok || warn(response.status), warn);
  }

  clear(): void {
    this.#stream.abort();
    this.#toolRun?.abort();
    this.#replace([]);
    this.#sync.remove();
    this.#stream.reset();
    this.announcement = '';
  }

  /** The Retry action belongs to the last answer, once it failed or was stopped. */
  canRetry(message: ChatMessage): boolean {
    return (
      message.role === 'assistant' &&
      (message.status === 'error' || message.status === 'aborted') &&
      message === this.#messages.at(-1) &&
      this.idle
    );
  }

  /**
   * Saves now. Other tabs may have saved while this one was busy (their
   * events were not adopted then): shows the merged conversation.
   */
  #saveMerged(): void {
    const merged = this.#sync.save(this.#messages, true);
    if (merged && merged !== this.#messages) this.#replace([...merged]);
  }

  #replace(messages: ChatMessage[]): void {
    const old = this.#messages;
    this.#messages = messages;
    this.#host.requestUpdate('messages', old);
  }

  #create(role: MessageRole, content: string, status: MessageStatus): ChatMessage {
    return { id: newMessageId(), role, content, status };
  }

  #interruptedText(): string {
    const strings = this.#settings().strings;
    return `${strings.errors['connection-lost']({})} ${strings.incomplete}`;
  }

  #setWaiting(waiting: Waiting | undefined): void {
    if (!waiting && !this.#waiting) return;
    this.#waiting = waiting;
    clearInterval(this.#countdown);
    // A visible countdown: re-render each second while a retry or a first word waits.
    if (waiting?.until) this.#countdown = setInterval(() => this.#host.requestUpdate(), 1000);
    this.#host.requestUpdate();
  }

  /** The request for `conversation`, after the `ai-chat-send` listeners had their say (undefined: one cancelled it). */
  #buildRequest(conversation: ChatMessage[]): ChatRequest | undefined {
    const settings = this.#settings();
    const limit = settings.historyLimit >= 1 ? Math.floor(settings.historyLimit) : DEFAULT_HISTORY_LIMIT;
    const recent = recentHistory(conversation, limit);
    const request = buildChatRequest({ ...settings.request, tools: declareTools(settings.tools) }, recent.messages);
    if (!emit(this.#host, 'ai-chat-send', { request }, { cancelable: true })) return undefined;
    if (recent.leftOut > 0 && settings.debug) {
      console.debug('[ai-chat]', `sent the newest ${recent.messages.length} messages; the ${recent.leftOut} before them were left out (history-limit ${limit}, at most ${MAX_HISTORY_BYTES} bytes of text and ${MAX_HISTORY_FILE_BYTES} of files)`);
    }
    return request;
  }

  /**
   * Sends `history` and streams the answer into a new assistant message
   * after it. When the answer ends with calls the page answers (`tools`, or
   * an `ai-chat-tool-call` listener), runs them and asks again with their
   * results, into the same message, up to `max-steps` requests.
   */
  async #requestAnswer(
    history: ChatMessage[],
    answer = this.#create('assistant', '', 'pending'),
    resume?: SavedTurn,
  ): Promise<ChatMessage | undefined> {
    const settings = this.#settings();
    const context = this.#context(history);
    let request = this.#buildRequest(context);
    if (!request) return undefined;

    this.#replace([...history, answer]);
    this.announcement = '';
    this.#sync.save(this.#messages, true);
    let outcome = await this.#readAnswer(answer, request, resume);
    const maxSteps = settings.maxSteps >= 1 ? Math.floor(settings.maxSteps) : 1;
    for (let step = 1; outcome.status === 'done'; step++) {
      const calls = (answer.parts ?? []).filter((part): part is ToolPart => part.type === 'tool' && part.state === 'input-available');
      if (calls.length === 0) break;
      if (step >= maxSteps) {
        outcome = { status: 'error', error: chatFailure('max-steps', { limit: String(maxSteps) }) };
        break;
      }
      const answered = await this.#runTools(answer, calls);
      if (answered === undefined) outcome = { status: 'aborted' };
      if (!answered) break;
      request = this.#buildRequest([...context, answer]);
      if (!request) break;
      outcome = await this.#readAnswer(answer, request);
    }
    this.#finish(answer, outcome, resume !== undefined);
    this.#host.requestUpdate();
    this.#saveMerged();
    return answer;
  }

  /**
   * Runs the calls the page can answer, all at once: an `ai-chat-tool-call`
   * listener that calls `preventDefault()` answers with `respond()`;
   * otherwise the tool of that name in `tools` runs, after the reader's
   * Approve when it asks for it. Resolves with how many calls got a result,
   * or undefined when Stop aborted them.
   */
  async #runTools(answer: ChatMessage, calls: ToolPart[]): Promise<number | undefined> {
    const run = (this.#toolRun = new AbortController());
    const { signal } = run;
    const { tools } = this.#settings();
    this.#host.requestUpdate();
    const answerCall = async (call: ToolPart): Promise<boolean> => {
      let respond!: (result: unknown) => void;
      const responded = new Promise<unknown>((resolve) => (respond = resolve));
      const handled = !emit(this.#host, 'ai-chat-tool-call', { part: call, message: answer, respond }, { cancelable: true });
      const tool = call.name !== null && Object.hasOwn(tools, call.name) ? toolRunner(tools[call.name]!) : undefined;
      if (!handled && !tool) return false;
      if (!handled && tool!.approve) {
        const approved = await abortable(new Promise<boolean>((resolve) => this.#approvals.set(call, resolve)), signal)
          .finally(() => this.#approvals.delete(call));
        this.#host.requestUpdate();
        if (!approved) {
          await settle(call, Promise.reject(new Error(DENIED)));
          return true;
        }
      }
      const result = handled ? responded : Promise.resolve().then(() => tool!.run(call.input, { signal, call }));
      await settle(call, abortable(result, signal));
      if (signal.aborted) return false;
      this.#announceTool(call);
      emit(this.#host, 'ai-chat-part', { part: call, message: answer });
      this.#host.requestUpdate();
      this.#sync.save(this.#messages, false);
      return true;
    };
    try {
      const answered = await Promise.all(calls.map((call) => answerCall(call).catch(() => false)));
      return signal.aborted ? undefined : answered.filter(Boolean).length;
    } finally {
      this.#toolRun = undefined;
    }
  }

  /** Streams one response into `answer`: its text, reasoning and parts. */
  async #readAnswer(answer: ChatMessage, request: ChatRequest, resume?: SavedTurn): Promise<AnswerOutcome> {
    const settings = this.#settings();
    const log = (...parts: unknown[]) => settings.debug && console.debug('[ai-chat]', ...parts);
    const { firstTokenTimeout } = streamPolicy(settings.stream);
    const awaitFirstToken = () => {
      const now = Date.now();
      if (!answer.content && firstTokenTimeout > 0)
        this.#setWaiting({ messageId: answer.id, firstTokenSince: now, until: now + firstTokenTimeout });
      else this.#setWaiting(undefined);
    };
    awaitFirstToken();
    const changed = () => {
      this.#setWaiting(undefined);
      this.#host.requestUpdate();
      if (!this.#following) this.#sync.save(this.#messages, false);
    };
    // Parts: everything the answer streams, in order, after what earlier
    // steps of the same answer streamed.
    const builder = createPartsBuilder();
    const earlier = answer.parts ?? [];
    // Text after a tool step starts a new paragraph in `content` (the parts keep the pieces apart).
    let afterTool = earlier.some((part) => part.type === 'tool');
    const partsChanged = (changedParts: ChatPart[]) => {
      // The builder grows a text or reasoning part in place: a new array
      // only when a part was added, not on every token.
      if (answer.parts?.length !== earlier.length + builder.parts.length) answer.parts = [...earlier, ...builder.parts];
      let news = false;
      for (const part of changedParts) {
        // Text and reasoning reach the host through onText and onReasoning.
        if (part.type === 'text' || part.type === 'reasoning') continue;
        news = true;
        if (part.type === 'tool') {
          afterTool = true;
          // Each state a step reaches is spoken once; its input's fragments
          // are not, so a busy agent does not flood the live region.
          this.#announceTool(part);
        }
        emit(this.#host, 'ai-chat-part', { part, message: answer });
      }
      if (news) changed();
    };
    const sink: AnswerSink = {
      onRead: (result) => partsChanged(builder.add(result)),
      onTurn: (idempotencyKey) =>
        (this.#turn = { messageId: answer.id, idempotencyKey, lastEventId: '', endpoint: absoluteUrl(request.url) }),
      onEventId: (id) => this.#turn && (this.#turn.lastEventId = id),
      onOpen: (opened) => {
        if (answer.status === 'pending') answer.status = 'streaming';
        // Each attempt waits for its first word afresh; pings do not end the wait.
        awaitFirstToken();
        log('response', opened);
        emit(this.#host, 'ai-chat-open', { status: opened.status, format: opened.format, contentType: opened.contentType });
      },
      onText: (delta) => {
        answer.status = 'streaming';
        if (afterTool && answer.content && !/\s$/.test(answer.content)) answer.content += '\n\n';
        afterTool = false;
        answer.content += delta;
        changed();
        emit(this.#host, 'ai-chat-delta', { delta, message: answer });
      },
      onReasoning: (delta) => {
        answer.reasoning = (answer.reasoning ?? '') + delta;
        changed();
      },
      onRetry: (notice) => {
        this.#setWaiting({ messageId: answer.id, notice, until: Date.now() + notice.delay });
        emit(this.#host, 'ai-chat-retry', {
          attempt: notice.attempt,
          maxRetries: notice.maxRetries,
          delay: notice.delay,
          error: notice.error,
          message: answer,
        });
      },
      onOffline: () => this.#setWaiting({ messageId: answer.id, until: 0 }),
      onDebug: settings.debug
        ? (input, format, result) =>
            isSkipped(result)
              ? log('skipped', input, `(${format ?? 'format not yet known'}):`, result.skipped)
              : log('read', input, `as ${format ?? 'unknown'} →`, result)
        : undefined,
      onWarning: (warning) => settings.debug && console.warn('[ai-chat]', warning),
    };
    const outcome = await this.#stream.run(request, sink, streamPolicy(settings.stream), resume);
    if (outcome.status === 'done') partsChanged(builder.end());
    this.#turn = undefined;
    this.#setWaiting(undefined);
    return outcome;
  }

  #finish(answer: ChatMessage, outcome: AnswerOutcome, resumed: boolean): void {
    const strings = this.#settings().strings;
    answer.status = outcome.status;
    if (outcome.status === 'done') {
      // A tool-only answer has no text to speak: its steps were its news.
      const said = [...this.#unspoken.values(), ...(answer.content ? [strings.announceAnswer(answer.content)] : [])];
      if (said.length) this.#announce(said.join('. '));
      emit(this.#host, 'ai-chat-done', { message: answer });
    } else if (outcome.status === 'aborted') {
      emit(this.#host, 'ai-chat-abort', { message: answer });
    } else {
      const text = describeError(outcome.error, strings);
      // A resume the server refuses (it no longer has the answer) leaves what
      // the reload interrupted, and says so, not the refusal's status.
      answer.error =
        resumed && outcome.error.code === 'http' ? this.#interruptedText() : outcome.interrupted ? `${text} ${strings.incomplete}` : text;
      this.announcement = strings.announceError(answer.error);
      emit(this.#host, 'ai-chat-error', { error: outcome.error, message: answer });
    }
  }
}
