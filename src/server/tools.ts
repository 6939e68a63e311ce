/**
 * Tool calls on the server: the steps of an answer in the neutral request
 * shape, the tool calls a provider's step asks for (read from its chunks),
 * running a server tool, and the events that carry a tool's result to the
 * widget.
 */
import type { ChatInputMessage, ChatToolCallPart, ProviderDialect, ServerTool, ToolContext } from './types.js';

/** One step of an assistant message: its text, then the tool calls it made (with their results). */
export interface AnswerStep {
  text: string;
  calls: ChatToolCallPart[];
}

/**
 * The steps of an assistant message. A text after tool calls starts a new
 * step (the model answered their results), as does `step-start`; a message
 * without parts is one step of text.
 */
export function stepsOf(message: ChatInputMessage): AnswerStep[] {
  if (!message.parts) return [{ text: message.content, calls: [] }];
  const steps: AnswerStep[] = [];
  let step: AnswerStep | undefined;
  for (const part of message.parts) {
    if (part.type === 'step-start') step = undefined;
    else if (part.type === 'text') {
      if (!step || step.calls.length > 0) steps.push((step = { text: '', calls: [] }));
      step.text += part.text;
    } else if (part.type === 'dynamic-tool') {
      if (!step) steps.push((step = { text: '', calls: [] }));
      step.calls.push(part);
    }
  }
  return steps;
}

/** What a call without a result tells the model: every provider needs a result for every call. */
export const NOT_RUN = 'The tool was not run: the answer stopped before it had a result.';

/** A call's result as the text providers take, and whether it is an error. */
export function resultOf(call: ChatToolCallPart): { text: string; isError: boolean } {
  if (call.state === 'output-available') {
    return { text: typeof call.output === 'string' ? call.output : JSON.stringify(call.output), isError: false };
  }
  return { text: call.state === 'output-error' ? (call.errorText ?? NOT_RUN) : NOT_RUN, isError: true };
}

/** A tool call a provider's step asked for, as read from its chunks. */
export interface StepCall {
  /** Unique within the answer (see {@link createStepReader}). */
  id: string;
  name: string;
  /** The JSON input as streamed. */
  args: string;
}

