import { html, nothing, render, svg, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { keyed } from 'lit/directives/keyed.js';
import { live } from 'lit/directives/live.js';
import { Directive, directive, type ElementPart } from 'lit/directive.js';
import type { Waiting } from './controllers/chat-session.js';
import { toolStatus, type ChatStrings } from './i18n.js';
import type { Highlighter } from './render/highlight-types.js';
import type { MarkdownCache } from './render/markdown-cache.js';
import { isInProgress, unsavedFiles, unsavedMarks } from './conversation-store.js';
import { GROUP } from './controllers/progressive-list.js';
import { citedAnswer, listedSources } from './render/citations.js';
import { renderMarkdown } from './render/render-markdown.js';
import { safeUrl } from './render/safe-url.js';
import type { ChatPart, FilePart, ToolPart } from './stream/parts.js';
import type { ChatMessage } from './types.js';
import { versionOf } from './versions.js';
import type { Editing } from './controllers/message-actions.js';

/** A file about to be sent: its thumbnail (an object URL, images only), and while it uploads, its progress and abort. */
export interface DraftFile {
  file: File;
  preview: string | undefined;
  progress?: number | undefined;
  abort?: AbortController | undefined;
}

/** Everything the templates show, and the handlers they call: the element builds one per render. */
export interface ChatView {
  strings: ChatStrings;
  messages: readonly ChatMessage[];
  /** Messages before this index are not rendered yet (a long conversation renders over a few frames). */
  firstRendered: number;
  busy: boolean;
  disabled: boolean;
  heading: string;
  hasHeaderContent: boolean;
  launcher: boolean;
  open: boolean;
  position: string;
  welcome: string;
  placeholder: string | undefined;
  draft: string;
  /** `accept`: without it, nothing of attachments is shown. */
  accept: string | undefined;
  files: readonly DraftFile[];
  fileNotes: readonly string[];
  awayFromLatest: boolean;
  announcement: string;
  waiting: Waiting | undefined;
  suggestions: readonly string[];
  markdown: MarkdownCache<ChatMessage> | undefined;
  allowImages: boolean;
  highlighter: Highlighter | undefined;
  /** The actions `actions` names: the same Set while the attribute is unchanged. */
  actions: ReadonlySet<string>;
  /** The question being edited in place, if any. */
  editing: Editing | undefined;
  canRetry(message: ChatMessage): boolean;
  /** A page tool's call waits for the reader's Approve or Deny. */
  awaitsApproval(call: ToolPart): boolean;
  decide(call: ToolPart, approved: boolean): void;
  on: {
    submit(event: Event): void;
    keydown(event: KeyboardEvent): void;
    panelKeydown(event: KeyboardEvent): void;
    input(event: Event): void;
    scroll(): void;
    jump(): void;
    headerSlotChange(event: Event): void;
    stop(): void;
    newChat(): void;
    suggestion(text: string): void;
    retry(): void;
    toggle(): void;
    close(): void;
    pick(): void;
    files(event: Event): void;
    removeFile(file: DraftFile): void;
    paste(event: ClipboardEvent): void;
    dragover(event: DragEvent): void;
    drop(event: DragEvent): void;
    /** Any action button under a message (one listener for all, so settled messages need none). */
    action(event: Event): void;
    editInput(event: Event): void;
    editKeydown(event: KeyboardEvent): void;
    editSubmit(event: Event): void;
    editCancel(): void;
  };
}

/**
 * Answers are markdown, parsed incrementally: only the text that arrived
 * since the last frame is parsed, and finished blocks keep their DOM.
 * Nothing from the model is ever set as HTML. If the markdown cannot be
 * rendered, the text is still shown, as text: a failure must never take the
 * transcript and its controls down with it (a saved answer would otherwise
 * break every later visit).
 */
function renderContent(view: ChatView, message: ChatMessage, complete: boolean): unknown {
  const { markdown, allowImages, strings: labels, highlighter } = view;
  if (message.role !== 'assistant' || !markdown) return message.content;
  const plainText = () =>
    html`${message.content}<div class="note" part="notice">${labels.unformatted}</div>`;
  try {
    // A finished answer's citation markers are in its text (see citations.ts).
    const cited = complete ? citedAnswer(message.content, message.parts) : undefined;
    const doc = markdown.get(message, cited?.text ?? message.content, complete, cited?.markers);
    const sources = cited?.sources;
    // The strings hold the code blocks' copy, copied and copyFailed labels.
    return guard([doc, allowImages, labels, highlighter, sources], () => {
      try {
        return renderMarkdown(doc, { allowImages, labels, highlighter, sources });
      } catch {
        return plainText();
      }
    });
  } catch {
    return plainText();
  }
}

/** How long a first word may take before the waiting line shows how long is left. */
const QUIET_WAIT_MS = 10_000;

/** How much of a tool's input or output is shown: the rest is cut, said with an ellipsis. */
const MAX_TOOL_TEXT = 20_000;

/** A tool's input or output as text: strings as they are, anything else as indented JSON. Never markup. */
function toolText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_TOOL_TEXT ? `${text.slice(0, MAX_TOOL_TEXT)}…` : text;
}

