// A deterministic markdown answer of any length, cut into model-like tokens
// (a word and its trailing space or newline), for the benchmark's server.

const BLOCKS = [
  '## Getting started with the widget\n\n',
  'The **element** streams each answer *as it arrives*, and keeps ~~flicker~~ out of the way. See [the docs](https://example.com/docs) for `endpoint` and friends.\n\n',
  '- first, add the script tag\n- then set `endpoint`\n  - nested: pick a `theme`\n  - nested: try `mode="launcher"`\n- finally, ask a question\n\n',
  '1. Install the package\n2. Import it once\n3. Use `<ai-chat>` anywhere\n\n',
  '```js\nconst chat = document.querySelector("ai-chat");\nchat.addEventListener("ai-chat-done", (event) => {\n  console.log(event.detail.message.content);\n});\n```\n\n',
  '| option | default | meaning |\n| --- | :---: | ---: |\n| `max-retries` | 3 | retries |\n| `timeout` | 0 | no limit |\n\n',
  '> A quoted note with a link to <https://example.org/page> and some **bold** words.\n\n',
  'A plain paragraph that goes on for a while so that the answer has the rhythm of ordinary prose, with commas, clauses and the occasional `inline code` span.\n\n',
  '---\n\n',
];

/** Splits text into tokens the way model streams arrive: a word plus what follows it. */
function tokenize(text) {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Exactly `count` tokens of markdown. */
export function markdownTokens(count) {
  const tokens = [];
  for (let i = 0; tokens.length < count; i++) {
    for (const token of tokenize(BLOCKS[i % BLOCKS.length])) {
      tokens.push(token);
      if (tokens.length === count) break;
    }
  }
  return tokens;
}
