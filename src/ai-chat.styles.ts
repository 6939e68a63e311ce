import { css } from 'lit';

/**
 * Public `--ai-chat-*` custom properties are read once into private `--_*`
 * names on the host, so the rest of the sheet has one place to look and a
 * page's value always wins over the built-in theme.
 */
export const styles = css`
  :host {
    --_accent: var(--ai-chat-accent, #2857d6);
    --_accent-text: var(--ai-chat-accent-text, #ffffff);
    --_background: var(--ai-chat-background, #ffffff);
    --_surface: var(--ai-chat-surface, #f3f4f6);
    --_text: var(--ai-chat-text, #1c1f24);
    --_muted: var(--ai-chat-muted-text, #5b6270);
    --_border: var(--ai-chat-border, #d5d9e0);
    --_user-bubble: var(--ai-chat-user-bubble, #2857d6);
    --_user-text: var(--ai-chat-user-text, #ffffff);
    --_assistant-bubble: var(--ai-chat-assistant-bubble, #f3f4f6);
    --_error: var(--ai-chat-error, #b42318);
    --_font: var(--ai-chat-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--ai-chat-font-size, 15px);
    --_radius: var(--ai-chat-radius, 12px);
    --_space: var(--ai-chat-spacing, 12px);

    display: block;
    box-sizing: border-box;
    height: var(--ai-chat-height, 480px);
    color: var(--_text);
    font-family: var(--_font);
    font-size: var(--_font-size);
    line-height: 1.5;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .chat {
    display: flex;
    flex-direction: column;
    height: 100%;
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }

  header {
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-bottom: 1px solid var(--_border);
    font-weight: 600;
  }
  [hidden] {
    display: none !important;
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

  .message {
    max-width: 85%;
    padding: calc(var(--_space) * 0.6) calc(var(--_space) * 0.9);
    border-radius: var(--_radius);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .message.user {
    align-self: flex-end;
    background: var(--_user-bubble);
    color: var(--_user-text);
    border-bottom-right-radius: 4px;
  }
  .message.assistant {
    align-self: flex-start;
    background: var(--_assistant-bubble);
    border-bottom-left-radius: 4px;
  }
  .message.pending .content:empty::after {
    content: '…';
    color: var(--_muted);
  }
  .error {
    margin-top: 0.4em;
    color: var(--_error);
    font-size: 0.9em;
    white-space: normal;
  }
  .note {
    margin-top: 0.4em;
    color: var(--_muted);
    font-size: 0.85em;
  }

  form {
    display: flex;
    gap: calc(var(--_space) * 0.5);
    padding: var(--_space);
    border-top: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    resize: none;
    min-height: 2.6em;
    max-height: 10em;
    padding: 0.5em 0.75em;
    font: inherit;
    color: inherit;
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
  }
  button {
    font: inherit;
    padding: 0.5em 1em;
    border: 0;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_accent);
    color: var(--_accent-text);
    cursor: pointer;
  }
  button.retry {
    margin-top: 0.5em;
    padding: 0.25em 0.75em;
    font-size: 0.9em;
    background: var(--_background);
    color: var(--_text);
    border: 1px solid var(--_border);
  }
  button.stop {
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  textarea:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  @media (forced-colors: active) {
    .chat,
    .message,
    textarea,
    button {
      border: 1px solid CanvasText;
    }
    button:focus-visible,
    textarea:focus-visible {
      outline-color: Highlight;
    }
  }
`;
