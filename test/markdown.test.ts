import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import { resolveStrings } from '../src/i18n.js';
import {
  codeText,
  createMarkdownStream,
  parseMarkdown,
  type Block,
  type Inline,
  type LinkDefinition,
  type MarkdownSnapshot,
} from '../src/render/markdown.js';
import { MarkdownCache } from '../src/render/markdown-cache.js';
import { markdownStyles } from '../src/render/markdown.styles.js';
import { copyCode, renderMarkdown } from '../src/render/render-markdown.js';
import { safeUrl } from '../src/render/safe-url.js';
import { forbidImageFetches } from './xss-kit.js';

/** The code blocks' button texts, as the element passes them. */
const labels = resolveStrings('en');

// Images in these tests point at made-up hosts: the page must not fetch them.
before(forbidImageFetches);

// --- A compact HTML-like serialisation of the token tree, for readable expectations.

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function inlineHtml(nodes: readonly Inline[], defs: ReadonlyMap<string, LinkDefinition>): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return escape(n.text);
        case 'code':
          return `<code>${escape(n.text)}</code>`;
        case 'br':
          return '<br>';
        case 'em':
        case 'strong':
        case 'del':
          return `<${n.type}>${inlineHtml(n.children, defs)}</${n.type}>`;
        case 'link':
          return `<a href="${escape(n.href)}"${n.title ? ` title="${escape(n.title)}"` : ''}>${inlineHtml(n.children, defs)}</a>`;
        case 'image':
          return `<img src="${escape(n.src)}" alt="${escape(n.alt)}">`;
        case 'ref': {
          const def = defs.get(n.label);
          if (!def) return `${n.image ? '!' : ''}[${inlineHtml(n.children, defs)}]${escape(n.suffix)}`;
          return n.image
            ? `<img src="${escape(def.href)}" alt="...">`
            : `<a href="${escape(def.href)}">${inlineHtml(n.children, defs)}</a>`;
        }
      }
    })
    .join('');
}

