/**
 * The contract between the element and a code highlighter, kept apart from
 * the built-in highlighter so the element's bundle does not carry it.
 */

/** The kinds of token the element styles; anything else renders unstyled. */
export const TOKEN_TYPES = ['keyword', 'string', 'comment', 'number', 'literal'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export interface HighlightToken {
  text: string;
  type?: TokenType | undefined;
}

/** Splits a finished code block into tokens; never returns HTML. */
export type Highlighter = (code: string, lang: string) => HighlightToken[];
