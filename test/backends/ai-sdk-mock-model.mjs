// The model of the AI SDK recipe in docs/backend.md: the SDK's own mock,
// standing in for `openai(...)` from @ai-sdk/openai. It answers from the
// prompt that convertToModelMessages made of the widget's messages, so the
// answer proves the route read them: reasoning first, then the text.

import { MockLanguageModelV3, simulateReadableStream } from 'ai/test';

/** The last user message's text in a language-model prompt. */
function lastQuestion(prompt) {
  const user = prompt.filter((message) => message.role === 'user').at(-1);
  return (user?.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
}

export const AI_SDK_REASONING = 'Thinking it over.';

export function openai(modelId) {
  return new MockLanguageModelV3({
    modelId,
    async doStream({ prompt }) {
      const words = `AI SDK heard: ${lastQuestion(prompt)}`.split(' ');
      const usage = {
        inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: words.length, text: words.length, reasoning: 1 },
      };
      const chunks = [
        { type: 'stream-start', warnings: [] },
        { type: 'reasoning-start', id: 'r1' },
        { type: 'reasoning-delta', id: 'r1', delta: AI_SDK_REASONING },
        { type: 'reasoning-end', id: 'r1' },
        { type: 'text-start', id: 't1' },
        ...words.map((word, index) => ({ type: 'text-delta', id: 't1', delta: index ? ` ${word}` : word })),
        { type: 'text-end', id: 't1' },
        { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
      ];
      return { stream: simulateReadableStream({ chunks, chunkDelayInMs: 5 }) };
    },
  });
}