function blockHtml(blocks: readonly Block[], defs: ReadonlyMap<string, LinkDefinition>, tight = false): string {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'paragraph':
          return tight ? inlineHtml(b.content, defs) : `<p>${inlineHtml(b.content, defs)}</p>`;
        case 'heading':
          return `<h${b.level}>${inlineHtml(b.content, defs)}</h${b.level}>`;
        case 'hr':
          return '<hr>';
        case 'code':
          return `<pre${b.lang ? ` lang="${escape(b.lang)}"` : ''}>${escape(codeText(b))}</pre>`;
        case 'blockquote':
          return `<blockquote>${blockHtml(b.children, defs)}</blockquote>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : '';
          const items = b.items
            .map((item) => {
              const box = item.task === undefined ? '' : item.task ? '[x] ' : '[ ] ';
              return `<li>${box}${blockHtml(item.children, defs, !b.loose)}</li>`;
            })
            .join('');
          return `<${tag}${start}>${items}</${tag}>`;
        }
        case 'table': {
          const cell = (tag: string, content: readonly Inline[], i: number) => {
            const align = b.align[i] ? ` align="${b.align[i]}"` : '';
            return `<${tag}${align}>${inlineHtml(content, defs)}</${tag}>`;
          };
          const head = `<tr>${b.head.map((c, i) => cell('th', c, i)).join('')}</tr>`;
          const rows = b.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('');
          return `<table>${head}${rows}</table>`;
        }
      }
    })
    .join('');
}

const toHtml = (snapshot: MarkdownSnapshot) => blockHtml(snapshot.blocks, snapshot.definitions);
const md = (text: string) => toHtml(parseMarkdown(text));

/** Streams `text` in pieces of `size` characters, reading a snapshot after each. */
function streamed(text: string, size = 1): MarkdownSnapshot {
  const stream = createMarkdownStream();
  for (let i = 0; i < text.length; i += size) {
    stream.append(text.slice(i, i + size));
    stream.snapshot();
  }
  stream.end();
  return stream.snapshot();
}

const LONG_ANSWER = `# Release notes

Here is what changed in **v2.3**, with a [changelog](https://example.com/changelog "Changes") and
a bare link https://example.com/docs.

## Highlights

- Faster *startup*: the cache is now \`lazy\`
- New API:
  1. \`open()\`
  2. \`close()\`
- [x] tests pass
- [ ] docs written

> **Note**
> Upgrading is safe.
lazy line

\`\`\`ts
export function add(a: number, b: number): number {
  return a + b;
}
\`\`\`

| Metric | Before | After |
|:-------|-------:|:-----:|
| start  | 120 ms | 40 ms |
| size \\| gz | 9 KB | 7 KB |

***

Setext heading
--------------

1. one

2. two
    with more

~~old~~ new, <b>not bold</b>, a [ref link][docs] and ![logo](https://example.com/l.png).

[docs]: https://example.com/docs "Docs"

    indented code
    block

Final line with a hard  
break and a soft
break.`;

describe('markdown blocks', () => {
  it('parses ATX headings, closing hashes and setext headings', () => {
    expect(md('# One\n## Two ##\n###### Six\n####### seven')).to.equal(
      '<h1>One</h1><h2>Two</h2><h6>Six</h6><p>####### seven</p>',
    );
    expect(md('#5 bolt')).to.equal('<p>#5 bolt</p>');
    expect(md('Title\n=====\n\nSub\n---')).to.equal('<h1>Title</h1><h2>Sub</h2>');
    expect(md('# \n')).to.equal('<h1></h1>');
  });

  it('joins paragraph lines and splits paragraphs on blank lines', () => {
    expect(md('a\nb\n\n\nc')).to.equal('<p>a\nb</p><p>c</p>');
    expect(md('   indented start')).to.equal('<p>indented start</p>');
  });

  it('parses thematic breaks but not too few markers', () => {
    expect(md('***\n---\n___\n* * *\n-- \n')).to.equal('<hr><hr><hr><hr><p>--</p>');
  });

  it('parses unordered, ordered and nested lists', () => {
    expect(md('- a\n- b\n  - c\n    - d\n- e')).to.equal(
      '<ul><li>a</li><li>b<ul><li>c<ul><li>d</li></ul></li></ul></li><li>e</li></ul>',
    );
    expect(md('3. three\n4. four')).to.equal('<ol start="3"><li>three</li><li>four</li></ol>');
    expect(md('1) a\n2) b')).to.equal('<ol><li>a</li><li>b</li></ol>');
    // A different bullet or delimiter starts a new list (spec § 5.3).
    expect(md('- a\n+ b\n1. c\n1) d')).to.equal(
      '<ul><li>a</li></ul><ul><li>b</li></ul><ol><li>c</li></ol><ol><li>d</li></ol>',
    );
  });

  it('tells tight lists from loose ones', () => {
    expect(md('- a\n- b')).to.equal('<ul><li>a</li><li>b</li></ul>');
    expect(md('- a\n\n- b')).to.equal('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
    expect(md('- a\n\n  more\n- b')).to.equal('<ul><li><p>a</p><p>more</p></li><li><p>b</p></li></ul>');
    // A blank line after the last item does not loosen the list.
    expect(md('- a\n- b\n\nafter')).to.equal('<ul><li>a</li><li>b</li></ul><p>after</p>');
    // A blank line between nested items loosens the inner list only.
    expect(md('- a\n  - b\n\n  - c')).to.equal('<ul><li>a<ul><li><p>b</p></li><li><p>c</p></li></ul></li></ul>');
  });

  it('keeps list item content that is indented under the marker', () => {
    expect(md('1. item\n\n   continued\n\n       code')).to.equal(
      '<ol><li><p>item</p><p>continued</p><pre>code\n</pre></li></ol>',
    );
    expect(md('- a\nlazy')).to.equal('<ul><li>a\nlazy</li></ul>');
    expect(md('- a\n\nnot in list')).to.equal('<ul><li>a</li></ul><p>not in list</p>');
    expect(md('-\tx')).to.equal('<ul><li>x</li></ul>');
  });

  it('lets a list interrupt a paragraph only with content, and only from 1', () => {
    expect(md('Steps:\n- one\n- two')).to.equal('<p>Steps:</p><ul><li>one</li><li>two</li></ul>');
    expect(md('The year\n2024. was long')).to.equal('<p>The year\n2024. was long</p>');
    expect(md('Steps:\n1. one')).to.equal('<p>Steps:</p><ol><li>one</li></ol>');
    expect(md('a\n-\nb')).to.equal('<h2>a</h2><p>b</p>');
  });

  it('handles empty items, new delimiters and quotes inside items (spec examples 281, 302, 320)', () => {
    expect(md('- foo\n-\n- bar')).to.equal('<ul><li>foo</li><li></li><li>bar</li></ul>');
    expect(md('1. foo\n2. bar\n3) baz')).to.equal('<ol><li>foo</li><li>bar</li></ol><ol start="3"><li>baz</li></ol>');
    expect(md('* a\n  > b\n  >\n* c')).to.equal('<ul><li>a<blockquote><p>b</p></blockquote></li><li>c</li></ul>');
  });

  it('parses GFM task list items', () => {
    expect(md('- [ ] todo\n- [x] done\n- [X] Done\n- [y] no\n- [ ]')).to.equal(
      '<ul><li>[ ] todo</li><li>[x] done</li><li>[x] Done</li><li>[y] no</li><li>[ ] </li></ul>',
    );
    expect(md('1. [x] ordered task')).to.equal('<ol><li>[x] ordered task</li></ol>');
  });

  it('parses block quotes, nested and lazy', () => {
    expect(md('> a\n> b\n\n> c')).to.equal('<blockquote><p>a\nb</p></blockquote><blockquote><p>c</p></blockquote>');
    expect(md('> > deep\n> back')).to.equal('<blockquote><blockquote><p>deep\nback</p></blockquote></blockquote>');
    expect(md('> quote\nlazy')).to.equal('<blockquote><p>quote\nlazy</p></blockquote>');
    expect(md('> - a\n> - b')).to.equal('<blockquote><ul><li>a</li><li>b</li></ul></blockquote>');
    expect(md('>no space')).to.equal('<blockquote><p>no space</p></blockquote>');
  });

  it('parses fenced code with a language, tildes and longer fences', () => {
    expect(md('```js\nlet a = 1;\n```')).to.equal('<pre lang="js">let a = 1;\n</pre>');
    expect(md('~~~ python extra words\nx\n~~~')).to.equal('<pre lang="python">x\n</pre>');
    expect(md('````\n```\nstill code\n````')).to.equal('<pre>```\nstill code\n</pre>');
    expect(md('```\n<script>alert(1)</script>\n```')).to.equal('<pre>&lt;script&gt;alert(1)&lt;/script&gt;\n</pre>');
    // Closing fence shorter than the opening one does not close it; EOF does.
    expect(md('```\na\n``')).to.equal('<pre>a\n``\n</pre>');
    // Indentation of the opening fence is removed from content lines.
    expect(md('  ```\n  two\n    four\n```')).to.equal('<pre>two\n  four\n</pre>');
    // A backtick fence's info string may not contain a backtick: that is inline code.
    expect(md('``` a`b\n')).to.equal('<p><code>a`b</code></p>'.replace('<code>a`b</code>', '``` a`b'));
  });

  it('keeps tabs inside fenced code (Makefiles, Go)', () => {
    const snapshot = parseMarkdown('```make\nall:\n\tgo build\n```');
    const code = snapshot.blocks[0]!;
    expect(code.type).to.equal('code');
    if (code.type === 'code') expect(codeText(code)).to.equal('all:\n\tgo build\n');
  });

  it('parses indented code, dropping trailing blank lines', () => {
    expect(md('    a\n\n    b\n\n\nafter')).to.equal('<pre>a\n\nb\n</pre><p>after</p>');
    expect(md('para\n    not code')).to.equal('<p>para\nnot code</p>');
  });

  it('splits long code into sealed chunks without changing the text', () => {
    const lines = Array.from({ length: 150 }, (_, i) => `line ${i}`);
    const snapshot = parseMarkdown('```\n' + lines.join('\n') + '\n```');
    const code = snapshot.blocks[0]!;
    if (code.type !== 'code') throw new Error('expected code');
    expect(code.chunks.length).to.be.greaterThan(1);
    expect(codeText(code)).to.equal(lines.join('\n') + '\n');
  });

  it('parses GFM tables with alignment, escaped pipes and ragged rows', () => {
    expect(md('| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n| 4 |\n| 5 | 6 | 7 | 8 |')).to.equal(
      '<table><tr><th align="left">a</th><th align="center">b</th><th align="right">c</th></tr>' +
        '<tr><td align="left">1</td><td align="center">2</td><td align="right">3</td></tr>' +
        '<tr><td align="left">4</td><td align="center"></td><td align="right"></td></tr>' +
        '<tr><td align="left">5</td><td align="center">6</td><td align="right">7</td></tr></table>',
    );
    expect(md('a | b\n--|--\n`x \\| y` | **z**')).to.equal(
      '<table><tr><th>a</th><th>b</th></tr><tr><td><code>x | y</code></td><td><strong>z</strong></td></tr></table>',
    );
  });

  it('ends a table at a blank line or another block, and needs matching header cells', () => {
    expect(md('| a |\n|---|\n| 1 |\n\nafter')).to.equal('<table><tr><th>a</th></tr><tr><td>1</td></tr></table><p>after</p>');
    expect(md('| a |\n|---|\n| 1 |\n# h')).to.equal('<table><tr><th>a</th></tr><tr><td>1</td></tr></table><h1>h</h1>');
    expect(md('| a | b |\n|---|\n| 1 |')).to.equal('<p>| a | b |\n|---|\n| 1 |</p>');
    expect(md('intro\n| a |\n|---|')).to.equal('<p>intro</p><table><tr><th>a</th></tr></table>');
  });

  it('shows raw HTML as text', () => {
    expect(md('<div onclick="x()">hi</div>')).to.equal('<p>&lt;div onclick=&quot;x()&quot;&gt;hi&lt;/div&gt;</p>');
    expect(md('<script>\nalert(1)\n</script>')).to.equal('<p>&lt;script&gt;\nalert(1)\n&lt;/script&gt;</p>');
  });

  it('normalises line endings and NUL characters', () => {
    expect(md('a\r\nb\rc\n\r\nd')).to.equal('<p>a\nb\nc</p><p>d</p>');
    expect(md('a\0b')).to.equal('<p>a\ufffdb</p>');
  });
});

describe('markdown inline', () => {
  it('parses emphasis, strong and their nesting', () => {
    expect(md('*a* _b_ **c** __d__ ***e***')).to.equal(
      '<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <em><strong>e</strong></em></p>',
    );
    expect(md('*a **b** c*')).to.equal('<p><em>a <strong>b</strong> c</em></p>');
    expect(md('**a *b* c**')).to.equal('<p><strong>a <em>b</em> c</strong></p>');
    expect(md('*foo**bar**baz*')).to.equal('<p><em>foo<strong>bar</strong>baz</em></p>');
  });

  it('follows the flanking rules (no emphasis around spaces or inside words with _)', () => {
    expect(md('a * b * c')).to.equal('<p>a * b * c</p>');
    expect(md('snake_case_name and 2*3*4')).to.equal('<p>snake_case_name and 2<em>3</em>4</p>');
    expect(md('**unclosed and *half')).to.equal('<p>**unclosed and *half</p>');
    expect(md('***a*')).to.equal('<p>**<em>a</em></p>');
  });

  it('parses GFM strikethrough with one or two tildes', () => {
    expect(md('~~gone~~ ~one~ ~~~three~~~')).to.equal('<p><del>gone</del> <del>one</del> ~~~three~~~</p>');
    expect(md('~~a~')).to.equal('<p>~~a~</p>');
  });

  it('parses code spans', () => {
    expect(md('`a` ``b ` c`` ` d ` `  `')).to.equal('<p><code>a</code> <code>b ` c</code> <code>d</code> <code>  </code></p>');
    expect(md('`*not em*` `unclosed')).to.equal('<p><code>*not em*</code> `unclosed</p>');
    expect(md('`a\nb`')).to.equal('<p><code>a b</code></p>');
  });

  it('applies backslash escapes', () => {
    expect(md('\\*a\\* \\[b\\] \\` \\\\ \\q')).to.equal('<p>*a* [b] ` \\ \\q</p>');
  });

  it('parses inline links with titles, angle brackets and parentheses', () => {
    expect(md('[a](https://x.com "T") [b](<https://x.com/a b>) [c](https://x.com/(1)) [d](https://x.com \'t\')')).to.equal(
      '<p><a href="https://x.com" title="T">a</a> <a href="https://x.com/a b">b</a> ' +
        '<a href="https://x.com/(1)">c</a> <a href="https://x.com" title="t">d</a></p>',
    );
    expect(md('[*em* `code`](https://x.com)')).to.equal('<p><a href="https://x.com"><em>em</em> <code>code</code></a></p>');
    expect(md('[a](https://x.com?a=1&amp;b=\\*)')).to.equal('<p><a href="https://x.com?a=1&amp;b=*">a</a></p>');
    expect(md('[empty]()')).to.equal('<p><a href="">empty</a></p>');
  });

  it('does not nest links and keeps brackets that are not links as text', () => {
    expect(md('[a [b](https://in) c](https://out)')).to.equal('<p>[a <a href="https://in">b</a> c](https://out)</p>');
    expect(md('array[i] and [x]')).to.equal('<p>array[i] and [x]</p>');
    expect(md('[a](not a link)')).to.equal('<p>[a](not a link)</p>');
  });

  it('resolves reference links, collapsed and shortcut, also defined later', () => {
    expect(md('[text][Ref] [ref][] [REF]\n\n[ref]: https://r.com "Title"')).to.equal(
      '<p><a href="https://r.com">text</a> <a href="https://r.com">ref</a> <a href="https://r.com">REF</a></p>',
    );
    expect(md('[missing][nope] [x]')).to.equal('<p>[missing][nope] [x]</p>');
    expect(md('[a]: <https://a.com>\n[b]: https://b.com\n\n[a] [b]')).to.equal(
      '<p><a href="https://a.com">a</a> <a href="https://b.com">b</a></p>',
    );
    // The first definition of a label wins.
    expect(md('[a]: https://first\n[a]: https://second\n\n[a]')).to.equal('<p><a href="https://first">a</a></p>');
  });

  it('parses autolinks and email autolinks, and bare http(s) URLs', () => {
    expect(md('<https://a.com/x?y=1> <me@example.com> <not a link>')).to.equal(
      '<p><a href="https://a.com/x?y=1">https://a.com/x?y=1</a> <a href="mailto:me@example.com">me@example.com</a> &lt;not a link&gt;</p>',
    );
    expect(md('See https://a.com/path. Or (https://b.com/x) or https://c.com/a_(b)!')).to.equal(
      '<p>See <a href="https://a.com/path">https://a.com/path</a>. Or (<a href="https://b.com/x">https://b.com/x</a>) ' +
        'or <a href="https://c.com/a_(b)">https://c.com/a_(b)</a>!</p>',
    );
    expect(md('nohttps://x.com and http:// alone')).to.equal('<p>nohttps://x.com and http:// alone</p>');
    // A scheme written as a character reference is no bare URL: text, and no crash.
    expect(md('&#104;ttp://example.com and &#x68;ttps://x.com')).to.equal('<p>http://example.com and https://x.com</p>');
    // After a construct the scheme starts the plain text; after a letter or digit it is part of a word.
    expect(md('http://a.com *https://b.com* 1http://c.com [t](https://d.co')).to.equal(
      '<p><a href="http://a.com">http://a.com</a> <em><a href="https://b.com">https://b.com</a></em> 1http://c.com [t](https://d.co</p>',
    );
  });

  it('parses images', () => {
    expect(md('![a *b*](https://x.com/i.png "t")')).to.equal('<p><img src="https://x.com/i.png" alt="a b"></p>');
  });

  it('parses hard and soft line breaks', () => {
    expect(md('a  \nb\\\nc\nd')).to.equal('<p>a<br>b<br>c\nd</p>');
    expect(md('trailing  ')).to.equal('<p>trailing</p>');
  });

  it('decodes character references', () => {
    expect(md('&amp; &copy; &#65; &#x42; &unknown; &#0;')).to.equal('<p>&amp; © A B &amp;unknown; \ufffd</p>');
  });
});

describe('markdown streaming', () => {
  it('gives the same blocks streamed one character at a time as parsed whole', () => {
    const whole = parseMarkdown(LONG_ANSWER);
    const oneByOne = streamed(LONG_ANSWER, 1);
    expect(oneByOne.blocks).to.deep.equal(whole.blocks);
    expect([...oneByOne.definitions]).to.deep.equal([...whole.definitions]);
    expect(toHtml(whole)).to.contain('<h2>Setext heading</h2>');
  });

  it('gives the same blocks for every chunk size, and for CRLF cut between CR and LF', () => {
    const whole = parseMarkdown(LONG_ANSWER);
    for (const size of [2, 3, 5, 7, 13, 64]) expect(streamed(LONG_ANSWER, size).blocks).to.deep.equal(whole.blocks);
    const crlf = LONG_ANSWER.replace(/\n/g, '\r\n');
    expect(streamed(crlf, 1).blocks).to.deep.equal(whole.blocks);
  });

  it('gives the same result with no snapshots read while streaming', () => {
    const stream = createMarkdownStream();
    for (const ch of LONG_ANSWER) stream.append(ch);
    stream.end();
    expect(stream.snapshot().blocks).to.deep.equal(parseMarkdown(LONG_ANSWER).blocks);
  });

  it('keeps every closed block (and closed list item and table row) the same object as text is appended', () => {
    const stream = createMarkdownStream();
    const seen = new Map<number, unknown>();
    const check = (blocks: readonly Block[]) => {
      for (const block of blocks) {
        if (block.closed) {
          if (seen.has(block.id)) expect(seen.get(block.id), `block ${block.id}`).to.equal(block);
          seen.set(block.id, block);
        }
        if (block.type === 'list') {
          for (const item of block.items) {
            if (item.closed) {
              if (seen.has(item.id)) expect(seen.get(item.id), `item ${item.id}`).to.equal(item);
              seen.set(item.id, item);
            }
            check(item.children);
          }
        }
        if (block.type === 'blockquote') check(block.children);
      }
    };
    let previousRows: unknown[] = [];
    for (let i = 0; i < LONG_ANSWER.length; i += 3) {
      stream.append(LONG_ANSWER.slice(i, i + 3));
      const { blocks } = stream.snapshot();
      check(blocks);
      const table = blocks.find((b) => b.type === 'table');
      if (table?.type === 'table') {
        // Finished rows stay the same arrays while the table grows.
        previousRows.forEach((row, r) => {
          if (r < table.rows.length - 1) expect(table.rows[r]).to.equal(row);
        });
        previousRows = [...table.rows];
      }
    }
    stream.end();
    check(stream.snapshot().blocks);
    expect(seen.size).to.be.greaterThan(20);
  });

  it('only builds new objects along the open tail', () => {
    const stream = createMarkdownStream();
    for (let i = 0; i < 300; i++) stream.append(`Paragraph ${i} with *some* text.\n\n`);
    stream.append('The open one');
    const before = stream.snapshot().blocks;
    stream.append(' grows');
    const after = stream.snapshot().blocks;
    expect(after.length).to.equal(301);
    for (let i = 0; i < 300; i++) expect(after[i]).to.equal(before[i]);
    expect(after[300]).to.not.equal(before[300]);
    expect(after[300]!.id).to.equal(before[300]!.id);
    expect(after[300]!.closed).to.equal(false);
  });

  it('returns the same snapshot until more text arrives', () => {
    const stream = createMarkdownStream();
    stream.append('a');
    expect(stream.snapshot()).to.equal(stream.snapshot());
    stream.append('');
    const snapshot = stream.snapshot();
    stream.append('b');
    expect(stream.snapshot()).to.not.equal(snapshot);
  });

  it('shows a half-written link as text until its ) arrives', () => {
    const stream = createMarkdownStream();
    stream.append('Read [the docs](https://exa');
    expect(toHtml(stream.snapshot())).to.equal('<p>Read [the docs](https://exa</p>');
    stream.append('mple.com)');
    expect(toHtml(stream.snapshot())).to.equal('<p>Read <a href="https://example.com">the docs</a></p>');
  });

  it('shows an open code fence while it streams, then closes it', () => {
    const stream = createMarkdownStream();
    stream.append('```py\nprint(1)\npri');
    let [code] = stream.snapshot().blocks;
    expect(code).to.include({ type: 'code', lang: 'py', closed: false });
    if (code?.type === 'code') expect(codeText(code)).to.equal('print(1)\npri\n');
    // A line that may become the closing fence is held back, not shown as code.
    stream.append('nt(2)\n``');
    [code] = stream.snapshot().blocks;
    if (code?.type === 'code') expect(codeText(code)).to.equal('print(1)\nprint(2)\n');
    stream.append('`\nafter');
    const blocks = stream.snapshot().blocks;
    expect(blocks[0]).to.include({ type: 'code', closed: true });
    expect(toHtml(stream.snapshot())).to.equal('<pre lang="py">print(1)\nprint(2)\n</pre><p>after</p>');
  });

  it('does not flash a heading or a rule for a line that may still become a list', () => {
    const stream = createMarkdownStream();
    stream.append('Steps:\n');
    for (const piece of ['-', ' ', 'o', 'ne']) {
      stream.append(piece);
      const html = toHtml(stream.snapshot());
      expect(html, `after ${JSON.stringify(piece)}`).to.not.match(/<h2>|<hr>/);
    }
    expect(toHtml(stream.snapshot())).to.equal('<p>Steps:</p><ul><li>one</li></ul>');
  });

  it('shows a table header as soon as its delimiter row starts', () => {
    const stream = createMarkdownStream();
    stream.append('| a | b |\n|--');
    expect(toHtml(stream.snapshot())).to.equal('<p>| a | b |</p>');
    stream.append('-|--');
    expect(toHtml(stream.snapshot())).to.equal('<table><tr><th>a</th><th>b</th></tr></table>');
    stream.append('-|\n| 1 | 2');
    expect(toHtml(stream.snapshot())).to.equal('<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>');
  });

  it('hides a reference definition while it is written', () => {
    const stream = createMarkdownStream();
    stream.append('See [docs].\n\n[docs]: https://exa');
    expect(toHtml(stream.snapshot())).to.equal('<p>See [docs].</p>');
    stream.append('mple.com\n');
    expect(toHtml(stream.snapshot())).to.equal('<p>See <a href="https://example.com">docs</a>.</p>');
  });

  it('closes everything on end(), and ignores text after it', () => {
    const stream = createMarkdownStream();
    stream.append('- a\n- b\n\n```\ncode');
    stream.end();
    stream.append('more');
    const { blocks, done } = stream.snapshot();
    expect(done).to.equal(true);
    expect(blocks.every((b) => b.closed)).to.equal(true);
    expect(toHtml(stream.snapshot())).to.equal('<ul><li>a</li><li>b</li></ul><pre>code\n</pre>');
  });
});

describe('MarkdownCache', () => {
  it('feeds each message its new text only, and keeps finished blocks', () => {
    const cache = new MarkdownCache<object>();
    const message = {};
    const first = cache.get(message, 'Hello\n\nWor', false);
    expect(cache.get(message, 'Hello\n\nWor', false)).to.equal(first);
    const second = cache.get(message, 'Hello\n\nWorld', false);
    expect(second.blocks[0]).to.equal(first.blocks[0]);
    expect(toHtml(second)).to.equal('<p>Hello</p><p>World</p>');
    const done = cache.get(message, 'Hello\n\nWorld', true);
    expect(done.done).to.equal(true);
    expect(done.blocks[0]).to.equal(first.blocks[0]);
    expect(cache.get(message, 'Hello\n\nWorld', true)).to.equal(done);
  });

  it('starts again when the text was replaced rather than extended', () => {
    const cache = new MarkdownCache<object>();
    const message = {};
    cache.get(message, '# Old title', false);
    expect(toHtml(cache.get(message, 'New', false))).to.equal('<p>New</p>');
    expect(toHtml(cache.get(message, 'Nix and more', false))).to.equal('<p>Nix and more</p>');
    expect(toHtml(cache.get({}, '*other*', true))).to.equal('<p><em>other</em></p>');
  });
});

describe('safeUrl', () => {
  it('allows http, https and mailto, returning the parsed URL', () => {
    expect(safeUrl('https://example.com/a b')).to.equal('https://example.com/a%20b');
    expect(safeUrl('HTTP://Example.COM')).to.equal('http://example.com/');
    expect(safeUrl('mailto:me@example.com')).to.equal('mailto:me@example.com');
    expect(safeUrl('  https://x.com\t')).to.equal('https://x.com/');
  });

  it('refuses other schemes, relative URLs and obfuscated ones', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' \x01javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'javascript&colon;alert(1)',
      '&#106;avascript:alert(1)',
      '&#x6A;avascript:alert(1)',
      '&#106avascript:alert(1)',
      'jav&#x09;ascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '/relative',
      '//evil.example/x',
      '',
    ]) {
      expect(safeUrl(url), url).to.equal(undefined);
    }
  });

  it('allows only https for images', () => {
    expect(safeUrl('https://x.com/i.png', { image: true })).to.equal('https://x.com/i.png');
    expect(safeUrl('http://x.com/i.png', { image: true })).to.equal(undefined);
    expect(safeUrl('data:image/png;base64,AAAA', { image: true })).to.equal(undefined);
  });
});

