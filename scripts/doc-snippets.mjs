// Reads the fenced code blocks of the docs, so the checks and the suites that
// run a snippet take it from the page a reader copies it from.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * @typedef {object} Snippet
 * @property {string} file   the Markdown file, relative to the project root
 * @property {number} line   the line of the opening fence, 1-based
 * @property {string} lang   the fence's info string, first word (`''` when none)
 * @property {string} code   the block's text, ending with a newline
 * @property {string} [checkedBy]  from a `<!-- checked by PATH -->` line just above the fence
 */

/** Every fenced block of `file` (relative to the root), in order. */
export function snippetsOf(file) {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const snippets = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body = [];
    let end = index + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) {
      body.push(lines[end].startsWith(indent) ? lines[end].slice(indent.length) : lines[end]);
      end += 1;
    }
    const marker = /^<!-- checked by (\S+) -->$/.exec(lines[index - 1]?.trim() ?? '');
    snippets.push({ file, line: index + 1, lang, code: `${body.join('\n')}\n`, ...(marker ? { checkedBy: marker[1] } : {}) });
    index = end;
  }
  return snippets;
}

/** The one block of `file` whose text starts with `prefix`; throws when there is not exactly one. */
export function snippetStartingWith(file, prefix) {
  const found = snippetsOf(file).filter((snippet) => snippet.code.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${file}: expected one code block starting with "${prefix}", found ${found.length}`);
  return found[0].code;
}
