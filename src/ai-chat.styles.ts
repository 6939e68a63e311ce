import { css } from 'lit';

/**
 * Public `--ai-chat-*` custom properties are read into private `--_*` names
 * on the host, with the theme's value as the fallback: a value the page sets
 * (on the element or any ancestor) always wins over the built-in theme, and
 * switching themes needs no re-render. The theme values live in `--_t-*`.
 */
export const styles = css`
  .panel,
  .launcher {
    /* Light theme (the default); every text colour meets 4.5:1 on its background. */
    --_t-accent: #2450c8;
    --_t-accent-text: #ffffff;
    --_t-background: #ffffff;
    --_t-surface: #f3f4f6;
    --_t-text: #1c1f24;
    --_t-muted: #545b67;
    --_t-border: #d5d9e0;
    --_t-user-bubble: #2450c8;
    --_t-user-text: #ffffff;
    --_t-assistant-bubble: #f1f3f6;
    --_t-assistant-text: #1c1f24;
    --_t-error: #b42318;
    --_t-shadow: 0 12px 40px rgb(15 23 42 / 0.18);
    --_t-code-keyword: #8f2f9e;
    --_t-code-string: #2a6e1f;
    --_t-code-number: #9a4a00;
    color-scheme: light;
  }
  :host([theme='dark']) :is(.panel, .launcher) {
    --_t-accent: #8fb0ff;
    --_t-accent-text: #0b1020;
    --_t-background: #15171c;
    --_t-surface: #23262e;
    --_t-text: #e9ebef;
    --_t-muted: #a9b0bc;
    --_t-border: #3a3f4a;
    --_t-user-bubble: #3358c4;
    --_t-user-text: #ffffff;
    --_t-assistant-bubble: #23262e;
    --_t-assistant-text: #e9ebef;
    --_t-error: #ff9b91;
    --_t-shadow: 0 12px 40px rgb(0 0 0 / 0.5);
    --_t-code-keyword: #e3a8ff;
    --_t-code-string: #a3dc94;
    --_t-code-number: #ffbe7a;
    color-scheme: dark;
  }
  /* The same dark values again for theme="auto" on a dark system: plain CSS
     cannot share one block between an attribute and a media query, and
     light-dark() is too new for a widget embedded on any site. */
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) :is(.panel, .launcher) {
      --_t-accent: #8fb0ff;
      --_t-accent-text: #0b1020;
      --_t-background: #15171c;
      --_t-surface: #23262e;
      --_t-text: #e9ebef;
      --_t-muted: #a9b0bc;
      --_t-border: #3a3f4a;
      --_t-user-bubble: #3358c4;
      --_t-user-text: #ffffff;
      --_t-assistant-bubble: #23262e;
      --_t-assistant-text: #e9ebef;
      --_t-error: #ff9b91;
      --_t-shadow: 0 12px 40px rgb(0 0 0 / 0.5);
      --_t-code-keyword: #e3a8ff;
      --_t-code-string: #a3dc94;
      --_t-code-number: #ffbe7a;
      color-scheme: dark;
    }
  }

  :host {
    display: block;
    box-sizing: border-box;
    height: var(--ai-chat-height, 480px);
  }
  /* Private names and text styles live on the inner wrapper: a page rule on
     the host (* { all: unset }, ai-chat { --_text: red }) cannot reach them.
     Only the public --ai-chat-* properties come in from outside. */
  .panel,
  .launcher {
    --_accent: var(--ai-chat-accent, var(--_t-accent));
    --_accent-text: var(--ai-chat-accent-text, var(--_t-accent-text));
    --_background: var(--ai-chat-background, var(--_t-background));
    --_surface: var(--ai-chat-surface, var(--_t-surface));
    --_text: var(--ai-chat-text, var(--_t-text));
    --_muted: var(--ai-chat-muted-text, var(--_t-muted));
    --_border: var(--ai-chat-border, var(--_t-border));
    --_user-bubble: var(--ai-chat-user-bubble, var(--_t-user-bubble));
    --_user-text: var(--ai-chat-user-text, var(--_t-user-text));
    --_assistant-bubble: var(--ai-chat-assistant-bubble, var(--_t-assistant-bubble));
    --_assistant-text: var(--ai-chat-assistant-text, var(--_t-assistant-text));
    --_error: var(--ai-chat-error, var(--_t-error));
    --_font: var(--ai-chat-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--ai-chat-font-size, 15px);
    --_radius: var(--ai-chat-radius, 12px);
    --_space: var(--ai-chat-spacing, 12px);
    --_panel-width: var(--ai-chat-panel-width, 380px);
    --_panel-height: var(--ai-chat-panel-height, 560px);
    --_launcher-size: var(--ai-chat-launcher-size, 56px);
    --_launcher-offset: var(--ai-chat-launcher-offset, 20px);
    --_z: var(--ai-chat-z-index, 2147483000);

    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
    font-weight: normal;
    font-style: normal;
    letter-spacing: normal;
    line-height: 1.5;
    text-align: start;
    text-transform: none;
  }
  :host([mode='launcher']) {
    height: auto;
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    background: var(--_background);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
    position: relative;
  }
  .panel.floating {
    position: fixed;
    z-index: var(--_z);
    bottom: calc(var(--_launcher-offset) + var(--_launcher-size) + 12px);
    width: min(var(--_panel-width), calc(100vw - 2 * var(--_launcher-offset)));
    height: min(var(--_panel-height), calc(100vh - var(--_launcher-size) - 2 * var(--_launcher-offset) - 12px));
    box-shadow: var(--_t-shadow);
    animation: ai-chat-rise 160ms ease-out;
  }
  .bottom-right {
    right: var(--_launcher-offset);
  }
  .bottom-left {
    left: var(--_launcher-offset);
  }
  .launcher {
    position: fixed;
    z-index: var(--_z);
    bottom: var(--_launcher-offset);
    width: var(--_launcher-size);
    height: var(--_launcher-size);
    padding: 0;
    border-radius: 50%;
    display: grid;
    place-items: center;
    box-shadow: var(--_t-shadow);
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

  header {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
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
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.75);
  }
  .empty {
    margin: auto;
    color: var(--_muted);
    text-align: center;
  }

  .message {
    max-width: 85%;
    padding: calc(var(--_space) * 0.6) calc(var(--_space) * 0.9);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .content {
    white-space: pre-wrap;
  }
  .message.user {
    align-self: flex-end;
    background: var(--_user-bubble);
    color: var(--_user-text);
    border-end-end-radius: 4px;
  }
  .message.assistant {
    align-self: flex-start;
    background: var(--_assistant-bubble);
    color: var(--_assistant-text);
    border-end-start-radius: 4px;
  }
  .message.pending .content:empty::after {
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
    color: var(--_muted);
    font-size: 0.92em;
  }
  .reasoning summary {
    cursor: pointer;
  }
  .reasoning-text {
    white-space: pre-wrap;
    padding-inline-start: 0.75em;
    border-inline-start: 2px solid var(--_border);
    margin-block-start: 0.3em;
  }
  .error {
    margin-block-start: 0.4em;
    color: var(--_error);
    font-size: 0.92em;
  }
  .note {
    margin-block-start: 0.4em;
    color: var(--_muted);
    font-size: 0.88em;
  }

  .suggestions {
    list-style: none;
    margin: auto 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
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
    display: flex;
    gap: calc(var(--_space) * 0.5);
    padding: var(--_space);
    border-block-start: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    resize: none;
    min-height: 2.6em;
    max-height: 10em;
    margin: 0;
    padding: 0.5em 0.75em;
    font: inherit;
    line-height: 1.4;
    color: inherit;
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
  }
  textarea::placeholder {
    color: var(--_muted);
    opacity: 1;
  }
  .footer {
    color: var(--_muted);
    font-size: 0.85em;
    padding: 0 var(--_space);
  }
  .footer:has(slot:not(:empty)),
  ::slotted([slot='footer']) {
    padding-block-end: calc(var(--_space) * 0.75);
  }

  button {
    font: inherit;
    margin: 0;
    padding: 0.5em 1em;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_accent);
    color: var(--_accent-text);
    cursor: pointer;
    line-height: 1.2;
  }
  button.quiet,
  button.stop,
  button.retry,
  button.jump,
  [part='suggestion'] {
    background: var(--_background);
    color: var(--_text);
    border-color: var(--_border);
  }
  button.quiet {
    padding: 0.25em 0.6em;
    font-size: 0.88em;
  }
  button.retry {
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
  textarea:focus-visible,
  button:focus-visible,
  .transcript:focus-visible,
  summary:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }

  /* Windows high contrast: system colours, and borders where colour carried meaning. */
  @media (forced-colors: active) {
    .panel,
    .message,
    textarea,
    button {
      border: 1px solid CanvasText;
    }
    .message.user {
      background: Canvas;
      color: CanvasText;
    }
    .error {
      color: CanvasText;
    }
    button {
      background: ButtonFace;
      color: ButtonText;
    }
    textarea:focus-visible,
    button:focus-visible,
    .transcript:focus-visible {
      outline-color: Highlight;
    }
  }
`;