describe('renderMarkdown', () => {
  async function host(): Promise<HTMLElement> {
    const el = await fixture<HTMLElement>(html`<div></div>`);
    const root = el.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [markdownStyles.styleSheet!];
    return el;
  }
  const show = (el: HTMLElement, snapshot: MarkdownSnapshot, allowImages = false) =>
    render(renderMarkdown(snapshot, { allowImages, labels }), el.shadowRoot!);
  const $ = (el: HTMLElement, selector: string) => el.shadowRoot!.querySelector(selector);
  const $$ = (el: HTMLElement, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)];

  it('renders blocks to the matching elements', async () => {
    const el = await host();
    show(el, parseMarkdown(LONG_ANSWER));
    expect($$(el, '.md > h1, .md > h2').map((h) => h.textContent)).to.deep.equal(['Release notes', 'Highlights', 'Setext heading']);
    expect($$(el, '.md > ul > li').length).to.equal(4);
    expect($$(el, '.md > ul > li > ol > li').map((li) => li.textContent!.trim())).to.deep.equal(['open()', 'close()']);
    expect($$(el, 'li.task input[type=checkbox]').map((box) => (box as HTMLInputElement).checked)).to.deep.equal([true, false]);
    expect($(el, 'blockquote strong')!.textContent).to.equal('Note');
    expect($$(el, 'th').map((th) => th.className)).to.deep.equal(['left', 'right', 'center']);
    expect($$(el, 'tbody tr').length).to.equal(2);
    expect($$(el, 'tbody td')[3]!.textContent).to.equal('size | gz');
    expect($$(el, 'hr').length).to.equal(1);
    expect($(el, 'del')!.textContent).to.equal('old');
    expect($(el, 'ol.loose')).to.exist;
    // Raw HTML is text.
    expect($(el, '.md b')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('<b>not bold</b>');
  });

  it('shows a tight list item as its text, and a loose one as paragraphs (no node more than the spec needs)', async () => {
    const el = await host();
    show(el, parseMarkdown('- one **bold**\n- two\n  - nested\n\n1. a\n\n2. b'));
    const tight = $$(el, '.md > ul > li');
    expect(tight.map((li) => li.querySelector(':scope > p'))).to.deep.equal([null, null]);
    expect(tight[0]!.querySelector('strong')!.textContent).to.equal('bold');
    expect(tight[1]!.querySelector('ul > li')!.textContent).to.equal('nested');
    expect($$(el, '.md > ol > li > p').map((p) => p.textContent)).to.deep.equal(['a', 'b']);
  });

  it('opens links in a new tab without opener or referrer', async () => {
    const el = await host();
    show(el, parseMarkdown('[a](https://example.com/x) <mailto:me@x.com> [r][docs]\n\n[docs]: https://example.com/d'));
    const links = $$(el, 'a') as HTMLAnchorElement[];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      'https://example.com/x',
      'mailto:me@x.com',
      'https://example.com/d',
    ]);
    for (const a of links) {
      expect(a.target).to.equal('_blank');
      expect(a.rel).to.equal('noopener noreferrer');
    }
  });

  it('renders a link with a refused URL as its text', async () => {
    const el = await host();
    show(el, parseMarkdown('[click *me*](javascript:alert(1)) and <vbscript:x> and [rel](/path)'));
    expect($$(el, 'a').length).to.equal(0);
    expect($(el, 'p')!.textContent).to.equal('click me and vbscript:x and rel');
    expect($(el, 'p em')!.textContent).to.equal('me');
  });

  it('shows images as alt text unless allowed, and then only https with no referrer', async () => {
    const el = await host();
    const doc = parseMarkdown('![cat](https://example.com/cat.png) ![dog](http://example.com/dog.png)');
    show(el, doc);
    expect($$(el, 'img').length).to.equal(0);
    expect($(el, 'p')!.textContent).to.equal('cat dog');
    show(el, doc, true);
    const images = $$(el, 'img') as HTMLImageElement[];
    expect(images.length).to.equal(1);
    expect(images[0]!.getAttribute('src')).to.equal('https://example.com/cat.png');
    expect(images[0]!.alt).to.equal('cat');
    expect(images[0]!.getAttribute('referrerpolicy')).to.equal('no-referrer');
    expect(images[0]!.getAttribute('loading')).to.equal('lazy');
    expect($(el, 'p')!.textContent).to.contain('dog');
  });

  // The element's log calls copyCode for a click on any code block's Copy (one listener for all).
  it('labels code with its language and copies it with the Copy button', async () => {
    const el = await host();
    show(el, parseMarkdown('```ts\nconst x = 1;\n```'));
    expect($(el, '.code-lang')!.textContent).to.equal('ts');
    const button = $(el, 'button.copy') as HTMLButtonElement;
    expect(button.disabled).to.equal(false);
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void (copied = text) },
    });
    try {
      copyCode(button, labels);
      await new Promise((resolve) => setTimeout(resolve));
      expect(copied).to.equal('const x = 1;\n');
      expect(button.textContent).to.equal('Copied');
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
      });
      copyCode(button, labels);
      await new Promise((resolve) => setTimeout(resolve));
      expect(button.textContent).to.equal('Press Ctrl+C');
      expect(getSelection()!.toString()).to.contain('const x = 1;');
    } finally {
      delete (navigator as { clipboard?: unknown }).clipboard;
      if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });

  it('highlights finished code up to 32 KB and leaves longer code plain (its spans would be laid out in one task)', async () => {
    const el = await host();
    const calls: number[] = [];
    const highlighter = (text: string) => {
      calls.push(text.length);
      return [{ text, type: 'keyword' as const }];
    };
    const line = 'const value = 1;\n';
    const doc = parseMarkdown('```js\n' + line.repeat(100) + '```\n\n```js\n' + line.repeat(2000) + '```\n');
    render(renderMarkdown(doc, { labels, highlighter }), el.shadowRoot!);
    const [short, long] = $$(el, 'pre code');
    expect(short!.querySelector('.tok-keyword')!.textContent).to.equal(line.repeat(100));
    expect(long!.querySelector('span')).to.equal(null);
    expect(long!.textContent).to.equal(line.repeat(2000));
    expect(calls).to.deep.equal([line.length * 100]);
  });

  it('disables Copy while the fence is still open', async () => {
    const el = await host();
    const stream = createMarkdownStream();
    stream.append('```\npartial');
    show(el, stream.snapshot());
    expect(($(el, 'button.copy') as HTMLButtonElement).disabled).to.equal(true);
    stream.append('\n```\n');
    show(el, stream.snapshot());
    expect(($(el, 'button.copy') as HTMLButtonElement).disabled).to.equal(false);
  });

  it('never touches the DOM of finished blocks while the answer grows', async () => {
    const el = await host();
    const stream = createMarkdownStream();
    const text = LONG_ANSWER;
    const half = text.indexOf('| Metric');
    stream.append(text.slice(0, half));
    show(el, stream.snapshot());
    const first = $(el, '.md > h1')!;
    const list = $(el, '.md > ul')!;
    const mutated = new Set<Node>();
    const observer = new MutationObserver((records) => records.forEach((r) => mutated.add(r.target)));
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
    for (let i = half; i < text.length; i += 4) {
      stream.append(text.slice(i, i + 4));
      show(el, stream.snapshot());
    }
    await Promise.resolve();
    observer.disconnect();
    expect($(el, '.md > h1')).to.equal(first);
    expect($(el, '.md > ul')).to.equal(list);
    for (const node of mutated) {
      expect(first.contains(node), 'heading mutated').to.equal(false);
      expect(list.contains(node), 'list mutated').to.equal(false);
    }
  });

  it('updates an open paragraph in place, without replacing its element', async () => {
    const el = await host();
    const stream = createMarkdownStream();
    stream.append('Hello');
    show(el, stream.snapshot());
    const p = $(el, 'p');
    stream.append(', *world*');
    show(el, stream.snapshot());
    stream.append('!\n\nNext');
    show(el, stream.snapshot());
    expect($(el, 'p')).to.equal(p);
    expect(p!.textContent).to.equal('Hello, world!');
    expect($$(el, 'p').length).to.equal(2);
  });

  it('renders links defined after they are used once the definition arrives', async () => {
    const el = await host();
    const stream = createMarkdownStream();
    stream.append('See [the docs].\n\n');
    show(el, stream.snapshot());
    expect($$(el, 'a').length).to.equal(0);
    stream.append('[the docs]: https://example.com/docs\n');
    show(el, stream.snapshot());
    expect(($(el, 'a') as HTMLAnchorElement).href).to.equal('https://example.com/docs');
  });

  it('is accessible', async () => {
    const el = await fixture<HTMLElement>(html`<div></div>`);
    render(renderMarkdown(parseMarkdown(LONG_ANSWER), { labels }), el);
    await expect(el).to.be.accessible();
  });
});