function renderTool(view: ChatView, tool: ToolPart, writing: boolean): TemplateResult {
  const { strings } = view;
  const failed = tool.state === 'output-error';
  const asks = view.awaitsApproval(tool);
  const status = toolStatus(strings, tool, writing);
  const result = failed ? (tool.errorText ?? '') : tool.output;
  // A call that asks first is open, so the reader sees what they approve.
  return html`<details class="tool ${tool.state}" part="tool" ?open=${asks}>
    <summary><span part="tool-name">${tool.name ?? '?'}</span> <span part="tool-status">${status}</span></summary>
    <div class="tool-label">${strings.toolInput}</div>
    <pre part="tool-input">${toolText(tool.input)}</pre>
    ${result === undefined
      ? nothing
      : html`<div class="tool-label">${strings.toolOutput}</div>
          <pre part="tool-output">${toolText(result)}</pre>`}
    ${asks
      ? html`<button type="button" class="retry" part="tool-approve" @click=${() => view.decide(tool, true)}>${strings.approve}</button>
          <button type="button" class="retry" part="tool-deny" @click=${() => view.decide(tool, false)}>${strings.deny}</button>`
      : nothing}
  </details>`;
}

/**
 * Sources and files are model output, or restored from storage: every link
 * goes through the same check as a markdown link (`safeUrl`), whatever the
 * parts builder let through (`listedSources`, which numbers the citation markers too).
 */
function renderSources(strings: ChatStrings, parts: readonly ChatPart[] | undefined): TemplateResult | typeof nothing {
  const safe = listedSources(parts);
  if (safe.length === 0) return nothing;
  return html`<ol class="sources" part="sources" aria-label=${strings.sources}>
    ${safe.map(
      ({ href, title }) =>
        html`<li part="source"><a href=${href} target="_blank" rel="noopener noreferrer nofollow">${title}</a></li>`,
    )}
  </ol>`;
}

/**
 * An image only with `allow-images` and over https (no tracking by default);
 * anything else is a link when its URL is one a link may have (a `data:`
 * file is not), else just its name.
 */
function renderFile(view: ChatView, file: FilePart): TemplateResult {
  const name = file.filename || file.mediaType;
  const image = view.allowImages && file.mediaType.startsWith('image/') ? safeUrl(file.url, { image: true }) : undefined;
  if (image) return html`<img part="file" src=${image} alt=${name} referrerpolicy="no-referrer" loading="lazy" />`;
  const href = safeUrl(file.url);
  return href
    ? html`<a part="file" href=${href} download=${file.filename ?? ''} target="_blank" rel="noopener noreferrer">${name}</a>`
    : html`<span part="file">${name}</span>`;
}

/**
 * A file of the reader's question: its name and type as text, and a preview
 * only of an image they attached (as `<img>`, so an SVG's scripts never run).
 * A file whose bytes `persist` could not keep says so.
 */