/** Reads one provider step's chunks for its text and tool calls. */
export interface StepReader {
  /**
   * Reads a chunk, and may rewrite a call's id in it. Returns false for a
   * chunk that ends the answer (Anthropic's `message_stop`): the handler
   * holds it back until it knows no step follows.
   */
  read(chunk: unknown): boolean;
  readonly text: string;
  readonly calls: StepCall[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === 'string' ? value : '');

let serial = 0;

/**
 * Call ids unique within one answer. The widget joins the pieces of a call
 * by its id (and by its index, which every step starts again at 0): a
 * provider that reuses an id in a later step, or sends none (some
 * OpenAI-compatible servers), would merge two calls into one. Such an id is
 * replaced in the chunk before it is forwarded, so the widget, the model
 * and the tool all see the same id.
 */
function uniqueId(wanted: unknown, used: Set<string>): string {
  let id = str(wanted);
  while (!id || used.has(id)) id = `call_${Date.now().toString(36)}${(serial++).toString(36)}`;
  used.add(id);
  return id;
}

/** The reader of one step in `dialect`; `used` holds the call ids of the answer's earlier steps. */
export function createStepReader(dialect: ProviderDialect, used: Set<string>): StepReader {
  const calls: StepCall[] = [];
  /** Open calls by their position in the message (Chat Completions `index`, Anthropic block `index`). */
  const byIndex = new Map<unknown, StepCall & { providerId: string }>();
  const reader = { text: '', calls, read: (_chunk: unknown) => true };

  const start = (index: unknown, providerId: string, name: string) => {
    const call = { id: uniqueId(providerId, used), name, args: '', providerId };
    byIndex.set(index, call);
    calls.push(call);
    return call;
  };

  reader.read =
    dialect === 'openai'
      ? (chunk) => {
          const choices = isObject(chunk) && Array.isArray(chunk.choices) ? chunk.choices : [];
          const choice = choices.find((item) => isObject(item) && (item.index ?? 0) === 0);
          const delta = isObject(choice) ? choice.delta : undefined;
          if (!isObject(delta)) return true;
          reader.text += str(delta.content);
          const list = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
          list.forEach((item, position) => {
            if (!isObject(item)) return;
            const index = item.index ?? position;
            const fn = isObject(item.function) ? item.function : {};
            let call = byIndex.get(index);
            // Only a call's first fragment names it; a new id at a known index is a new call.
            if (!call || (str(item.id) && item.id !== call.providerId)) {
              call = start(index, str(item.id), str(fn.name));
              item.id = call.id;
            }
            call.name = str(fn.name) || call.name;
            call.args += str(fn.arguments);
          });
          return true;
        }
      : (chunk) => {
          if (!isObject(chunk)) return true;
          const { type, index } = chunk;
          if (type === 'message_stop') return false;
          const block = chunk.content_block;
          if (type === 'content_block_start' && isObject(block)) {
            if (block.type === 'tool_use') block.id = start(index, str(block.id), str(block.name)).id;
            else if (block.type === 'text') reader.text += str(block.text);
          }
          const delta = chunk.delta;
          if (type === 'content_block_delta' && isObject(delta)) {
            if (delta.type === 'text_delta') reader.text += str(delta.text);
            const call = byIndex.get(index);
            if (delta.type === 'input_json_delta' && call) call.args += str(delta.partial_json);
          }
          return true;
        };
  return reader;
}

/** A step's call as a `dynamic-tool` part: input parsed (no fragment at all is no argument), or the raw text. */
export function callPart(call: StepCall): ChatToolCallPart {
  let input: unknown = {};
  if (call.args.trim()) {
    try {
      input = JSON.parse(call.args);
    } catch {
      input = call.args;
    }
  }
  return { type: 'dynamic-tool', toolCallId: call.id, toolName: call.name, state: 'input-available', input };
}

/** The AI SDK UI message stream chunks the widget's reader joins to the call by `toolCallId`. */
export const toolOutputChunk = (toolCallId: string, output: unknown) => ({ type: 'tool-output-available', toolCallId, output });
export const toolErrorChunk = (toolCallId: string, errorText: string) => ({ type: 'tool-output-error', toolCallId, errorText });

/**
 * `work`, or a rejection as soon as `signal` aborts, so a tool that ignores
 * its signal cannot hold the answer open. The listener goes when `work`
 * settles, and a late rejection of `work` is handled here.
 */
function orAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const stop = () => reject(Object.assign(new Error('The answer was stopped.'), { name: 'AbortError' }));
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * Runs one call of a server tool. What it throws becomes the call's error
 * result (the model sees it and may try again): not a failed answer. A
 * result that is not JSON is an error too, since it cannot go to the model.
 * Rejects only when `signal` aborts.
 */
export async function runTool(
  tool: ServerTool,
  call: ChatToolCallPart,
  context: ToolContext,
  onError: (error: unknown) => void,
): Promise<ChatToolCallPart> {
  if (typeof call.input === 'string') {
    return { ...call, state: 'output-error', errorText: 'The tool input is not valid JSON.' };
  }
  let output: unknown;
  try {
    output = await orAbort(Promise.resolve().then(() => tool.execute(call.input, context)), context.signal);
  } catch (error) {
    if (context.signal.aborted) throw error;
    onError(error);
    const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
    return { ...call, state: 'output-error', errorText: message || 'The tool failed.' };
  }
  try {
    return { ...call, state: 'output-available', output: JSON.parse(JSON.stringify(output ?? null) ?? 'null') as unknown };
  } catch (error) {
    onError(error);
    return { ...call, state: 'output-error', errorText: 'The tool returned a result that is not JSON.' };
  }
}
