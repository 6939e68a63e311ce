/**
 * OpenAI Chat Completions and every OpenAI-compatible server (vLLM,
 * llama.cpp, Ollama `/v1`, DeepSeek, Mistral, OpenRouter, Azure, Groq).
 * See test/fixtures/openai-chat.md and ollama-and-openai-compat.md.
 */
import { extraction, isArray, isObject, isString, notText, readContent, skip, str, type Json } from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

/** The choice the widget renders: index 0 (or the first, when there is no index); none without a list. */
const firstChoice = (choices: unknown): unknown =>
  isArray(choices) ? (choices.find((choice) => isObject(choice) && choice.index === 0) ?? choices[0]) : undefined;

/** Text, reasoning and why-not from a `delta` or a `message`. */
function readMessage(message: Json): { text: string; reasoning: string; problem?: string } {
  const { content } = message;
  // Mistral Magistral: typed parts; only text parts are answer text.
  const { text, reasoning } = readContent(content);
  // DeepSeek, xAI, llama.cpp, older vLLM: reasoning_content; OpenRouter,
  // Ollama /v1, newer vLLM: reasoning. Read one, in case a server sends both.
  const thought = isString(message.reasoning_content) ? message.reasoning_content : message.reasoning;
  return {
    text: text + str(message.refusal),
    reasoning: reasoning + str(thought),
    problem: notText('content', isArray(content) ? undefined : content) ?? notText('reasoning', thought),
  };
}

export function createOpenAiReader(): FamilyReader {
  /**
   * Whether the stream still owes its end. The protocol's own end is
   * `[DONE]`, but a backend that re-emits SDK chunks drops it
   * (test/fixtures/forwarded.md): the chunk with `finish_reason` is the one
   * end every form has. `choices: []` chunks (usage, Azure filter results)
   * leave it unchanged.
   *
   * Only chunks that come from a provider (they carry `object:
   * "chat.completion.chunk"`) promise that end. A hand-written backend that
   * sends bare `{"choices":[{"delta":…}]}` and simply closes has finished,
   * not been cut: expecting more from it would turn every answer into an error.
   */
  let owed = true;
  let fromProvider = false;
  return {
    name: 'openai',
    get expectsTerminal() {
      return fromProvider && owed;
    },
    event({ value }) {
      if (!isObject(value)) return undefined;
      const { choices } = value;
      const chunk = value.object === 'chat.completion.chunk';
      fromProvider ||= chunk;
      if (!isArray(choices) && !chunk) return undefined;
      // `choices: []` carries usage or content filter results.
      const choice = firstChoice(choices);
      if (!isObject(choice)) return skip('a chunk without a choice');
      const finish = str(choice.finish_reason);
      owed = !finish;
      const finished = finish ? `finish chunk (${finish})` : undefined;
      const { delta } = choice;
      if (isObject(delta)) {
        const { text, reasoning, problem } = readMessage(delta);
        const reason = problem ?? (isArray(delta.tool_calls) ? 'tool call' : (finished ?? 'a delta without text'));
        return extraction({ text, reasoning }, reason);
      }
      // Legacy /v1/completions streams: choices[].text.
      if (isString(choice.text)) return extraction({ text: choice.text }, 'empty text');
      return skip(finished ?? 'a choice without a delta');
    },
  };
}

/** A non-streamed `chat.completion` (or legacy `text_completion`) body. */
export function readOpenAiCompletion(value: Json): ExtractResult | undefined {
  const choice = firstChoice(value.choices);
  if (!isObject(choice)) return undefined;
  if (isObject(choice.message)) return extraction(readMessage(choice.message));
  return isString(choice.text) ? extraction({ text: choice.text }) : undefined;
}
