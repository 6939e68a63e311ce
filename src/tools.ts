import type { ToolPart } from './stream/parts.js';
import type { ToolDeclaration } from './types.js';

/** What a page tool gets besides its input. */
export interface ToolContext {
  /** Aborted when the reader presses Stop, clears the chat, or the element leaves the page. */
  signal: AbortSignal;
  /** The call being answered (its `id`, `name` and `input`), as shown in the step. */
  call: ToolPart;
}

/** Runs one call of a page tool: returns (or resolves with) its result, which must be JSON. */
export type ToolRun = (input: unknown, context: ToolContext) => unknown;

/**
 * A tool the page runs: a function, or an object with `run` and, for the
 * model, a `description` and the JSON Schema of its input (`parameters`).
 * `approve: true` asks the reader first (Approve and Deny in the step).
 */
export type PageTool =
  | ToolRun
  | { run: ToolRun; approve?: boolean; description?: string; parameters?: unknown };

export type PageTools = Record<string, PageTool>;

/** How many steps of page tool calls one answer may take, by default (`max-steps`). */
export const DEFAULT_MAX_STEPS = 5;

/** Sent to the model as the result of a call the reader denied. */
export const DENIED = 'The user denied this tool call.';

/** The page's tools as the request offers them to the model. */
export function declareTools(tools: PageTools | undefined): ToolDeclaration[] {
  return Object.entries(tools ?? {}).map(([name, tool]) =>
    typeof tool === 'function' ? { name } : { name, description: tool.description, parameters: tool.parameters },
  );
}

/** A page tool's `run` and whether it asks first. */
export const toolRunner = (tool: PageTool) =>
  typeof tool === 'function' ? { run: tool, approve: false } : { run: tool.run, approve: tool.approve === true };

/**
 * Settles a call with what its tool gave: a JSON value becomes the output,
 * anything thrown (or a value that is not JSON) an error result the model
 * reads. The result is copied through JSON so the request can carry it and
 * the page keeps no live object in the transcript.
 */
export async function settle(call: ToolPart, result: Promise<unknown>): Promise<void> {
  try {
    const value = await result;
    const json = JSON.stringify(value ?? null);
    call.output = JSON.parse(json) as unknown;
    call.state = 'output-available';
  } catch (error) {
    call.errorText = error instanceof Error ? error.message || error.name : String(error);
    call.state = 'output-error';
  }
}

/** A promise that rejects when `signal` aborts: a tool that ignores its signal does not hold Stop up. */
export const abortable = <T>(promise: Promise<T>, signal: AbortSignal) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);
