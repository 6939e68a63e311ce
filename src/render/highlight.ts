/**
 * A small, optional syntax highlighter for code blocks in answers. It is not
 * part of the element or its script-tag bundle: a page opts in with
 *
 *   import { highlight } from 'ai-chat-element/highlight';
 *   chat.highlighter = highlight;
 *
 * It returns tokens, never HTML; the element renders each as text inside a
 * span whose class comes from a fixed list. Any function of the same shape
 * (wrapping a bigger highlighter) works too.
 */

import type { Highlighter, HighlightToken, TokenType } from './highlight-types.js';

export type { Highlighter, HighlightToken, TokenType };
export { TOKEN_TYPES } from './highlight-types.js';

const words = (list: string) => new Set(list.split(' '));

const C_LIKE = words(
  'if else for while do switch case break continue return function class extends new this super import export from default const let var try catch finally throw async await yield typeof instanceof in of void delete interface type enum implements public private protected static readonly struct fn impl use mod pub match loop go func package defer chan select range',
);
const PYTHON = words(
  'def class if elif else for while return import from as with try except finally raise lambda yield async await pass break continue in is not and or global nonlocal assert del',
);
const SHELL = words('if then else elif fi for while do done case esac function in export local return');
const SQL = words(
  'select from where insert into values update set delete create table drop alter join left right inner outer on group by order having limit as and or not null primary key',
);
const LITERALS = words('true false null undefined None True False nil');

interface Grammar {
  keywords: Set<string>;
  /** Line comment starters. */
  line: string[];
  /** Block comments, as [open, close]. */
  block?: [string, string];
  caseInsensitive?: boolean;
}

const GRAMMARS: Record<string, Grammar> = {
  c: { keywords: C_LIKE, line: ['//'], block: ['/*', '*/'] },
  python: { keywords: PYTHON, line: ['#'] },
  shell: { keywords: SHELL, line: ['#'] },
  sql: { keywords: SQL, line: ['--'], block: ['/*', '*/'], caseInsensitive: true },
  json: { keywords: new Set(), line: [] },
  css: { keywords: new Set(), line: [], block: ['/*', '*/'] },
};

const ALIASES: Record<string, string> = {
  js: 'c', javascript: 'c', jsx: 'c', ts: 'c', typescript: 'c', tsx: 'c', java: 'c', kotlin: 'c', swift: 'c',
  c: 'c', cpp: 'c', 'c++': 'c', cs: 'c', csharp: 'c', go: 'c', rust: 'c', rs: 'c', php: 'c', dart: 'c', scala: 'c',
  py: 'python', python: 'python', rb: 'python', ruby: 'python',
  sh: 'shell', bash: 'shell', zsh: 'shell', shell: 'shell', console: 'shell',
  sql: 'sql', json: 'json', jsonc: 'c', css: 'css', scss: 'css',
};

/**
 * Splits `code` into keyword, string, comment, number and literal tokens
 * for common languages; unknown languages come back as one plain token.
 * Linear in the length of the code.
 */
export const highlight: Highlighter = (code, lang) => {
  const grammar = GRAMMARS[ALIASES[lang.toLowerCase()] ?? ''];
  if (!grammar) return [{ text: code }];
  const tokens: HighlightToken[] = [];
  let plain = '';
  const push = (text: string, type?: TokenType) => {
    if (!type) return void (plain += text);
    if (plain) tokens.push({ text: plain });
    plain = '';
    tokens.push({ text, type });
  };
  let i = 0;
  while (i < code.length) {
    const comment = grammar.line.find((start) => code.startsWith(start, i));
    if (comment) {
      const end = code.indexOf('\n', i);
      const stop = end === -1 ? code.length : end;
      push(code.slice(i, stop), 'comment');
      i = stop;
      continue;
    }
    if (grammar.block && code.startsWith(grammar.block[0], i)) {
      const end = code.indexOf(grammar.block[1], i + grammar.block[0].length);
      const stop = end === -1 ? code.length : end + grammar.block[1].length;
      push(code.slice(i, stop), 'comment');
      i = stop;
      continue;
    }
    const char = code[i]!;
    if (char === '"' || char === "'" || char === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== char && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      const stop = Math.min(code.length, j + 1);
      push(code.slice(i, stop), 'string');
      i = stop;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(code.slice(i, i + 64));
    if (word) {
      const text = word[0];
      const key = grammar.caseInsensitive ? text.toLowerCase() : text;
      push(text, LITERALS.has(text) ? 'literal' : grammar.keywords.has(key) ? 'keyword' : undefined);
      i += text.length;
      continue;
    }
    const number = /^\d[\d_]*(\.\d+)?([eE][+-]?\d+)?/.exec(code.slice(i, i + 32));
    if (number) {
      push(number[0], 'number');
      i += number[0].length;
      continue;
    }
    push(char);
    i += 1;
  }
  if (plain) tokens.push({ text: plain });
  return tokens;
};
