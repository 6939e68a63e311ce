import { normalizeLabel, parseInline, unescapeMd, type Inline } from './inline.js';

export type { Inline } from './inline.js';

/*
 * Incremental markdown (CommonMark block structure plus GFM tables, task
 * lists and strikethrough) for text that arrives a few characters at a time.
 *
 * How it stays cheap: complete lines are fed once to a line-by-line block
 * parser that keeps a chain of open blocks (CommonMark spec appendix, "phase
 * 1: block structure"). A block that closes is turned into its public,
 * frozen `Block` object exactly once: its inline content is parsed then, and
 * the object is never touched again. A snapshot maps the top-level nodes to
 * these objects, building fresh objects only along the open tail. The
 * unfinished last line is parsed on a shallow copy of that tail, so a snapshot
 * costs the open tail, never the answer. Code is kept in sealed chunks of
 * lines, so a long open fence is not copied either.
 *
 * Model output is hostile, so every cost is bounded (issue #13): containers
 * nest at most MAX_NESTING deep (deeper markers are text); a paragraph goes
 * on in a new block after PARAGRAPH_CHARS and a line is cut after LINE_CHARS,
 * so the open tail a snapshot re-parses stays small; past MAX_PIECES pieces
 * (blocks, inline pieces, characters) the rest of the answer is plain text.
 *
 * Nothing here produces HTML: the result is plain data for a renderer.
 */

/** Column alignment of a GFM table. */
export type Align = 'left' | 'center' | 'right' | null;

interface BlockBase {
  /** Stable for the block's life: a key for keyed rendering. */
  readonly id: number;
  /** Final: this object will never change and is returned again by every later snapshot. */
  readonly closed: boolean;
}

export interface ParagraphBlock extends BlockBase {
  readonly type: 'paragraph';
  readonly content: readonly Inline[];
}
export interface HeadingBlock extends BlockBase {
  readonly type: 'heading';
  readonly level: 1 | 2 | 3 | 4 | 5 | 6;
  readonly content: readonly Inline[];
}
export interface CodeBlock extends BlockBase {
  readonly type: 'code';
  /** First word of the fence's info string ('' when none, or for indented code). */
  readonly lang: string;
  /** The code, in sealed pieces of whole lines (join them for the text: `codeText`). */
  readonly chunks: readonly string[];
}
export interface ThematicBreakBlock extends BlockBase {
  readonly type: 'hr';
}
export interface BlockquoteBlock extends BlockBase {
  readonly type: 'blockquote';
  readonly children: readonly Block[];
}
export interface ListItem extends BlockBase {
  readonly type: 'item';
  /** GFM task list item: `true` checked, `false` unchecked, `undefined` not a task. */
  readonly task: boolean | undefined;
  readonly children: readonly Block[];
}
export interface ListBlock extends BlockBase {
  readonly type: 'list';
  readonly ordered: boolean;
  readonly start: number;
  /**
   * Items separated by blank lines (spec § 5.3). It can turn true while the
   * list is open, so the renderer styles it on the list, never in the items.
   */
  readonly loose: boolean;
  readonly items: readonly ListItem[];
}
export interface TableBlock extends BlockBase {
  readonly type: 'table';
  readonly align: readonly Align[];
  readonly head: readonly (readonly Inline[])[];
  /** Each row has `align.length` cells; a finished row keeps its identity. */
  readonly rows: readonly (readonly (readonly Inline[])[])[];
}

export type Block =
  | ParagraphBlock
  | HeadingBlock
  | CodeBlock
  | ThematicBreakBlock
  | BlockquoteBlock
  | ListBlock
  | TableBlock;

/** A link reference definition, `[label]: destination "title"`. */
export interface LinkDefinition {
  href: string;
  title?: string | undefined;
}

