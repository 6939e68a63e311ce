import { css } from 'lit';

/**
 * Public `--ai-chat-*` custom properties are read with the theme's value as
 * the fallback (`var(--ai-chat-accent, var(--_t-accent))`): a value the page
 * sets (on the element or any ancestor) always wins over the built-in theme,
 * and switching themes needs no re-render. The theme values live in `--_t-*`;
 * a value read in several places gets a private `--_*` name.
 */
/**
 * Above the page's own overlays. Interpolated, not written in the CSS: the
 * build's CSS minifier keeps numbers inside `var()` as 32-bit floats and
 * would ship 2147480000.
 */
const DEFAULT_Z_INDEX = 2147483000;

/**
 * The dark theme's values, for theme="dark" and for theme="auto" on a dark
 * system. Written once and interpolated into both rules: plain CSS cannot
 * share one block between an attribute selector and a media query, and
 * light-dark() is too new for a widget embedded on any site (Chrome 123,
 * Safari 17.5) while the bundle targets Chrome 94 and Safari 16.4.
 */
const darkTheme = css`
  --_t-accent: #8fb0ff;
  --_t-accent-text: #0b1020;
  --_t-background: #15171c;
  --_t-surface: #23262e;
  --_t-text: #e9ebef;
  --_t-muted: #a9b0bc;
  --_t-border: #3a3f4a;
  --_t-user-bubble: #3358c4;
  --_t-assistant-bubble: #23262e;
  --_t-error: #ff9b91;
  --_t-shadow: 0 12px 40px rgb(0 0 0 / 0.5);
  --_t-code-keyword: #e3a8ff;
  --_t-code-string: #a3dc94;
  --_t-code-number: #ffbe7a;
  color-scheme: dark;
`;

