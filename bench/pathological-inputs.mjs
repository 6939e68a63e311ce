// Hostile markdown for the parser and renderer: the cases of cmark's
// test/pathological_tests.py (github.com/commonmark/cmark), regenerated here
// (not copied) at a chosen scale, plus the ones issue #13 measured on this
// widget (deep nesting, a long paragraph, many one-letter paragraphs, a huge
// table). Used by `npm run bench` and by test/markdown-pathological.test.ts.

/** @param {number} n @param {(i: number) => string} piece */
const join = (n, piece) => Array.from({ length: n }, (_, i) => piece(i)).join('');

/**
 * Each entry: a name and the input at scale `n` (repetitions: the text is a
 * few times `n` characters).
 * @param {number} n
 * @returns {{ name: string, text: string }[]}
 */
export function pathologicalInputs(n) {
  return [
    { name: 'nested strong emph', text: '*a **a '.repeat(n) + 'b' + ' a** a*'.repeat(n) },
    { name: 'many emph closers with no openers', text: 'a_ '.repeat(n) },
    { name: 'many emph openers with no closers', text: '_a '.repeat(n) },
    { name: 'many link closers with no openers', text: 'a]'.repeat(n) },
    { name: 'many link openers with no closers', text: '[a'.repeat(n) },
    { name: 'mismatched openers and closers', text: '*a_ '.repeat(n) },
    { name: 'openers and closers multiple of 3', text: 'a**b' + 'c* '.repeat(n) },
    { name: 'link openers and emph closers', text: '[ a_'.repeat(n) },
    { name: 'nested brackets', text: '['.repeat(n) + 'a' + ']'.repeat(n) },
    { name: 'nested block quotes', text: '> '.repeat(n) + 'a' },
    { name: 'nested block quotes, one per line', text: join(Math.min(n, 1000), (i) => '>'.repeat(i + 1) + ' a\n') },
    { name: 'nested list markers', text: '- '.repeat(n) + 'a' },
    { name: 'deeply nested lists', text: join(Math.min(n, 2000), (i) => '  '.repeat(i) + '* a\n') },
    { name: 'nested emphasis run', text: '*'.repeat(n) + 'a' + '*'.repeat(n) },
    { name: 'nested strikethrough and emphasis', text: '~~*_'.repeat(n) + 'a' + '_*~~'.repeat(n) },
    { name: 'backticks', text: join(Math.min(n, 3000), (i) => 'e' + '`'.repeat(i + 1)) },
    { name: 'unclosed links A', text: '[a](<b'.repeat(n) },
    { name: 'unclosed links B', text: '[a](b'.repeat(n) },
    { name: 'unclosed link titles', text: '[a](b "'.repeat(n) },
    { name: 'unclosed parenthesised titles', text: '[a](b ('.repeat(n) },
    { name: 'reference-like labels', text: '[a]['.repeat(n) },
    { name: 'many references', text: join(n, (i) => `[${i}]: u\n`) + '[0] '.repeat(n) },
    { name: 'many autolink starts', text: '<a:'.repeat(n) + '<b@c' .repeat(n) },
    { name: 'bare URL colons', text: 'http:'.repeat(n) + ' https://e.x/' + 'a:'.repeat(n) },
    { name: 'soft line breaks', text: join(n, () => 'a  \nb\\\nc \n') },
    { name: 'table-like lines', text: 'a\n'.repeat(n) + 'a | b\n--|--\n' + '| c |\n'.repeat(n) },
    { name: 'one-letter paragraphs', text: 'a\n\n'.repeat(n * 4) },
    { name: 'long paragraph', text: 'lorem ipsum dolor sit amet, '.repeat(n) },
    { name: 'long paragraph lines', text: 'lorem ipsum dolor sit amet,\n'.repeat(n) },
    { name: 'huge table', text: '| a | b | c |\n|---|---|---|\n' + '| x | y | z |\n'.repeat(n) },
    { name: 'long code fence', text: '```\n' + 'code line\n'.repeat(n) },
  ];
}
