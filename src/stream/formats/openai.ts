/**
 * OpenAI Chat Completions and every OpenAI-compatible server (vLLM,
 * llama.cpp, Ollama `/v1`, DeepSeek, Mistral, OpenRouter, Azure, Groq).
 * See test/fixtures/openai-chat.md and ollama-and-openai-compat.md.
 */
import { parseToolInput, type PartDelta } from '../parts.js';
import {
  at,
  createOpenCalls,
  extraction,
  isArray,
  isObject,
  isString,
  list,
  notText,
  readContent,
  skip,
  sourceDelta,
  str,
  toolDelta,
  type Json,
} from './json.js';
import type { ExtractResult, FamilyReader } from './types.js';

/** The choice the widget renders: index 0 (or the first, when there is no index); none without a list. */
const firstChoice = (choices: unknown): unknown =>
  isArray(choices) ? (choices.find((choice) => isObject(choice) && choice.index === 0) ?? choices[0]) : undefined;

/**
 * The pieces of a `delta` or a `message`, and why-not: reasoning, text, then
 * tool calls and `url_citation` annotations (search models; `end_index`
 * counts code points of the message's content, where the marker goes). A streamed
 * call's `arguments` are fragments joined per `index` (only the first names
 * the call); a message's are whole, so they are parsed here.
 */
function readMessage(message: Json, whole?: boolean): { parts: PartDelta[]; problem?: string | undefined } {
  const { content, tool_calls: calls, annotations } = message;
  // Mistral Magistral: typed parts; only text parts are answer text.
  const { text, reasoning } = readContent(content);
  // DeepSeek, xAI, llama.cpp, older vLLM: reasoning_content; OpenRouter,
  // Ollama `/v1`, newer vLLM: reasoning. Read one, in case a server sends both.
  const thought = isString(message.reasoning_content) ? message.reasoning_content : message.reasoning;
  const parts: PartDelta[] = [{ reasoning: reasoning + str(thought), text: text + str(message.refusal) }];
  list(calls).forEach((call, position) => {
    const { id, index = position, function: fn } = isObject(call) ? call : ({} as Json);
    const args = str(at(fn, 'arguments'));
    parts.push(toolDelta(index, id, at(fn, 'name'), whole ? { input: parseToolInput(args) } : { args }));
  });
  for (const note of list(annotations)) {
    const cited = at(note, 'url_citation');
    if (isObject(cited)) parts.push(sourceDelta(cited.url, cited.title, cited.end_index));
  }
  return {
    parts,
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
  /** Argument fragments are complete at `finish_reason`. */
  const calls = createOpenCalls();
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
      const read = isObject(delta) ? readMessage(delta) : undefined;
      // Legacy /v1/completions streams: choices[].text.
      if (!read && isString(choice.text)) return extraction({ text: choice.text }, 'empty text');
      const parts = calls(read?.parts ?? [], finish);
      return extraction({ parts }, read?.problem ?? finished ?? (read ? 'a delta without text' : 'a choice without a delta'));
    },
  };
}

/** A non-streamed `chat.completion` (or legacy `text_completion`) body. */
export function readOpenAiCompletion(value: Json): ExtractResult | undefined {
  const choice = firstChoice(value.choices);
  if (!isObject(choice)) return undefined;
  if (isObject(choice.message)) return extraction(readMessage(choice.message, true));
  return isString(choice.text) ? extraction({ text: choice.text }) : undefined;
}