export const styles = css`
  :host,
  * {
    box-sizing: border-box;
  }
  :host {
    display: block;
    height: var(--ai-chat-height, 480px);
  }
  :host([mode='launcher']) {
    height: auto;
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }

  /* Private names and text styles live on the inner wrapper: a page rule on
     the host (* { all: unset }, ai-chat { --_text: red }) cannot reach them.
     Only the public --ai-chat-* properties come in from outside. */
  .panel,
  .launcher {
    /* Light theme (the default); every text colour meets 4.5:1 on its background.
       The reader's text is white in both themes, the assistant's is the body text. */
    --_t-accent: #2450c8;
    --_t-accent-text: #ffffff;
    --_t-background: #ffffff;
    --_t-surface: #f3f4f6;
    --_t-text: #1c1f24;
    --_t-muted: #545b67;
    --_t-border: #d5d9e0;
    --_t-user-bubble: #2450c8;
    --_t-assistant-bubble: #f1f3f6;
    --_t-error: #b42318;
    --_t-shadow: 0 12px 40px rgb(15 23 42 / 0.18);
    --_t-code-keyword: #8f2f9e;
    --_t-code-string: #2a6e1f;
    --_t-code-number: #9a4a00;
    color-scheme: light;

    --_accent: var(--ai-chat-accent, var(--_t-accent));
    --_background: var(--ai-chat-background, var(--_t-background));
    --_surface: var(--ai-chat-surface, var(--_t-surface));
    --_text: var(--ai-chat-text, var(--_t-text));
    --_muted: var(--ai-chat-muted-text, var(--_t-muted));
    --_border: var(--ai-chat-border, var(--_t-border));
    --_radius: var(--ai-chat-radius, 12px);
    --_space: var(--ai-chat-spacing, 12px);
    --_launcher-size: var(--ai-chat-launcher-size, 56px);
    --_launcher-offset: var(--ai-chat-launcher-offset, 20px);

    color: var(--_text);
    font: var(--ai-chat-font-size, 15px) / 1.5
      var(--ai-chat-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    letter-spacing: normal;
    text-align: start;
    text-transform: none;
  }
  :host([theme='dark']) :is(.panel, .launcher) {
    ${darkTheme}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) :is(.panel, .launcher) {
      ${darkTheme}
    }
  }

  .panel,
  .transcript {
    display: flex;
    flex-direction: column;
  }
  .panel {
    height: 100%;
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
    position: relative;
  }
  .floating,
  .launcher {
    position: fixed;
    z-index: var(--ai-chat-z-index, ${DEFAULT_Z_INDEX});
    box-shadow: var(--_t-shadow);
  }
  .floating {
    bottom: calc(var(--_launcher-offset) + var(--_launcher-size) + 12px);
    width: min(var(--ai-chat-panel-width, 380px), 100vw - 2 * var(--_launcher-offset));
    height: min(var(--ai-chat-panel-height, 560px), 100vh - var(--_launcher-size) - 2 * var(--_launcher-offset) - 12px);
    animation: ai-chat-rise 160ms ease-out;
  }
  .bottom-right {
    right: var(--_launcher-offset);
  }
  .bottom-left {
    left: var(--_launcher-offset);
  }
  .launcher {
    bottom: var(--_launcher-offset);
    width: var(--_launcher-size);
    height: var(--_launcher-size);
    padding: 0;
    border-radius: 50%;
    display: grid;
    place-items: center;
  }
  /* On a phone the open panel takes the whole screen. */
  @media (max-width: 480px) {
    .panel.floating {
      inset: 0;
      width: 100%;
      height: 100%;
      border-radius: 0;
      border: 0;
    }
    :host([open]) .launcher {
      display: none;
    }
  }
  @keyframes ai-chat-rise {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }

  header,
  form,
  .suggestions {
    display: flex;
    gap: calc(var(--_space) * 0.5);
  }
  header {
    align-items: center;
    padding: calc(var(--_space) * 0.6) var(--_space);
    border-block-end: 1px solid var(--_border);
  }
  .heading {
    flex: 1;
    font-weight: 600;
    min-width: 0;
  }

  .transcript {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: var(--_space);
  }
  /* The messages, in a box of their own so its growth can be observed (follow-the-tail). */
  /*
   * Block layout, not flex: when the last answer grows, a block container
   * keeps the layout of the messages above it, where a flex column lays out
   * all of them again (thousands in a long conversation).
   */
  .log {
    display: flow-root;
  }
  /* Messages, and the groups of settled ones, spaced alike. */
  .log > * + *,
  .settled > * + *,
  .shelf > * + *,
  .group > * + * {
    margin-block-start: calc(var(--_space) * 0.75);
  }
  .empty {
    margin: auto;
    text-align: center;
  }
  /* Secondary text. */
  .empty,
  .reasoning,
  .note,
  .footer,
  .tool-label,
  [part~='tool-status'],
  textarea::placeholder {
    color: var(--_muted);
  }

  /*
   * Paint containment makes each message its own unit of paint: while the
   * answer below grows and the log follows it, the messages above it are not
   * painted again every frame (without it, each frame repainted every
   * message near the end of the log, so a long conversation streamed at
   * twice the cost of a short one). What draws outside a message (a long
   * list number, a focus ring) may, as far as the log's padding and a bit:
   * the log clips there anyway.
   */
  .message {
    contain: paint;
    overflow-clip-margin: calc(var(--_space) + 4px);
    width: fit-content;
    max-width: 85%;
    padding: calc(var(--_space) * 0.6) calc(var(--_space) * 0.9);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .content,
  .reasoning-text {
    white-space: pre-wrap;
  }
  /*
   * Groups of finished messages far from the end, and shelves of groups,
   * are skipped for layout and paint while off screen (see renderMessages),
   * yet stay in the accessibility tree and in find-in-page. The size is a
   * guess (5 messages of a few lines, 20 groups) until a box has been seen
   * once; then the browser remembers it.
   */
  .group {
    content-visibility: auto;
    contain-intrinsic-size: auto 100em;
  }
  .shelf {
    content-visibility: auto;
    contain-intrinsic-size: auto 2000em;
  }
  /* A shelf far above the newest messages, skipped whole: its groups need no checks of their own (see settledBox). */
  .far > .group {
    content-visibility: visible;
  }
  .message.user {
    margin-inline-start: auto;
    background: var(--ai-chat-user-bubble, var(--_t-user-bubble));
    color: var(--ai-chat-user-text, #ffffff);
    border-end-end-radius: 4px;
  }
  .message.assistant {
    background: var(--ai-chat-assistant-bubble, var(--_t-assistant-bubble));
    color: var(--ai-chat-assistant-text, var(--_t-text));
    border-end-start-radius: 4px;
  }
  /* Tool steps, sources and files of an answer: model output, shown as text and checked links. */
  .tool {
    margin-block-end: calc(var(--_space) * 0.5);
    font-size: 0.9em;
  }
  /* The tool steps' and the reasoning's; the widget has no other. */
  summary {
    cursor: pointer;
  }
  .tool pre {
    margin: 0 0 0.4em;
    padding: 0.4em;
    max-height: 16em;
    overflow: auto;
    white-space: pre-wrap;
    background: var(--_surface);
    border-radius: 4px;
  }
  .sources {
    margin: 0.5em 0 0;
    padding-inline-start: 1.5em;
    font-size: 0.9em;
  }
  .sources a,
  a[part~='file'] {
    color: var(--_accent);
    text-underline-offset: 0.15em;
  }
  img[part~='file'] {
    display: block;
    max-width: 100%;
  }
  /* Waiting for the first word (the markdown wrapper means :empty cannot tell). */
  .message.typing .content::after {
    content: '…';
    display: inline-block;
    animation: ai-chat-pulse 1.2s ease-in-out infinite;
  }
  @keyframes ai-chat-pulse {
    50% {
      opacity: 0.3;
    }
  }
  .reasoning {
    margin-block-end: 0.4em;
    font-size: 0.92em;
  }
  .reasoning-text {
    padding-inline-start: 0.75em;
    border-inline-start: 2px solid var(--_border);
    margin-block-start: 0.3em;
  }
  .error-text,
  .note {
    margin-block-start: 0.4em;
  }
  .error-text {
    color: var(--ai-chat-error, var(--_t-error));
    font-size: 0.92em;
  }
  .note {
    font-size: 0.88em;
  }

  .suggestions {
    list-style: none;
    margin: auto 0 0;
    padding: 0;
    flex-wrap: wrap;
  }

  .jump-wrap {
    position: relative;
    height: 0;
  }
  .jump {
    position: absolute;
    bottom: calc(var(--_space) * 0.5);
    left: 50%;
    transform: translateX(-50%);
    padding: 0.3em 0.9em;
    font-size: 0.88em;
    box-shadow: var(--_t-shadow);
  }

  form {
    padding: var(--_space);
    border-block-start: 1px solid var(--_border);
  }
  textarea,
  button {
    margin: 0;
    font: inherit;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) * 0.75);
  }
  textarea {
    flex: 1;
    resize: none;
    min-height: 2.6em;
    max-height: 10em;
    padding: 0.5em 0.75em;
    line-height: 1.4;
  }
  textarea::placeholder {
    opacity: 1;
  }
  /* Files: about to be sent (above the text box) and in a question. */
  .files {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    margin: 0;
    padding: var(--_space) var(--_space) 0;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 0.4em;
    max-width: 100%;
    margin: 0.3em 0.3em 0 0;
    padding: 0.2em 0.5em;
    font-size: 0.85em;
    /* Its colour is the panel's border's, below. */
    border: 1px solid;
    border-radius: calc(var(--_radius) * 0.5);
  }
  .chip img {
    width: 2.5em;
    height: 2.5em;
    object-fit: cover;
  }
  .chip .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .chip .quiet {
    padding: 0 0.4em;
  }
  .file-notes {
    padding: 0 var(--_space);
  }
  .attach {
    display: grid;
    place-items: center;
  }
  .footer {
    font-size: 0.85em;
    padding: 0 var(--_space);
  }
  ::slotted([slot='footer']) {
    padding-block-end: calc(var(--_space) * 0.75);
  }

  button {
    line-height: 1.2;
    padding: 0.5em 1em;
    background: var(--_accent);
    color: var(--ai-chat-accent-text, var(--_t-accent-text));
    cursor: pointer;
  }
  /* The text box, the secondary buttons and file chips sit on the panel's background. */
  textarea,
  .chip,
  .quiet,
  .stop,
  .retry,
  .jump,
  [part='suggestion'] {
    background: var(--_background);
    color: var(--_text);
    border-color: var(--_border);
  }
  .quiet {
    padding: 0.25em 0.6em;
    font-size: 0.88em;
  }
  /* Actions under a message: quiet, in the bubble's own colours. */
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em;
    /* The first button's text lines up with the message's. */
    margin-block-start: 0.4em;
    margin-inline-start: -0.45em;
    font-size: 0.85em;
  }
  /* At least 24 px square (WCAG's target size) at the default font size. */
  .actions .quiet {
    min-width: 2em;
    min-height: 2em;
    padding: 0.1em 0.45em;
    font-size: 1em;
    background: none;
    color: inherit;
    border-color: transparent;
  }
  /* A button named by its text shows its name: no text node of its own (see renderActions). */
  .actions button:empty::after {
    content: attr(aria-label);
  }
  .actions [aria-pressed='true'] {
    border-color: currentColor;
  }
  /* Regenerate, Edit and the versions wait while an answer streams: hidden, so nothing moves. */
  .busy .branch {
    visibility: hidden;
  }
  .editor {
    display: flex;
    flex-wrap: wrap;
    justify-content: end;
    gap: 0.4em;
    padding: 0;
    border: 0;
  }
  .editor textarea {
    flex-basis: 100%;
    min-width: 16em;
  }
  .retry {
    margin-block-start: 0.5em;
    padding: 0.25em 0.75em;
    font-size: 0.9em;
  }
  [part='suggestion'] {
    text-align: start;
    border-radius: 999px;
  }
  button:hover:not(:disabled) {
    filter: brightness(0.95);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :is(textarea, button, .transcript, summary):focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    ::before,
    ::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }

  /* Windows high contrast: system colours, and borders where colour carried meaning. */
  @media (forced-colors: active) {
    .panel,
    .message,
    .tool pre,
    textarea,
    button {
      border: 1px solid CanvasText;
    }
    .message.user {
      background: Canvas;
    }
    .message.user,
    .error-text {
      color: CanvasText;
    }
    button {
      background: ButtonFace;
      color: ButtonText;
    }
    :is(textarea, button, .transcript):focus-visible {
      outline-color: Highlight;
    }
  }
`;
