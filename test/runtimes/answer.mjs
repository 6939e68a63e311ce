/** The mock answer every runtime entry serves, word for word. */
export const ANSWER = 'Every runtime streams these exact words, one event a word, and **stops** when the client leaves.';