/** What has been parsed so far. Build it with `MarkdownStream.snapshot()`. */
export interface MarkdownSnapshot {
  readonly blocks: readonly Block[];
  /** Reference definitions by normalised label; a new Map whenever one is added. */
  readonly definitions: ReadonlyMap<string, LinkDefinition>;
  /** `end()` was called: every block is closed. */
  readonly done: boolean;
  /**
   * The text after the rendering bound (MAX_PIECES), as
   * written, in sealed pieces: shown as plain text, never dropped.
   */
  readonly rest: readonly string[];
}

export interface MarkdownStream {
  /** Feeds the next piece of text (any size, cut anywhere). */
  append(text: string): void;
  /** The text is complete: the last line is parsed and every block closes. */
  end(): void;
  /** The blocks so far; the same object until the next `append` or `end`. */
  snapshot(): MarkdownSnapshot;
}

/** The code of a code block as one string. */
export function codeText(block: CodeBlock): string {
  return block.chunks.join('');
}

/** Lines per sealed code chunk: a trade between DOM text nodes and copying. */
const CHUNK_LINES = 64;
/** Block quotes and lists nest at most this deep (a list and its item are two levels). */
export const MAX_NESTING = 32;
/** A longer paragraph goes on in a new one, so a snapshot re-parses at most this much of it. */
const PARAGRAPH_CHARS = 8192;
/**
 * A longer line is cut after its last space (where a line break reads the
 * same in a paragraph), or at this length, and read as two lines.
 */
const LINE_CHARS = 8192;
/**
 * Past this many pieces the rest is plain text. Pieces are what the DOM and
 * the layout grow with: blocks, list items, table cells (three each),
 * definitions, the inline pieces of closed blocks, and 64 characters of text
 * (so at most 256 KB is markdown).
 */
export const MAX_PIECES = 4000;
/**
 * Characters per sealed piece of plain `rest` text. Each piece is its own
 * block, and the browser lays out only the last one as it grows: 8 KB of
 * one-letter lines is some 5,000 line boxes.
 */
const REST_CHARS = 8192;

/** The public block types, plus the document itself. */
type Kind = Block['type'] | 'item' | 'doc';
type Public = Block | ListItem;

/** A block while it is being built. Only open nodes are ever mutated. */
interface Node {
  id: number;
  type: Kind;
  open: boolean;
  /** Child nodes, on containers only (document, quote, list, item). */
  kids?: Node[];
  /** The public object, set once when the node closes for good. */
  frozen?: Public;
  // paragraph, heading
  text?: string | undefined;
  level?: number;
  // code: fence char repeated (`undefined` for indented code), its indent
  fence?: string | undefined;
  fenceIndent?: number;
  lang?: string;
  chunks?: string[];
  cur?: string;
  lines?: number;
  /** Blank lines held back in indented code until a non-blank one follows. */
  pending?: string;
  // list, item
  ordered?: boolean;
  start?: number;
  marker?: string;
  loose?: boolean;
  blank?: boolean;
  indent?: number;
  task?: boolean | undefined;
  // table
  align?: Align[];
  head?: Inline[][];
  rows?: Inline[][][];
}

/** Node fields that its public block carries as they are. */
const PUBLIC_FIELDS: Partial<Record<Kind, (keyof Node)[]>> = {
  heading: ['level'],
  code: ['lang'],
  list: ['ordered', 'start', 'loose'],
  item: ['task'],
  table: ['align', 'head'],
};

/** `:-` left, `-:` right, `:-:` center: keyed by a delimiter cell's first and last character. */
const ALIGN: Record<string, Align> = { ':-': 'left', '-:': 'right', '::': 'center' };

