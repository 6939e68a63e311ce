import { html, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { plainText } from './inline.js';
import { TOKEN_TYPES, type Highlighter, type HighlightToken } from './highlight-types.js';
import { codeText, type Block, type CodeBlock, type Inline, type LinkDefinition, type ListItem, type MarkdownSnapshot } from './markdown.js';
import { MARK, MARKER, withoutMarkers, type ListedSource } from './citations.js';
import { safeUrl } from './safe-url.js';

/*
 * Markdown blocks to Lit templates. Model text only ever reaches the DOM
 * through text bindings; the only attributes it influences are `href` and
 * `src`, and only after `safeUrl`, plus an image's `alt` (set as an attribute
 * value, which cannot carry markup). Other attributes come from fixed tables.
 *
 * Finished blocks are wrapped in `guard`: a block object that has not
 * changed is skipped without walking its template, so a frame costs the open
 * tail plus one comparison per top-level block (MAX_PIECES bounds their
 * number). Blocks are rendered by position, not keyed: finished blocks never
 * move (the parser only appends and reshapes the open tail), so keys would
 * buy nothing.
 */

/** The code block's button texts, in the reader's language. */
export interface CodeLabels {
  copy: string;
  copied: string;
  /** When the clipboard refused: the code is selected instead. */
  copyFailed: string;
}

export interface RenderMarkdownOptions {
  /** Show `https:` images (off by default: an image fetch tells its host who reads the answer). */
  allowImages?: boolean;
  /** The element's strings in the reader's language hold them. */
  labels: CodeLabels;
  /** Colours finished code blocks; see `highlight.ts`. */
  highlighter?: Highlighter | undefined;
  /** The answer's listed sources, when its text holds citation markers (see `citations.ts`). */
  sources?: readonly ListedSource[] | undefined;
}

interface Context {
  images: boolean;
  defs: ReadonlyMap<string, LinkDefinition>;
  labels: CodeLabels;
  highlighter: Highlighter | undefined;
  sources: readonly ListedSource[] | undefined;
}

/** Text shown as written (code, text past the parser's bounds): without citation markers where the answer has them. */
const asWritten = (text: string, ctx: Context) => (ctx.sources ? withoutMarkers(text) : text);

/** Token classes come from this fixed list, never from the highlighter's output. */
const TOKEN_CLASSES: ReadonlySet<unknown> = new Set(TOKEN_TYPES);

/** Longer code is left plain: its highlighted spans would be laid out in one task. */
const HIGHLIGHT_CHARS = 32768;

/**
 * A code block's content. Each sealed chunk is its own block box, so a
 * growing fence only lays out its last chunk: in one box the browser lays
 * out every line again on each frame (345 ms a frame at 200 KB). A finished
 * block is highlighted tokens instead: each a text binding in a span whose
 * class is checked against TOKEN_CLASSES. A highlighter that throws or
 * returns junk leaves the block plain.
 */
function codeContent(block: CodeBlock, ctx: Context): unknown {
  const { highlighter } = ctx;
  let tokens: unknown;
  try {
    const text = block.closed && highlighter ? asWritten(codeText(block), ctx) : '';
    if (text && text.length < HIGHLIGHT_CHARS) tokens = highlighter!(text, block.lang);
  } catch {
    // Plain, below.
  }
  return Array.isArray(tokens)
    ? tokens.map((token: HighlightToken | undefined) => {
        const text = typeof token?.text === 'string' ? token.text : '';
        const type = token?.type;
        return TOKEN_CLASSES.has(type) ? html`<span class="tok-${type}">${text}</span>` : text;
      })
    : block.chunks.map((chunk) => html`<div>${asWritten(chunk, ctx)}</div>`);
}

const HEADINGS = [
  (c: unknown) => html`<h1>${c}</h1>`,
  (c: unknown) => html`<h2>${c}</h2>`,
  (c: unknown) => html`<h3>${c}</h3>`,
  (c: unknown) => html`<h4>${c}</h4>`,
  (c: unknown) => html`<h5>${c}</h5>`,
  (c: unknown) => html`<h6>${c}</h6>`,
];

/** Renders a markdown snapshot (see `createMarkdownStream`) inside a `<div class="md">`. */
export function renderMarkdown(doc: MarkdownSnapshot, options: RenderMarkdownOptions): TemplateResult {
  const ctx: Context = {
    images: !!options.allowImages,
    defs: doc.definitions,
    labels: options.labels,
    highlighter: options.highlighter,
    sources: options.sources,
  };
  // Text past the parser's bounds is shown as written, a block per sealed piece.
  const rest = doc.rest.map((piece) => html`<div class="rest">${asWritten(piece, ctx)}</div>`);
  return html`<div class="md">${renderBlocks(doc.blocks, ctx)}${rest}</div>`;
}

/**
 * Blocks or list items in order (nested at most MAX_NESTING deep, and inline
 * content at most MAX_INLINE_NESTING: the recursion here is bounded); closed
 * ones are cached by object identity, rebuilt only when one of the context's
 * values (the options, the definitions) changes.
 */
function renderBlocks(list: readonly (Block | ListItem)[], ctx: Context, tight = false) {
  // Read once per list, not once per block: every closed block is compared on every frame.
  const contextValues = Object.values(ctx);
  return list.map((item) =>
    item.closed ? guard([item, tight, ...contextValues], () => renderBlock(item, ctx, tight)) : renderBlock(item, ctx, tight),
  );
}

/** `tight`: the block is an item of a tight list, or in one, where paragraphs are their text alone (spec § 5.3). */
function renderBlock(block: Block | ListItem, ctx: Context, tight: boolean): unknown {
  switch (block.type) {
    case 'paragraph':
      return tight ? renderInline(block.content, ctx) : html`<p>${renderInline(block.content, ctx)}</p>`;
    case 'heading':
      return HEADINGS[block.level - 1]!(renderInline(block.content, ctx));
    case 'hr':
      return html`<hr />`;
    case 'blockquote':
      return html`<blockquote>${renderBlocks(block.children, ctx)}</blockquote>`;
    case 'code':
      return html`<div class="code-block"><div class="code-bar"><span class="code-lang">${block.lang}</span
          ><button type="button" class="copy" aria-live="polite" ?disabled=${!block.closed}>${ctx.labels.copy}</button></div
        ><pre><code>${codeContent(block, ctx)}</code></pre></div>`;
    case 'list': {
      const items = renderBlocks(block.items, ctx, !block.loose);
      const loose = block.loose ? 'loose' : 'tight';
      return block.ordered
        ? html`<ol class=${loose} start=${block.start}>${items}</ol>`
        : html`<ul class=${loose}>${items}</ul>`;
    }
    case 'item':
      if (block.task === undefined) return html`<li>${renderBlocks(block.children, ctx, tight)}</li>`;
      return html`<li class="task">
        <input type="checkbox" disabled aria-label="Task" .checked=${block.task} />${renderBlocks(block.children, ctx, tight)}
      </li>`;
    case 'table':
      // The class is the parser's alignment keyword (a closed set), never cell
      // text; Lit writes a null one (no alignment) as an empty attribute. The
      // header, like a finished row, is fixed once the table starts, so an
      // open table's frame renders only its growing last row.
      return html`<div class="table-scroll"><table>
        <thead>${guard([block.head, ctx.images, ctx.defs], () =>
          html`<tr>${block.head.map((cell, i) => html`<th class=${block.align[i]}>${renderInline(cell, ctx)}</th>`)}</tr>`,
        )}</thead>
        <tbody>${block.rows.map((row) =>
          guard([row, ctx.images, ctx.defs], () =>
            html`<tr>${row.map((cell, i) => html`<td class=${block.align[i]}>${renderInline(cell, ctx)}</td>`)}</tr>`,
          ),
        )}</tbody>
      </table></div>`;
  }
}

/**
 * Inline tokens to template parts. Neighbouring text is joined into one
 * string, also across an unresolved reference or a refused link (both their
 * text): Lit gives every part a marker node, and hostile text such as
 * `[a](b` repeated would otherwise cost several nodes per few characters.
 */
function renderInline(nodes: readonly Inline[], ctx: Context, inLink = false, out: unknown[] = []): unknown[] {
  const put = (part: unknown) => {
    if (typeof part === 'string' && typeof out.at(-1) === 'string') out[out.length - 1] += part;
    else out.push(part);
  };
  for (let node of nodes) {
    if (node.type === 'ref') {
      const def = ctx.defs.get(node.label);
      if (!def) {
        put(node.image ? '![' : '[');
        renderInline(node.children, ctx, inLink, out);
        put(']' + node.suffix);
        continue;
      }
      node = node.image
        ? { type: 'image', src: def.href, alt: plainText(node.children) }
        : { type: 'link', href: def.href, children: node.children };
    }
    switch (node.type) {
      case 'text':
        if (ctx.sources && node.text.includes(MARK)) putCited(node.text, ctx.sources, inLink, put);
        else put(node.text);
        break;
      case 'br':
        put(html`<br />`);
        break;
      case 'code':
        put(html`<code>${asWritten(node.text, ctx)}</code>`);
        break;
      case 'em':
        put(html`<em>${renderInline(node.children, ctx, inLink)}</em>`);
        break;
      case 'strong':
        put(html`<strong>${renderInline(node.children, ctx, inLink)}</strong>`);
        break;
      case 'del':
        put(html`<del>${renderInline(node.children, ctx, inLink)}</del>`);
        break;
      case 'link': {
        // A link whose URL is refused, or one nested in another link, is its text.
        const url = inLink ? undefined : safeUrl(node.href);
        if (url) put(html`<a href=${url} target="_blank" rel="noopener noreferrer">${renderInline(node.children, ctx, true)}</a>`);
        else renderInline(node.children, ctx, inLink, out);
        break;
      }
      case 'image': {
        // Images are their alt text unless allowed, and then only from `https:`.
        const url = ctx.images ? safeUrl(node.src, { image: true }) : undefined;
        put(url ? html`<img src=${url} alt=${node.alt} referrerpolicy="no-referrer" loading="lazy" />` : node.alt);
      }
    }
  }
  return out;
}

/**
 * Text with citation markers: each marker is a numbered link to its source
 * (in a link's text, where links cannot nest, just the number). The number
 * and title are text; the URL is a listed source's, checked already.
 */
function putCited(text: string, sources: readonly ListedSource[], inLink: boolean, put: (part: unknown) => void) {
  text.split(MARKER).forEach((piece, index) => {
    if (index % 2 === 0) return piece && put(piece);
    const source = sources[Number(piece) - 1];
    if (!source) return;
    put(
      inLink
        ? html`<sup part="citation">${piece}</sup>`
        : html`<sup part="citation"><a href=${source.href} title=${source.title} aria-label=${`${piece}: ${source.title}`} target="_blank" rel="noopener noreferrer">${piece}</a></sup>`,
    );
  });
}

const LABEL_MS = 2000;

/**
 * A code block's Copy, for the one click listener of the log: a listener on
 * the button itself would keep the whole render of a settled message (its
 * template parts and their marker nodes, about 100 per message) alive for
 * as long as the message is shown.
 */
export function copyCode(button: HTMLButtonElement, labels: CodeLabels): void {
  const code = button.closest('.code-block')?.querySelector('code');
  if (code) void copyText(button, code.textContent ?? '', code, labels);
}

/**
 * Copies `text`, and says so on `button` for a moment. Without a clipboard
 * (an insecure page, a refused permission) it selects `shown` instead, so
 * the reader can copy it with the keyboard. The button's text is its own:
 * no template part lives inside it. Resolves with whether it was copied.
 */
export async function copyText(button: HTMLElement, text: string, shown: Node, labels: CodeLabels): Promise<boolean> {
  let copied = true;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    getSelection()?.selectAllChildren(shown);
    copied = false;
  }
  // A message's Copy shows its name (see renderActions); a code block's, its text.
  const label = (text: string) => (button.childNodes.length ? (button.textContent = text) : button.setAttribute('aria-label', text));
  label(copied ? labels.copied : labels.copyFailed);
  setTimeout(() => label(labels.copy), LABEL_MS);
  return copied;
}
