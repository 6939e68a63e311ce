import { css } from 'lit';

/**
 * Styles for `renderMarkdown` output, added after the element's own sheet in
 * its `static styles`: colours come from that sheet's private `--_*`
 * variables, and the copy button starts from its button rule. Elements are
 * matched under `.md`; classes only markdown renders need no prefix, except
 * where `.md` decides which margin or alignment wins.
 */
export const markdownStyles = css`
  /* The message bubble keeps white space for plain text; markdown decides its own breaks. */
  .md {
    white-space: normal;
  }
  .md > :first-child {
    margin-top: 0;
  }
  .md > :last-child {
    margin-bottom: 0;
  }
  .md :is(p, ul, ol, blockquote, hr),
  .md .code-block,
  .md .table-scroll {
    margin: 0.6em 0;
  }
  /* Text past the rendering bounds, as written (long words wrap as the
     message's do). Pieces off screen are not laid out (a restored 16 MB
     answer would take seconds). */
  .rest {
    white-space: pre-wrap;
    content-visibility: auto;
    contain-intrinsic-size: auto 40em;
  }
  .md :is(h1, h2, h3, h4, h5, h6) {
    margin: 0.9em 0 0.4em;
    line-height: 1.25;
    font-weight: 600;
    font-size: 1em;
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
  .md :is(ul, ol) {
    padding-inline-start: 1.5em;
  }
  .md li > :is(ul, ol) {
    margin: 0.2em 0;
  }
  .task {
    list-style: none;
  }
  .task > input {
    margin: 0 0.45em 0 -1.3em;
    vertical-align: middle;
  }
  .task > input + p {
    display: inline;
  }
  .md blockquote {
    padding-inline-start: 0.8em;
    margin-inline: 0;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
  }
  .md hr {
    border: 0;
    border-top: 1px solid var(--_border);
  }
  .md a {
    color: var(--_accent);
    text-underline-offset: 0.15em;
  }
  .md code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .md :not(pre) > code {
    padding: 0.1em 0.3em;
    border-radius: 4px;
    background: rgb(127 127 127 / 0.14);
  }
  .code-block {
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_background);
    overflow: hidden;
  }
  .code-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.2em 0.3em 0.2em 0.7em;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_muted);
    font-size: 0.8em;
  }
  .copy {
    font: inherit;
    color: inherit;
    padding: 0.15em 0.6em;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: transparent;
  }
  .copy:disabled {
    cursor: default;
    opacity: 0.5;
  }
  .copy:focus-visible {
    outline-offset: 1px;
  }
  .md pre {
    margin: 0;
    padding: 0.7em 0.8em;
    overflow-x: auto;
    overflow-wrap: normal;
    tab-size: 4;
  }
  .table-scroll {
    overflow-x: auto;
  }
  .md table {
    border-collapse: collapse;
    font-size: 0.95em;
  }
  .md :is(th, td) {
    padding: 0.3em 0.6em;
    border: 1px solid var(--_border);
    text-align: start;
    vertical-align: top;
  }
  .md th {
    background: var(--_surface);
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
  }
  @media (forced-colors: active) {
    .md :is(.code-block, th, td, blockquote) {
      border-color: CanvasText;
    }
  }

  /* Opt-in highlighting (the highlighter property); the theme sets the --_t-code-* colours. */
  .tok-keyword {
    color: var(--ai-chat-code-keyword, var(--_t-code-keyword));
  }
  .tok-string {
    color: var(--ai-chat-code-string, var(--_t-code-string));
  }
  .tok-comment {
    color: var(--ai-chat-code-comment, var(--_muted));
    font-style: italic;
  }
  .tok-number,
  .tok-literal {
    color: var(--ai-chat-code-number, var(--_t-code-number));
  }
`;