function renderSentFile(strings: ChatStrings, file: FilePart): TemplateResult {
  const image = file.mediaType.startsWith('image/') && (/^data:image\//.test(file.url) ? file.url : safeUrl(file.url, { image: true }));
  return html`<span class="chip" part="attachment"
    >${image ? html`<img src=${image} alt="" />` : nothing}<span class="name">${file.filename || file.mediaType}</span>
    <span class="note">${file.url && !unsavedFiles.has(file) ? file.mediaType : strings.notSaved}</span></span
  >`;
}

/** The files about to be sent, and why any were refused. */
function renderDraftFiles(view: ChatView): TemplateResult {
  const { strings, on } = view;
  return html`${view.files.length
      ? html`<ul class="files" part="attachments" aria-label=${strings.attachments}>
          ${view.files.map(
            (draft) =>
              html`<li class="chip" part="attachment">
                ${draft.preview ? html`<img src=${draft.preview} alt="" />` : nothing}<span class="name">${draft.file.name}</span>
                <span class="note">${strings.fileSize(draft.file.size)}</span>
                ${draft.progress === undefined
                  ? nothing
                  : html`<progress max="1" .value=${draft.progress} aria-label=${draft.file.name}></progress>`}
                <button type="button" class="quiet" part="remove-file" aria-label=${strings.removeFile(draft.file.name)} @click=${() => on.removeFile(draft)}>
                  <span aria-hidden="true">✕</span>
                </button>
              </li>`,
          )}
        </ul>`
      : nothing}
    <div class="file-notes" aria-live="polite">${view.fileNotes.map((note) => html`<p class="error-text" part="file-error">${note}</p>`)}</div>`;
}

/** Tool steps go before the text they led to; sources and files after it. */
function partsOf(parts: readonly ChatPart[] | undefined) {
  const tools: ToolPart[] = [];
  const files: FilePart[] = [];
  let sources = false;
  for (const part of parts ?? []) {
    if (part.type === 'tool') tools.push(part);
    else if (part.type === 'source') sources = true;
    else if (part.type === 'file') files.push(part);
  }
  return { tools, sources, files };
}

function renderWaiting(strings: ChatStrings, waiting: Waiting): TemplateResult | typeof nothing {
  const now = Date.now();
  const seconds = Math.max(0, Math.ceil((waiting.until - now) / 1000));
  const text = waiting.notice
    ? strings.reconnecting(waiting.notice.attempt, waiting.notice.maxRetries, seconds)
    : waiting.firstTokenSince === undefined
      ? strings.offline
      : now - waiting.firstTokenSince >= Math.min(QUIET_WAIT_MS, (waiting.until - waiting.firstTokenSince) / 2) &&
        strings.waitingForAnswer(seconds);
  return text ? html`<div class="note" part="notice">${text}</div>` : nothing;
}

/**
 * What follows an answer's text: the waiting line while it waits, or why it
 * ended early and the Retry action. One binding for all of them keeps a
 * finished message's DOM small (every binding is a comment node).
 */
function renderTrailer(view: ChatView, message: ChatMessage): unknown {
  const { strings } = view;
  if (view.waiting?.messageId === message.id) return renderWaiting(strings, view.waiting);
  const why =
    message.status === 'error'
      ? html`<div class="error-text" part="error">${message.error}</div>`
      : message.status === 'aborted' && html`<div class="note">${strings.stopped}</div>`;
  if (!why) return nothing;
  return view.canRetry(message)
    ? html`${why}<button type="button" class="retry" part="retry-button" @click=${view.on.retry}>${strings.retry}</button>`
    : why;
}

/**
 * The actions under a message, as plain buttons that name what they do and
 * the message they act on (`name`, `value`): one listener on the log serves
 * them all, so a settled message's DOM holds no listener of its own. Those
 * that start a request or switch versions (class `branch`) are hidden while
 * an answer streams. A button named by its text (Copy, Regenerate, Edit)
 * holds no text node: its name is its `aria-label`, which the styles show
 * (`::after`): two nodes less under every settled answer (#17), and a
 * selection of the transcript no longer copies "Copy Regenerate" between
 * answers. Copy writes its "Copied" over that label. An icon's button (👍,
 * ‹) keeps the icon as its text, set as a property, not a child part. (Not
 * `<input type="button">`: Chromium keeps a hidden shadow root and text for
 * each, and `::before` cannot style it.)
 */
function renderActions(view: ChatView, message: ChatMessage): TemplateResult | typeof nothing {
  const { strings, actions } = view;
  const { id, role, feedback } = message;
  const version = versionOf(message);
  const answered = role === 'assistant' && message.status === 'done';
  const button = (name: string, text: string, { label, pressed, disabled, branch }: ActionOptions = {}) =>
    html`<button type="button" class="quiet ${branch ? 'branch' : ''}" part="action-button" name=${name} value=${id} aria-label=${label ?? text} aria-pressed=${pressed ?? nothing} ?disabled=${disabled} .textContent=${label ? text : ''}></button>`;
  const shown = [
    version &&
      html`<span class="branch" part="versions"
        >${button('prev', '‹', { label: strings.previousVersion, disabled: version[0] === 1 })}${version[0]}/${version[1]}${button('next', '›', {
          label: strings.nextVersion,
          disabled: version[0] === version[1],
        })}</span
      >`,
    answered && actions.has('copy') && button('copy', strings.copy),
    answered && actions.has('regenerate') && button('regenerate', strings.regenerate, { branch: true }),
    ...(answered && actions.has('feedback')
      ? [button('good', '👍', { label: strings.goodAnswer, pressed: feedback === 'good' }), button('bad', '👎', { label: strings.badAnswer, pressed: feedback === 'bad' })]
      : []),
    role === 'user' && actions.has('edit') && button('edit', strings.edit, { branch: true }),
  ].filter(Boolean);
  return shown.length ? html`<div class="actions" part="actions">${shown}</div>` : nothing;
}

interface ActionOptions {
  /** An accessible name other than the text (an icon's, which is then the button's text). */
  label?: string;
  /** A toggle's state (aria-pressed). */
  pressed?: boolean;
  disabled?: boolean;
  /** It starts a request or switches versions: hidden while an answer streams. */
  branch?: boolean;
}

/** A question edited in place: its text in a box, Cancel, and Send (which branches the conversation). */
function renderEditor(view: ChatView, editing: Editing): TemplateResult {
  const { strings, on } = view;
  return html`<form class="editor" part="editor" @submit=${on.editSubmit}>
    <textarea part="editor-input" rows="3" aria-label=${strings.editLabel} .value=${live(editing.draft)} @input=${on.editInput} @keydown=${on.editKeydown}></textarea>
    <button type="button" class="quiet" part="action-button" @click=${on.editCancel}>${strings.cancel}</button>
    <button type="submit" part="action-button">${strings.send}</button>
  </form>`;
}

/**
 * Per element (its handlers object), by message id: the element each
 * message was last rendered into. Settling carries over what the reader
 * opened in it, also when the message is a new object (rated, say). Held
 * weakly: a cleared conversation's DOM is not kept for it.
 */
const shownIn = new WeakMap<object, Map<string, WeakRef<Element>>>();
/** A new conversation (its ids may be the last one's): nothing the reader opened carries over. */
export const forgetShown = (owner: object) => shownIn.delete(owner);
const remembered = directive(
  class extends Directive {
    render(_owner: object, _id: string) {
      return nothing;
    }
    override update(part: ElementPart, [owner, id]: [object, string]) {
      let shown = shownIn.get(owner);
      if (!shown) shownIn.set(owner, (shown = new Map()));
      // Rendered on every frame while live: a new reference only for another element.
      if (shown.get(id)?.deref() !== part.element) shown.set(id, new WeakRef(part.element));
      return nothing;
    }
  },
);

function renderMessage(view: ChatView, message: ChatMessage): TemplateResult | typeof nothing {
  if (message.role === 'system') return nothing;
  const strings = view.strings;
  if (view.editing?.id === message.id)
    return html`<div class="message user editing" part="message message-user">${renderEditor(view, view.editing)}</div>`;
  const writing = isInProgress(message);
  const { tools, sources, files } = partsOf(message.parts);
  // An attribute binding writes a boolean as its text: aria-busy is "true" or "false".
  return html`<div
    ${remembered(view.on, message.id)}
    class="message ${message.role} ${message.status} ${writing && !message.content ? 'typing' : ''}"
    part="message message-${message.role}"
    data-status=${message.status}
    aria-busy=${writing}
  >
    ${message.reasoning
      ? html`<details class="reasoning" part="reasoning">
          <summary>${strings.thinking}</summary>
          <div class="reasoning-text">${message.reasoning}</div>
        </details>`
      : nothing}
    ${tools.length
      ? tools.map((tool) =>
          // A step's JSON text is made again only when the step changed, not on every token of the answer.
          guard([tool.state, tool.input, tool.output, tool.errorText, writing, view.awaitsApproval(tool), view.strings], () =>
            renderTool(view, tool, writing),
          ),
        )
      : nothing}
    <div class="content">${renderContent(view, message, !writing)}</div>
    ${sources || files.length
      ? html`${renderSources(strings, message.parts)}${files.map((file) =>
          message.role === 'user' ? renderSentFile(strings, file) : renderFile(view, file),
        )}`
      : nothing}
    ${renderTrailer(view, message)}${renderActions(view, message)}
  </div>`;
}

/**
 * Messages further than this from the end of the conversation are settled,
 * once finished: the last two exchanges stay live (an answer streaming, its
 * Retry or Approve, the question before it). Settling builds a message's
 * DOM again, carrying over what the reader opened ("Thinking", a tool
 * step); a selection in it is gone (a reader who sends a question has
 * moved it into the input anyway). A live message holds about 100 of
 * Lit's markers more than a settled one: at 10 (before #17's session 9),
 * the average over 1,000 plain answers was 40.3 nodes, at 4 it is 39.7.
 */
const LIVE_TAIL = 4;

/**
 * Whitespace text between block elements: the templates' indentation (a
 * space once the build has minified them), nothing a reader sees. Not in
 * the boxes that keep white space (a message's text, text shown as written,
 * reasoning), where it can be the model's.
 */
const LAYOUT_PARENTS = /^(div|ol|ul|table|thead|tbody|tr|blockquote|details)$/;
const KEEPS_WHITE_SPACE = /\b(content|rest|reasoning-text)\b/;

/** `NodeFilter.SHOW_COMMENT | NodeFilter.SHOW_TEXT` and `Node.COMMENT_NODE`, as numbers: the DOM's names do not minify. */
const SHOW_COMMENTS_AND_TEXT = 0x84;
const COMMENT_NODE = 8;

const settledNodes = new WeakMap<ChatMessage, { shows: unknown[]; node: Element | typeof nothing }>();

/** The view's values a settled message's DOM depends on. */
const viewShows = (view: ChatView): unknown[] => [view.strings, view.markdown, view.allowImages, view.highlighter, view.actions];
/**
 * What a box of settled messages was checked against: the view's values,
 * and how often a file's "not saved" mark moved. A move has every box check
 * its messages again (cheap); only a message whose own files' marks changed
 * is built again.
 */
const boxShows = (view: ChatView): unknown[] => [...viewShows(view), unsavedMarks];
/** How many of a message's files are marked not saved. */
const unsavedCount = (message: ChatMessage) => message.parts?.filter((part) => unsavedFiles.has(part)).length;
/** What a settled message shows: its own fields (its files' marks too) and the view's. */
const showsOf = (view: ChatView, message: ChatMessage): unknown[] => [
  message.content,
  message.status,
  message.parts,
  message.reasoning,
  message.error,
  unsavedCount(message),
  ...viewShows(view),
];
const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * A settled message (finished, and not among the last few) is built once as
 * plain DOM: rendered by Lit into a detached box, then stripped of Lit's
 * markers (comment nodes, two thirds of a message's nodes), of the
 * templates' indentation and of the markdown's own wrapper. Nothing in it
 * changes any more (no Retry, Stop or Approve: those live on the last
 * messages; its actions are served by one listener on the log, and a new
 * feedback or version is a new message object; a code block's Copy too),
 * so it needs no bindings and holds no listener: one would keep the whole
 * render (parts, markers) alive with it. It is made again only when
 * something it shows changes (its content, the language, images, the
 * highlighter, a file of its own marked or no longer marked unsaved).
 */
function renderSettled(view: ChatView, message: ChatMessage): Element | TemplateResult | typeof nothing {
  const shows = showsOf(view, message);
  const known = settledNodes.get(message);
  if (known && same(known.shows, shows)) return known.node;
  const box = document.createElement('div');
  const before = shownIn.get(view.on)?.get(message.id)?.deref();
  const live = renderMessage(view, message);
  render(live, box);
  // A huge answer is shown over several renders (MarkdownCache's `onBehind`): it settles once whole.
  if (view.markdown?.behind(message)) return live;
  const walker = document.createTreeWalker(box, SHOW_COMMENTS_AND_TEXT);
  const drop: Node[] = [];
  for (let node: Node | null; (node = walker.nextNode()); ) {
    const text = node.nodeValue!;
    const parent = node.parentElement!;
    const layout = !text.trim() && LAYOUT_PARENTS.test(parent.localName) && !KEEPS_WHITE_SPACE.test(parent.className);
    if (node.nodeType === COMMENT_NODE || !text || layout) drop.push(node);
  }
  for (const node of drop) node.parentNode!.removeChild(node);
  // A markdown answer's blocks move up into its bubble's text box, which takes the `md` class: one node less.
  // (Markdown is all a text box holds when it holds any: see renderContent.)
  const md = box.querySelector('.content > .md');
  if (md) {
    md.parentElement!.className += ' md';
    md.replaceWith(...md.childNodes);
  }
  const node = box.firstElementChild ?? nothing;
  // What the reader opened ("Thinking", a tool step) stays open: settling is no reason to close it.
  const opened = before?.querySelectorAll('details');
  if (node !== nothing && opened) node.querySelectorAll('details').forEach((details, i) => (details.open = !!opened[i]?.open));
  settledNodes.set(message, { shows, node });
  return node;
}

/** A box of settled messages, made once: a group of messages, or a shelf of groups. */
interface SettledBox {
  /** What it holds: messages' DOM (nothing for a system message), or groups. */
  members: (Element | typeof nothing)[];
  node: Element;
  /** Its messages, and the view's values their DOM depends on, when it was last checked. */
  messages: ChatMessage[];
  shows: unknown[];
}

/**
 * Whether the reader's focus or selection is in `box` (a far shelf the
 * reader tabbed into is made near the next time the shelves are checked).
 * The selection's ends, not containsNode: that has the browser style the
 * skipped boxes.
 */
function holdsReader(box: Element): boolean {
  const root = box.getRootNode() as ShadowRoot & { getSelection?(): Selection | null };
  const selection = root.getSelection?.();
  return [root.activeElement, selection?.anchorNode, selection?.focusNode].some((held) => box.contains(held ?? null));
}

/** Settled messages on a shelf: 20 groups. */
const SHELF = 20 * GROUP;
const boxes = { group: new WeakMap<ChatMessage, SettledBox>(), shelf: new WeakMap<ChatMessage, SettledBox>() };
/** Per kind of box: the messages it holds, and how many a member holds (a message, or a group). */
const SIZES = { group: [GROUP, 1], shelf: [SHELF, GROUP] } as const;

/**
 * The settled messages from `start` as one `content-visibility: auto` box
 * (class `kind`), made of `member(i)` for each message of a group or each
 * group of a shelf (from its first message `i`), or undefined when a member
 * cannot be had (a message being edited, or a huge answer still being
 * shown). Groups hold messages; shelves hold groups:
 * the browser checks every such box on every frame an answer streams (is
 * it near the screen yet?), and a box inside a skipped shelf costs it far
 * less than one in the open.
 *
 * A box made from the same message objects, for the same language,
 * markdown, images and highlighter, is still right: a message is changed in
 * place only while it is written (the last answer), never once settled. So
 * a frame checks identities, not each member's fields.
 */
function settledBox(
  view: ChatView,
  shows: unknown[],
  kind: keyof typeof boxes,
  start: number,
  member: (index: number) => Element | typeof nothing | undefined,
): Element | undefined {
  const { messages } = view;
  const [size, step] = SIZES[kind];
  let box = boxes[kind].get(messages[start]!);
  // Shown loose meanwhile (the settled part ended before it, say after a Regenerate far up): its members moved out.
  if (box && !box.members.every((made) => made === nothing || made.parentNode === box!.node)) box = undefined;
  // While the reader is at the newest message, a shelf far above has its groups plain (see the styles). Made anew
  // to become far: moved into a new box, they take their new style at once (in a skipped box, a group's new style
  // would wait until the box is laid out again, and the browser would go on checking it on every frame). All at
  // once: one shelf a frame cost a style pass of about 10 ms each, all together about 25 ms. Not one the reader
  // has focus or a selection in: it stays laid out, and would be laid out whole with plain groups.
  const node = box?.node;
  const far = kind === 'shelf' && !view.awayFromLatest && start + 2 * SHELF <= messages.length && !(node && holdsReader(node));
  if (!far) node?.classList.remove('far');
  const remake = far && node?.classList.contains('far') === false;
  const stillShows =
    box &&
    !remake &&
    same(box.shows, shows) &&
    box.messages.every((message, i) => message === messages[start + i] && !isInProgress(message) && message.id !== view.editing?.id);
  if (stillShows) return box!.node;
  const members: (Element | typeof nothing)[] = [];
  for (let i = start; i < start + size; i += step) {
    const made = member(i);
    if (made === undefined) {
      // The other members are shown loose, moved out of this box: the next one starts afresh.
      boxes[kind].delete(messages[start]!);
      return undefined;
    }
    members.push(made);
  }
  if (!box || remake || !same(box.members, members)) {
    box = { members, node: document.createElement('div'), messages: [], shows: [] };
    box.node.className = far ? 'shelf far' : kind;
    box.node.append(...members.filter((made): made is Element => made !== nothing));
    boxes[kind].set(messages[start]!, box);
  }
  box.messages = messages.slice(start, start + size);
  box.shows = shows;
  return box.node;
}

/**
 * The messages, in slots that keep their place as the conversation grows (a
 * slot per shelf, in it a slot per group, in it a slot per message), so
 * that appending never moves a message to another slot and re-makes it.
 *
 * Whole groups of settled messages (GROUP of them, from a multiple of
 * GROUP) and whole shelves of groups are `content-visibility: auto` boxes,
 * which the browser skips for layout and paint while off screen. They sit
 * in one more box, before the last messages: an answer streaming below is
 * laid out and painted next to that box and a few messages, not next to
 * thousands. A group not whole (a message in it being edited) shows its
 * messages loose in its place, and so does a shelf its groups.
 *
 * A message's slot is keyed by its id: a message that gets another id (a
 * retried answer) starts from fresh DOM, not the last one's open
 * "Thinking". Older messages not rendered yet (`firstRendered`) leave their
 * slots empty, filled over the next frames.
 */
function renderMessages(view: ChatView): TemplateResult {
  const { messages, firstRendered } = view;
  const settledEnd = messages.length - LIVE_TAIL;
  const isSettled = (index: number) =>
    index < settledEnd &&
    !isInProgress(messages[index]) &&
    !view.markdown?.behind(messages[index]!) &&
    messages[index]!.id !== view.editing?.id;
  /** Messages before this are in groups, or loose in a group's place. */
  const groupedEnd = Math.max(0, settledEnd - (settledEnd % GROUP));
  const shows = boxShows(view);
  const settledGroup = (start: number) =>
    settledBox(view, shows, 'group', start, (index) => {
      const member = isSettled(index) ? renderSettled(view, messages[index]!) : undefined;
      return member === nothing || member instanceof Element ? member : undefined;
    });
  /** Whether every group before `groupedEnd` was had as its box (no message shown loose, so nothing can change until the key does). */
  let boxed = true;
  /** The slot of the shelf or group from `start`: its part before `groupedEnd`, or (`grouped` false) after it. */
  const slot = (start: number, kind: keyof typeof boxes, grouped: boolean): unknown => {
    const group = kind === 'group';
    const [size, step] = SIZES[kind];
    const end = Math.min(start + size, grouped ? groupedEnd : messages.length);
    const from = Math.max(start, grouped ? 0 : groupedEnd, firstRendered);
    if (from >= end) return nothing;
    if (grouped && start >= firstRendered && end - start === size) {
      const box = group ? settledGroup(start) : settledBox(view, shows, 'shelf', start, settledGroup);
      if (box) return keyed(`${messages[start]!.id} ${kind}`, box);
    }
    boxed &&= !(grouped && group);
    const loose = [];
    for (let i = start; i < end; i += step) {
      const message = messages[i]!;
      if (!group) loose.push(slot(i, 'group', grouped));
      else if (i < from) loose.push(nothing);
      else loose.push(keyed(message.id, isSettled(i) ? renderSettled(view, message) : renderMessage(view, message)));
    }
    return loose;
  };
  const shelves = (grouped: boolean) => {
    const slots = [];
    for (let start = 0; start < (grouped ? groupedEnd : messages.length); start += SHELF) slots.push(slot(start, 'shelf', grouped));
    return slots;
  };
  // While an answer streams below, the settled part is the same on every frame: checking its 2,000 messages and
  // 400 boxes each time was a tenth of the streaming cost (#17). Only the last render's part is kept, and only when
  // it was all boxes: a message shown loose (a huge answer still being shown, say) may change without a new key.
  // (Whether the reader is at the newest decides which shelves are far: see settledBox.)
  const key = [messages, groupedEnd, firstRendered, view.editing?.id, view.awayFromLatest, ...shows];
  const last = settledParts.get(view.on);
  const settled = last && same(last.key, key) ? last.part : shelves(true);
  if (boxed) settledParts.set(view.on, { key, part: settled });
  else settledParts.delete(view.on);
  return html`${groupedEnd > firstRendered ? html`<div class="settled">${settled}</div>` : nothing}${shelves(false)}`;
}

/** Per element (its handlers object): the settled part of its last render, and what it was made from. */
const settledParts = new WeakMap<object, { key: unknown[]; part: unknown }>();

/** Starter prompts, until the conversation shows a message (a system prompt alone does not count). */
function renderSuggestions(view: ChatView, hasMessages: boolean): TemplateResult | typeof nothing {
  if (view.suggestions.length === 0 || hasMessages) return nothing;
  return html`<ul class="suggestions" part="suggestions" aria-label=${view.strings.suggestionsLabel}>
    ${view.suggestions.map(
      (text) =>
        html`<li>
          <button type="button" part="suggestion" ?disabled=${view.disabled} @click=${() => view.on.suggestion(text)}>
            ${text}
          </button>
        </li>`,
    )}
  </ul>`;
}

function renderChat(view: ChatView): TemplateResult {
  const { strings, on } = view;
  const hasMessages = view.messages.some((message) => message.role !== 'system');
  const showHeader = Boolean(view.heading) || view.hasHeaderContent || hasMessages || view.launcher;
  return html`
    <header part="header" ?hidden=${!showHeader}>
      <div class="heading">
        <slot name="header" @slotchange=${on.headerSlotChange}>${view.heading}</slot>
      </div>
      <button type="button" class="quiet" part="new-chat-button" ?hidden=${!hasMessages} @click=${on.newChat}>
        ${strings.newChat}
      </button>
      ${view.launcher
        ? html`<button type="button" class="quiet close" part="close-button" aria-label=${strings.closeChat} @click=${on.close}>
            <span aria-hidden="true">✕</span>
          </button>`
        : nothing}
    </header>
    <div class="transcript" part="transcript" role="log" aria-label=${strings.transcriptLabel} tabindex="0" @scroll=${on.scroll}>
      <div class="empty" ?hidden=${hasMessages || Boolean(view.welcome)}>
        <slot name="empty">${strings.empty}</slot>
      </div>
      <div class="log ${view.busy || view.disabled ? 'busy' : ''}" @click=${on.action}>
        ${view.welcome
          ? html`<div class="message assistant welcome" part="message message-assistant">
              <div class="content">${view.welcome}</div>
            </div>`
          : nothing}
        ${renderMessages(view)}
        ${renderSuggestions(view, hasMessages)}
      </div>
    </div>
    <div class="jump-wrap">
      <button type="button" class="jump" part="jump-button" ?hidden=${!view.awayFromLatest} @click=${on.jump}>
        ${strings.jumpToLatest} ↓
      </button>
    </div>
    ${view.accept ? renderDraftFiles(view) : nothing}
    <form part="composer" @submit=${on.submit}>
      ${view.accept
        ? html`<button
              type="button"
              class="quiet attach"
              part="attach-button"
              aria-label=${strings.attach}
              title=${strings.attach}
              ?disabled=${view.disabled || view.busy}
              @click=${on.pick}
            >
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                <path
                  d="M16 7l-7.5 7.5a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.6-5.6l-7.8 7.8a6 6 0 0 0 8.5 8.5L20 14"
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2"
                  stroke-linecap="round"
                />
              </svg></button
            ><input type="file" multiple accept=${view.accept} hidden @change=${on.files} />`
        : nothing}
      <textarea
        part="input"
        rows="1"
        aria-label=${strings.inputLabel}
        placeholder=${view.placeholder ?? strings.placeholder}
        .value=${live(view.draft)}
        ?disabled=${view.disabled}
        @input=${on.input}
        @keydown=${on.keydown}
        @paste=${on.paste}
      ></textarea>
      ${view.busy
        ? html`<button type="button" class="stop" part="stop-button" @click=${on.stop}>${strings.stop}</button>`
        : html`<button type="submit" part="send-button" ?disabled=${view.disabled || (!view.draft.trim() && !view.files.length)}>
            ${strings.send}
          </button>`}
    </form>
    <div class="footer" part="footer"><slot name="footer"></slot></div>
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${view.announcement}</div>
  `;
}

/** The whole shadow tree: an inline panel, or a launcher button with its floating panel. */
export function renderAiChat(view: ChatView): TemplateResult {
  const { on } = view;
  if (!view.launcher)
    return html`<div class="panel inline" part="panel" @dragover=${on.dragover} @drop=${on.drop}>${renderChat(view)}</div>`;
  const { strings } = view;
  // aria-expanded is "true" or "false" (a boolean binding's text), also when a page set `open` to something else.
  return html`
    <div
      class="panel floating ${view.position}"
      part="panel"
      id="panel"
      role="dialog"
      aria-label=${view.heading || strings.openChat}
      ?hidden=${!view.open}
      @keydown=${on.panelKeydown}
      @dragover=${on.dragover}
      @drop=${on.drop}
    >
      ${renderChat(view)}
    </div>
    <button
      type="button"
      class="launcher ${view.position}"
      part="launcher"
      aria-label=${view.open ? strings.closeChat : strings.openChat}
      aria-expanded=${!!view.open}
      aria-controls="panel"
      @click=${view.on.toggle}
    >
      <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false">
        ${view.open
          ? svg`<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none" />`
          : svg`<path
              d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z"
              fill="currentColor"
            />`}
      </svg>
    </button>
  `;
}
