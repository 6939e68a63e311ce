/**
 * OpenAI Chat Completions and every OpenAI-compatible server (vLLM,
 * llama.cpp, Ollama `/v1`, DeepSeek, Mistral, OpenRouter, Azure, Groq).
 * See test/fixtures/openai-chat.md and ollama-and-openai-compat.md.
 */
import { extraction, isObject, notText, readParts, skip, type Json } from './json.js';
import type { EventInput, ExtractResult, FamilyReader } from './types.js';

/** The choice the widget renders: index 0 (or the first, when there is no index). */
function firstChoice(choices: unknown[]): unknown {
  return choices.find((choice) => isObject(choice) && choice.index === 0) ?? choices[0];
}

/** Text, reasoning and why-not from a `delta` or a `message`. */
function readMessage(message: Json): { text: string; reasoning: string; problem?: string } {
  let text = '';
  let reasoning = '';
  let problem: string | undefined;
  const { content } = message;
  if (typeof content === 'string') text += content;
  else if (Array.isArray(content)) {
    // Mistral Magistral: typed parts; only text parts are answer text.
    const parts = readParts(content);
    text += parts.text;
    reasoning += parts.reasoning;
  } else problem = notText('content', content);
  if (typeof message.refusal === 'string') text += message.refusal;
  // DeepSeek, xAI, llama.cpp, older vLLM: reasoning_content; OpenRouter,
  // Ollama /v1, newer vLLM: reasoning. Read one, in case a server sends both.
  const thought = typeof message.reasoning_content === 'string' ? message.reasoning_content : message.reasoning;
  if (typeof thought === 'string') reasoning += thought;
  else problem ??= notText('reasoning', thought);
  return { text, reasoning, problem };
}

class OpenAiChat implements FamilyReader {
  readonly name = 'openai';
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
  #owed = true;
  #fromProvider = false;

  get expectsTerminal(): boolean {
    return this.#fromProvider && this.#owed;
  }

  event({ value }: EventInput): ExtractResult | undefined {
    if (!isObject(value)) return undefined;
    if (value.object === 'chat.completion.chunk') this.#fromProvider = true;
    if (!Array.isArray(value.choices)) {
      return value.object === 'chat.completion.chunk' ? skip('a chunk without choices') : undefined;
    }
    if (value.choices.length === 0) {
      return skip(value.usage ? 'usage chunk (choices: [])' : 'a chunk with no choices (content filter results)');
    }
    const choice = firstChoice(value.choices);
    if (!isObject(choice)) return skip('a choice that is not an object');
    const finished = typeof choice.finish_reason === 'string' && choice.finish_reason !== '';
    this.#owed = !finished;
    if (isObject(choice.delta)) {
      const { text, reasoning, problem } = readMessage(choice.delta);
      const reason =
        problem ??
        (Array.isArray(choice.delta.tool_calls)
          ? 'tool call'
          : finished
            ? `finish chunk (${String(choice.finish_reason)})`
            : typeof choice.delta.role === 'string'
              ? 'role-only chunk'
              : 'a delta without text');
      return extraction({ text, reasoning }, reason);
    }
    // Legacy /v1/completions streams: choices[].text.
    if (typeof choice.text === 'string') return extraction({ text: choice.text }, 'empty text');
    return skip(finished ? `finish chunk (${String(choice.finish_reason)})` : 'a choice without a delta');
  }
}

export const createOpenAiReader = (): FamilyReader => new OpenAiChat();

/** A non-streamed `chat.completion` (or legacy `text_completion`) body. */
export function readOpenAiCompletion(value: Json): ExtractResult | undefined {
  if (!Array.isArray(value.choices) || value.choices.length === 0) return undefined;
  const choice = firstChoice(value.choices);
  if (!isObject(choice)) return undefined;
  if (isObject(choice.message)) {
    const { text, reasoning } = readMessage(choice.message);
    return extraction({ text, reasoning, done: true });
  }
  if (typeof choice.text === 'string') return extraction({ text: choice.text, done: true });
  return undefined;
}
