import { css } from 'lit';

/**
 * Styles for `renderMarkdown` output (`.md` and below). Add to the element's
 * `static styles`. Colours come from the element's private `--_*` variables,
 * with fallbacks so the sheet also works on its own.
 */
export const markdownStyles = css`
  .md {
    /* The message bubble keeps white space for plain text; markdown decides its own breaks. */
    white-space: normal;
    overflow-wrap: anywhere;
  }
  .md > :first-child {
    margin-top: 0;
  }
  .md > :last-child {
    margin-bottom: 0;
  }
  .md p,
  .md ul,
  .md ol,
  .md blockquote,
  .md .code-block,
  .md .table-scroll,
  .md hr {
    margin: 0.6em 0;
  }
  .md h1,
  .md h2,
  .md h3,
  .md h4,
  .md h5,
  .md h6 {
    margin: 0.9em 0 0.4em;
    line-height: 1.25;
    font-weight: 600;
  }
  .md h1 {
    font-size: 1.35em;
  }
  .md h2 {
    font-size: 1.2em;
  }
  .md h3 {
    font-size: 1.08em;
  }
  .md h4,
  .md h5,
  .md h6 {
    font-size: 1em;
  }
  .md ul,
  .md ol {
    padding-inline-start: 1.5em;
  }
  /* Tight lists (spec § 5.3): paragraphs in items take no extra space. */
  .md .tight > li > p {
    margin: 0;
  }
  .md li > ul,
  .md li > ol {
    margin: 0.2em 0;
  }
  .md li.task {
    list-style: none;
  }
  .md li.task > input {
    margin: 0 0.45em 0 -1.3em;
    vertical-align: middle;
  }
  .md li.task > input + p {
    display: inline;
  }
  .md blockquote {
    padding: 0 0 0 0.8em;
    margin-inline: 0;
    border-inline-start: 3px solid var(--_border, #d5d9e0);
    color: var(--_muted, #5b6270);
  }
  .md hr {
    border: none;
    border-top: 1px solid var(--_border, #d5d9e0);
  }
  .md a {
    color: var(--_accent, #2857d6);
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  .md code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .md :not(pre) > code {
    padding: 0.1em 0.3em;
    border-radius: 4px;
    background: var(--_code-background, rgb(127 127 127 / 0.14));
  }
  .md .code-block {
    border: 1px solid var(--_border, #d5d9e0);
    border-radius: 8px;
    background: var(--_background, #ffffff);
    overflow: hidden;
  }
  .md .code-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.2em 0.3em 0.2em 0.7em;
    border-bottom: 1px solid var(--_border, #d5d9e0);
    background: var(--_surface, #f3f4f6);
    color: var(--_muted, #5b6270);
    font-size: 0.8em;
  }
  .md .copy {
    font: inherit;
    color: inherit;
    padding: 0.15em 0.6em;
    border: 1px solid var(--_border, #d5d9e0);
    border-radius: 6px;
    background: transparent;
    cursor: pointer;
  }
  .md .copy:disabled {
    cursor: default;
    opacity: 0.5;
  }
  .md .copy:focus-visible {
    outline: 2px solid var(--_accent, #2857d6);
    outline-offset: 1px;
  }
  .md pre {
    margin: 0;
    padding: 0.7em 0.8em;
    overflow-x: auto;
    white-space: pre;
    overflow-wrap: normal;
    tab-size: 4;
  }
  .md .table-scroll {
    overflow-x: auto;
  }
  .md table {
    border-collapse: collapse;
    font-size: 0.95em;
  }
  .md th,
  .md td {
    padding: 0.3em 0.6em;
    border: 1px solid var(--_border, #d5d9e0);
    text-align: start;
    vertical-align: top;
  }
  .md th {
    background: var(--_surface, #f3f4f6);
    font-weight: 600;
  }
  .md .center {
    text-align: center;
  }
  .md .right {
    text-align: end;
  }
  .md img {
    max-width: 100%;
    height: auto;
  }
  @media (forced-colors: active) {
    .md .code-block,
    .md th,
    .md td {
      border-color: CanvasText;
    }
    .md blockquote {
      border-inline-start-color: CanvasText;
    }
  }

  /* Opt-in highlighting (the highlighter property); the theme sets the --_t-code-* colours. */
  .md .tok-keyword {
    color: var(--ai-chat-code-keyword, var(--_t-code-keyword, #8f2f9e));
  }
  .md .tok-string {
    color: var(--ai-chat-code-string, var(--_t-code-string, #2a6e1f));
  }
  .md .tok-comment {
    color: var(--ai-chat-code-comment, var(--_muted, #545b67));
    font-style: italic;
  }
  .md .tok-number,
  .md .tok-literal {
    color: var(--ai-chat-code-number, var(--_t-code-number, #9a4a00));
  }
`;