const NEWLINE = /\r\n|\r|\n/g;
const HOLD = /^[-=*_+#>`~|:.)\d \t]*$/;
/** A definition's start, `[label]:` or what may still become one (no backtracking over the label). */
const HOLD_DEF = /^\[[^\]]*(\]:|\][ \t]*$|$)/;
const LIST_MARKER = /^(?:[-+*]|(\d{1,9})[.)])(?=[ \t]|$)/;
const TASK = /^\[([ xX])\](?=[ \t]|$)/;
const ATX = /^(#{1,6})(?=[ \t]|$)/;
/** A backtick fence's info string may not hold a backtick. */
const FENCE = /^(`{3,}(?=[^`]*$)|~{3,})(.*)$/;
const HR = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT = /^(?:=+|-+)[ \t]*$/;
const DELIM_CELL = /^[ \t]*:?-+:?[ \t]*$/;
const DEFINITION =
  /^\[((?:[^\\[\]]|\\.){1,999})\]:[ \t]*(<[^<>\n]*>|\S+)(?:[ \t]+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$/;

const isBlank = (text: string) => !/[^ \t]/.test(text);
const last = (node: Node) => node.kids?.at(-1);
const tabWidth = (column: number) => 4 - (column % 4);

function splitRow(text: string): string[] {
  // Without its outer pipes. `\|` is a pipe inside a cell, code spans included (GFM § 4.10).
  const row = text.trim().replace(/^\||(?<!\\)\|$/g, '');
  return row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** Moves the growing code text into the sealed chunks. */
function seal(node: Node): void {
  if (node.cur) node.chunks!.push(node.cur);
  node.cur = '';
  node.lines = 0;
}

function codeLine(node: Node, text: string): void {
  if (!node.fence) {
    // Indented code drops trailing blank lines (spec § 4.4).
    if (isBlank(text)) return void (node.pending += '\n');
    text = node.pending + text;
    node.pending = '';
  }
  node.cur += text + '\n';
  if (++node.lines! >= CHUNK_LINES) seal(node);
}

/** The public object of `node`: built afresh while it is open, the frozen one after. */
function toBlock(node: Node): Public {
  return node.frozen ?? build(node, false);
}

function build(node: Node, closed: boolean): Public {
  const { id, type, text, kids, chunks, cur, rows } = node;
  const block: Record<string, unknown> = { id, closed, type };
  for (const key of PUBLIC_FIELDS[type] ?? []) block[key] = node[key];
  // Heading text is trimmed already; a paragraph drops its trailing whitespace.
  if (text !== undefined) block.content = parseInline(text.trimEnd());
  if (kids) block[type === 'list' ? 'items' : 'children'] = kids.map(toBlock);
  if (chunks) block.chunks = cur ? [...chunks, cur] : chunks.slice();
  if (rows) block.rows = rows.slice();
  return block as unknown as Public;
}

/** A copy of the open tail, which the unfinished line may change. Depth: MAX_NESTING at most. */
function cloneOpen(node: Node): Node {
  const kids = node.kids?.slice();
  if (last(node)?.open) kids!.push(cloneOpen(kids!.pop()!));
  // Arrays the node lacks come out `undefined`, which every reader takes as absent.
  return { ...node, kids, chunks: node.chunks?.slice(), rows: node.rows?.slice() };
}

/**
 * The block parser of one text. Its state (the open blocks, the definitions,
 * the line being read) lives in this closure, one per stream.
 */
function createParser() {
  const root: Node = { id: 0, type: 'doc', open: true, kids: [] };
  let nextId = 1;
  /** Pieces made: the budget MAX_PIECES counts these. */
  let made = 0;
  let defs = new Map<string, LinkDefinition>();
  /** A snapshot holds `defs`: the next definition copies it, so the renderer sees a new Map. */
  let defsShown = false;
  // The line being parsed.
  let line = '';
  let pos = 0;
  let col = 0;
  let stack: Node[] = [];
  /** Parsing the unfinished last line on a copy of the open tail. */
  let tentative = false;

  /** Columns of whitespace at `pos`, with tab stops of 4 (spec § 2.2). */
  function indentAhead(): number {
    let c = col;
    for (let i = pos; line[i] === ' ' || line[i] === '\t'; i++) c += line[i] === ' ' ? 1 : tabWidth(c);
    return c - col;
  }

  /** Consumes `n` columns of whitespace; a tab wider than what is left becomes spaces. */
  function skipColumns(n: number): void {
    while (n > 0) {
      const ch = line[pos];
      if (ch === ' ') {
        advance(1);
        n--;
      } else if (ch === '\t') {
        const width = tabWidth(col);
        if (width > n) {
          line = line.slice(0, pos) + ' '.repeat(width - n) + line.slice(pos + 1);
          col += n;
          return;
        }
        pos++, (col += width), (n -= width);
      } else return;
    }
  }

  function advance(n: number): void {
    pos += n;
    col += n;
  }

  /** Consumes a `>` (and its indentation) and the one space that may follow it. */
  function skipQuoteMarker(): void {
    skipColumns(indentAhead());
    advance(1);
    skipColumns(1);
  }

  /**
   * Closes `node` and, first, its open descendants (at most MAX_NESTING). A
   * list that ends on a blank line passes it to the enclosing list: the blank
   * separates that list's items.
   */
  function close(node: Node, outerList?: Node): void {
    if (!node.open) return;
    const list = node.type === 'list';
    const child = last(node);
    if (child?.open) close(child, list ? node : outerList);
    if (list && node.blank && outerList) outerList.blank = true;
    node.open = false;
    if (node.chunks) seal(node);
    // The unfinished line may still change meaning: nothing it closes is final.
    if (!tentative) made += ((node.frozen = build(node, true)) as ParagraphBlock).content?.length ?? 0;
  }

  function nearestList(): Node | undefined {
    for (let i = stack.length; i--; ) if (stack[i]!.type === 'list') return stack[i];
    return undefined;
  }

  function closeChildren(node: Node): void {
    const child = last(node);
    if (child?.open) close(child, node.type === 'list' ? node : nearestList());
  }

  /** Adds a node under the deepest open block that may hold it, closing the rest. */
  function add(type: Kind, fields: Partial<Node> = {}): Node {
    let parent = stack.at(-1)!;
    // Items go into a list; other blocks into the document, a quote or an item.
    while ((parent.type === 'list') !== (type === 'item') || !parent.kids) {
      stack.pop();
      close(parent, nearestList());
      parent = stack.at(-1)!;
    }
    closeChildren(parent);
    made++;
    const node: Node = { id: nextId++, type, open: true, ...fields };
    parent.kids!.push(node);
    stack.push(node);
    return node;
  }

  function addCode(fields: Partial<Node>): Node {
    return add('code', { chunks: [], cur: '', lines: 0, ...fields });
  }

  /** Does the line continue `node`? 0 no, 1 yes (its prefix consumed), 2 yes and the line is used up. */
  function continues(node: Node): 0 | 1 | 2 {
    const indent = indentAhead();
    const rest = line.slice(pos);
    const blank = isBlank(rest);
    switch (node.type) {
      case 'blockquote':
        if (indent > 3 || line[pos + indent] !== '>') return 0;
        skipQuoteMarker();
        return 1;
      case 'item':
        if (blank) return node.kids!.length ? 1 : 0;
        if (indent < node.indent!) return 0;
        skipColumns(node.indent!);
        return 1;
      case 'code':
        if (!node.fence) {
          if (indent >= 4) skipColumns(4);
          else if (!blank) return 0;
          return 1;
        }
        if (indent <= 3) {
          const closing = rest.trim();
          if (closing === node.fence[0]!.repeat(closing.length)) {
            if (closing.length >= node.fence.length) {
              close(node);
              return 2;
            }
            // A partial line that may yet become the closing fence is held back.
            if (tentative && closing) return 2;
          }
        }
        skipColumns(Math.min(indent, node.fenceIndent!));
        return 1;
      case 'paragraph':
      case 'table':
        return blank ? 0 : 1;
    }
    // A list goes on as long as its items do; headings and rules are never open.
    return 1;
  }

  /**
   * GFM table start: `para`'s last line is the header row, this line the
   * delimiter row. The paragraph is read only for a delimiter row: searching
   * it for `|` on every line would cost its length each time.
   */
  function startTable(para: Node, rest: string): boolean {
    const cells = splitRow(rest);
    if (!cells.every((cell) => DELIM_CELL.test(cell))) return false;
    const text = para.text!;
    const header = text.slice(text.lastIndexOf('\n') + 1);
    if (!rest.includes('|') && !header.includes('|')) return false;
    const head = splitRow(header);
    if (head.length !== cells.length) return false;
    const fields = {
      align: cells.map((cell) => ALIGN[cell[0]! + cell.at(-1)] ?? null),
      head: head.map(parseInline),
      rows: [],
    };
    if (header !== text) {
      para.text = text.slice(0, -header.length - 1);
      add('table', fields);
    } else {
      // A one-line paragraph becomes the table and keeps its id: no DOM churn.
      Object.assign(para, { type: 'table', text: undefined }, fields);
    }
    return true;
  }

  /** One complete line (without its line ending). Spec appendix, "phase 1". */
  function parseLine(text: string): void {
    // Every 64 characters, line endings included, are a piece: short code lines too.
    made += (text.length + 1) / 64;
    line = text;
    pos = col = 0;
    stack = [root];

    // 1. Which open blocks does this line continue?
    let container = root;
    for (let child = last(container); child?.open; child = last(container)) {
      const matched = continues(child);
      if (!matched) break;
      if (matched === 2) return;
      container = child;
      stack.push(child);
    }
    let tip = container;
    while (last(tip)?.open) tip = last(tip)!;
    const allMatched = tip === container;

    // 2. New block starts (not inside code).
    let started = false;
    while (container.type !== 'code') {
      const indent = indentAhead();
      const inParagraph = container.type === 'paragraph';
      // At the nesting limit, quote and list markers are text.
      const nestable = stack.length <= MAX_NESTING;
      if (indent >= 4) {
        // Indented code interrupts no paragraph, lazy ones included (a paragraph is always the tip).
        if (container.type !== 'table' && tip.type !== 'paragraph' && !isBlank(line.slice(pos))) {
          skipColumns(4);
          container = addCode({ lang: '', pending: '' });
          started = true;
        }
        break;
      }
      const rest = line.slice(pos + indent);
      if (tentative) {
        // What is shown of an unfinished line must not change meaning when it
        // completes: `-` may become a list, a rule or a setext underline, `|--`
        // a table, `[x]:` a definition. Such lines wait for their end.
        const tableRow = container.type === 'table' && rest.startsWith('|');
        if (!tableRow && HOLD.test(rest)) {
          // Except a delimiter row that already makes the paragraph a table header.
          if (inParagraph && allMatched && rest.includes('-')) startTable(container, rest);
          return;
        }
        const paragraphGoesOn = inParagraph || (tip.type === 'paragraph' && !allMatched && !started);
        if (!paragraphGoesOn && container.type !== 'table' && HOLD_DEF.test(rest)) return;
      }
      if (rest[0] === '>' && nestable) {
        skipQuoteMarker();
        container = add('blockquote', { kids: [] });
        started = true;
        continue;
      }
      let m = ATX.exec(rest);
      if (m) {
        // Without the closing sequence. Trimmed first: `[ \t]+#+` before `$` backtracks over long runs.
        const content = rest
          .slice(m[1]!.length)
          .trim()
          .replace(/(^|[ \t])#+$/, '')
          .trim();
        close(add('heading', { level: m[1]!.length, text: content }));
        return;
      }
      if ((m = FENCE.exec(rest))) {
        const info = unescapeMd(m[2]!.trim());
        addCode({ fence: m[1], fenceIndent: indent, lang: info.split(/\s/)[0]! });
        return;
      }
      if (inParagraph && allMatched) {
        if (startTable(container, rest)) return;
        if (SETEXT.test(rest)) {
          container.type = 'heading';
          container.level = rest[0] === '=' ? 1 : 2;
          container.text = container.text!.trim();
          close(container);
          return;
        }
      }
      if (HR.test(rest)) {
        close(add('hr'));
        return;
      }
      if (nestable && (m = LIST_MARKER.exec(rest))) {
        const [marker, number] = m;
        // Bullet or delimiter: a list goes on only with the same one.
        const key = marker.at(-1);
        const sameList = container.type === 'list' && container.marker === key;
        // A new list interrupts a paragraph only with content, and only from 1 (spec § 5.2).
        if (sameList || !(inParagraph && (isBlank(rest.slice(marker.length)) || (number && number !== '1')))) {
          skipColumns(indent);
          advance(marker.length);
          const spaces = indentAhead();
          const padding = isBlank(line.slice(pos)) || spaces > 4 ? 1 : spaces;
          skipColumns(padding);
          if (!sameList) {
            container = add('list', { kids: [], ordered: !!number, start: Number(number ?? 1), marker: key, loose: false });
          }
          const task = TASK.exec(line.slice(pos));
          container = add('item', { kids: [], indent: indent + marker.length + padding, task: task ? task[1] !== ' ' : undefined });
          if (task) {
            advance(3);
            skipColumns(1);
          }
          started = true;
          continue;
        }
      }
      break;
    }

    // 3. The rest of the line is text for the deepest block.
    const rest = line.slice(pos);
    const blank = isBlank(rest);
    const trimmed = rest.replace(/^[ \t]+/, '');
    // Lazy continuation (spec § 5.1): the paragraph goes on, its containers stay open.
    if (!started && !allMatched && !blank && tip.type === 'paragraph') container = tip;
    else closeChildren(container);
    if (container.type === 'code') {
      codeLine(container, rest);
    } else if (blank) {
      // A blank line separates list items or their blocks; one inside a
      // quote does not, nor does an item whose marker line is empty.
      const list = nearestList();
      if (list && !started && (container.type === 'item' || container.type === 'list')) list.blank = true;
    } else if (container.type === 'paragraph' && container.text!.length < PARAGRAPH_CHARS) {
      container.text += '\n' + trimmed;
    } else if (container.type === 'table') {
      // As many cells as the header: missing ones empty, extra ones dropped.
      // A cell is several DOM nodes: it counts three pieces.
      const cells = splitRow(rest);
      made += 3 * container.align!.length;
      container.rows!.push(container.align!.map((_, i) => parseInline(cells[i] ?? '')));
    } else if (container.type === 'paragraph' || !defineLink(rest)) {
      // A long paragraph goes on in a new one (a lazy one, outside its quote or list).
      add('paragraph', { text: trimmed });
    }
    if (!blank) {
      // Content after a blank line inside a list makes it loose.
      for (const node of stack) {
        if (node.type === 'list' && node.open && node.blank) {
          node.loose = true;
          node.blank = false;
        }
      }
    }
  }

  /** Records `[label]: url "title"` (single-line form); returns false if `text` is not one. */
  function defineLink(text: string): boolean {
    const m = DEFINITION.exec(text.trim());
    if (!m || !m[1]!.trim()) return false;
    const label = normalizeLabel(m[1]!);
    if (!tentative && !defs.has(label)) {
      const href = m[2]!.replace(/^<(.*)>$/, '$1');
      // Copy on write, once per snapshot: a new Map tells the renderer to resolve references again.
      if (defsShown) defs = new Map(defs);
      defsShown = false;
      made++;
      defs.set(label, { href: unescapeMd(href), title: m[3] ? unescapeMd(m[3].slice(1, -1)) : undefined });
    }
    return true;
  }

  return {
    parseLine,
    /** Past the rendering bounds: what follows is plain text. */
    full: () => made > MAX_PIECES,
    /** Closes every block. */
    end() {
      stack = [root];
      closeChildren(root);
    },
    /** The blocks and definitions, with `unfinished` (the last line so far) parsed on a copy of the open tail. */
    snapshot(unfinished: string): [Block[], ReadonlyMap<string, LinkDefinition>] {
      let kids = root.kids!;
      if (unfinished) {
        const madeBefore = made;
        const idBefore = nextId;
        root.kids = cloneOpen(root).kids;
        tentative = true;
        try {
          parseLine(unfinished);
        } finally {
          tentative = false;
          made = madeBefore;
          nextId = idBefore;
          [kids, root.kids] = [root.kids!, kids];
        }
      }
      defsShown = true;
      return [kids.map(toBlock) as Block[], defs];
    },
  };
}

/**
 * Where to cut `text` at most `max` long: after its last `after`, else at
 * `max`; never inside a surrogate pair.
 */
function cutAt(text: string, after: string, max: number): number {
  const at = text.lastIndexOf(after, max) + 1 || max;
  // A code point past U+FFFF here: `at` would fall inside its pair.
  return text.codePointAt(at - 1)! > 0xffff ? at - 1 : at;
}

/** Starts parsing a new markdown text. */
export function createMarkdownStream(): MarkdownStream {
  const parser = createParser();
  let partial = '';
  /** Past the bounds: the rest as sealed pieces, the last one growing. */
  let rest: string[] | undefined;
  let done = false;
  let snap: MarkdownSnapshot | undefined;

  // Cut after a line ending where there is one, so that a piece's end
  // (a new block) reads as the line break it is.
  const toRest = (text: string) => {
    let tail = rest!.pop() + text;
    for (let at; tail.length >= REST_CHARS; tail = tail.slice(at)) rest!.push(tail.slice(0, (at = cutAt(tail, '\n', REST_CHARS))));
    rest!.push(tail);
  };
  // Only called before the bounds are reached.
  const feed = (text: string) => {
    if (parser.full()) {
      rest = [''];
      parser.end();
      toRest(text);
    } else parser.parseLine(text);
  };

  return {
    append(text) {
      if (done || !text) return;
      snap = undefined;
      // NUL is replaced for security (spec § 2.3).
      text = text.replace(/\0/g, '\ufffd');
      if (rest) return toRest(text);
      partial += text;
      // Only the new text can hold a line ending (and a CR held back before it).
      NEWLINE.lastIndex = Math.max(0, partial.length - text.length - 1);
      let start = 0;
      for (let m; !rest && (m = NEWLINE.exec(partial)); ) {
        // A CR at the very end may be the first half of a CRLF: wait for more.
        if (m[0] === '\r' && NEWLINE.lastIndex === partial.length) break;
        feed(partial.slice(start, m.index));
        // Past the bounds the line ending is part of the plain text too.
        start = rest ? m.index : NEWLINE.lastIndex;
      }
      partial = partial.slice(start);
      // A line too long to wait for its end is parsed in pieces.
      for (let at; partial.length > LINE_CHARS && !rest; partial = partial.slice(at)) feed(partial.slice(0, (at = cutAt(partial, ' ', LINE_CHARS))));
      if (rest) {
        toRest(partial);
        partial = '';
      }
    },
    end() {
      if (done) return;
      snap = undefined;
      // Past the bounds `partial` is empty: `feed` is not called then.
      if (partial) feed(partial.replace(/\r$/, ''));
      partial = '';
      done = true;
      parser.end();
    },
    snapshot() {
      if (snap) return snap;
      const [blocks, definitions] = parser.snapshot(partial.replace(/\r$/, ''));
      // A copy without the growing piece while it is empty.
      return (snap = { blocks, definitions, done, rest: rest?.filter((piece) => piece) ?? [] });
    },
  };
}

/** Parses a complete text at once. */
export function parseMarkdown(text: string): MarkdownSnapshot {
  const stream = createMarkdownStream();
  stream.append(text);
  stream.end();
  return stream.snapshot();
}
