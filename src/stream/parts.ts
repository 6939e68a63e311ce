/**
 * The parts of an answer (issue #14): everything that was streamed, in order
 * of arrival. Names follow the AI SDK's UI message parts where they name the
 * same thing (`text`, `reasoning`, `mediaType`, `url`, `filename`).
 *
 * The format readers report part deltas (`Extraction.parts`); a builder
 * folds them, result by result, into a `ChatPart[]`. Pure: no DOM.
 * Everything in a part is model output, so it is data to show as text,
 * never markup.
 */
/**
 * What the builder reads of a reader's result: the shape of `Extraction`
 * (formats/types.ts), named here so the two modules do not import each other.
 */
interface ReadResult {
  text?: string;
  reasoning?: string;
  parts?: PartDelta[];
}

/** A tool call's life: its input streams, is complete, then has a result or failed. */
export const TOOL_STATES = ['input-streaming', 'input-available', 'output-available', 'output-error'] as const;

export type ToolState = (typeof TOOL_STATES)[number];

export interface ToolPart {
  type: 'tool';
  /** The provider's call id (Responses: `call_id`), or null when the format gives none (Gemini, Ollama). */
  id: string | null;
  name: string | null;
  /** The parsed JSON input once complete; while it streams, or if it never parses, the raw string. */
  input: unknown;
  /** The tool's result, when the stream carries it (server-side tools, AI SDK tool output). */
  output?: unknown;
  state: ToolState;
  errorText?: string;
}

export interface SourcePart {
  type: 'source';
  /** Always http: or https: (others are dropped). */
  url: string;
  title: string | null;
}

/**
 * Where a text part cites a source: the marker goes after the cited words,
 * `end` UTF-16 code units into the part's `text`. `url` names the source
 * part (sources are kept once per URL).
 */
export interface Citation {
  url: string;
  end: number;
}

/** Answer text; `citations` where the format says which words a source backs (OpenAI, Anthropic, Gemini). */
export interface TextPart {
  type: 'text';
  text: string;
  citations?: Citation[];
}

export interface FilePart {
  type: 'file';
  mediaType: string;
  /** Always data:, http: or https: (others are dropped). */
  url: string;
  filename?: string;
}

export type ChatPart =
  | TextPart
  | { type: 'reasoning'; text: string }
  | ToolPart
  | SourcePart
  | FilePart;

/**
 * One step of a tool call as a format reports it. `key` joins the pieces of
 * one call (a Chat Completions `index`, an Anthropic content block, a
 * Responses item, an AI SDK `toolCallId`); a piece that names an `id` other
 * than the call's starts a new call.
 */
export interface ToolDelta {
  type: 'tool';
  key: string;
  id?: string | undefined;
  name?: string | undefined;
  /** A fragment of the JSON input, appended to the raw string. */
  args?: string | undefined;
  /** The whole input (already parsed): the input is complete. */
  input?: unknown;
  output?: unknown;
  errorText?: string | undefined;
  /** A state reached without a value: `input-available` once every fragment arrived (then the raw string is parsed). */
  state?: ToolState;
}

/** Answer text and reasoning (reasoning first), the shape of a result without parts. */
export interface TextDelta {
  type?: undefined;
  text?: string | undefined;
  reasoning?: string | undefined;
}

/**
 * A cited page. With `at`, also where the answer's latest text part cites it:
 * `'end'` (after the text so far), or a count from the part's start, in
 * Unicode code points (OpenAI's indices) or, with `bytes`, in UTF-8 bytes
 * (Gemini's). A position past the text so far waits for the text.
 */
export interface SourceDelta extends SourcePart {
  at?: number | 'end' | undefined;
  bytes?: boolean | undefined;
}

/**
 * What a format reader reports, in order. Text and reasoning deltas are
 * joined into the part of their kind that is open; sources do not close it.
 */
export type PartDelta = TextDelta | ToolDelta | SourceDelta | FilePart;

export interface PartsBuilder {
  /** The parts so far. Parts are updated in place (text grows, a tool part changes state). */
  readonly parts: ChatPart[];
  /**
   * Folds one reader result in; returns the parts it added and the tool
   * parts whose state it changed, each once per change, in order.
   */
  add(result: ReadResult): ChatPart[];
  /** The body ended cleanly: tool inputs still streaming are complete (parsed), returned as changed. */
  end(): ChatPart[];
}

/**
 * Markers an answer may place: each one is a position search and, when the
 * answer is shown, part of one re-parse. The sources stay listed past it.
 */
export const MAX_CITATIONS = 256;

/** Only web pages are cited; a `javascript:` or relative URL never reaches a link. */
const SAFE_SOURCE = /^https?:/i;
const SAFE_FILE = /^(https?|data):/i;

/** JSON input as parsed, or the raw string when it does not parse. */
export function parseToolInput(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * A result's deltas in order. Without `parts`, a result is its own text
 * delta: reasoning then text (the order of every format that sends both in
 * one event).
 */
export const deltasOf = (result: ReadResult): PartDelta[] => result.parts ?? [result];

export function createPartsBuilder(): PartsBuilder {
  const parts: ChatPart[] = [];
  /** Tool calls by key and by id. While a call streams, its `input` is the raw string so far. */
  const tools = new Map<string, ToolPart>();
  const urls = new Set<string>();
  /** The text or reasoning part the next delta of its kind extends. */
  let open: TextPart | { type: 'reasoning'; text: string } | undefined;
  /** The text part a cited position counts in: the latest one. */
  let lastText: TextPart | undefined;
  /** Citations whose position lies past the text so far, with the part they count in. */
  const waiting: [SourceDelta, TextPart][] = [];
  let cited = 0;
  let changed: ChatPart[] = [];

  const push = (part: ChatPart) => {
    parts.push(part);
    changed.push(part);
  };

  function advance(part: ToolPart, state: ToolState | undefined) {
    if (!state || TOOL_STATES.indexOf(state) <= TOOL_STATES.indexOf(part.state)) return;
    // Every fragment has arrived: parse once, not per fragment (a long input
    // would cost quadratic time). No fragment at all is no argument.
    if (part.state === 'input-streaming') part.input = part.input ? parseToolInput(part.input as string) : {};
    part.state = state;
    // Once per change, and once for a part added in the same step (constant
    // time: a search of the list would be quadratic for many calls at end()).
    if (changed[changed.length - 1] !== part) changed.push(part);
  }

  function tool(delta: ToolDelta) {
    const { key, id } = delta;
    let part = tools.get(key);
    if (id && part?.id && part.id !== id) part = undefined;
    part ??= id ? tools.get(id) : undefined;
    if (!part) {
      open = undefined;
      push((part = { type: 'tool', id: null, name: null, input: '', state: 'input-streaming' }));
    }
    tools.set(key, part);
    if (id) tools.set(id, part);
    part.id = id || part.id;
    part.name = delta.name || part.name;
    if (delta.args && part.state === 'input-streaming') (part.input as string) += delta.args;
    let state = delta.state;
    if (delta.input !== undefined) {
      advance(part, 'input-available');
      part.input = delta.input;
    }
    if (delta.output !== undefined) {
      part.output = delta.output;
      state = 'output-available';
    }
    if (delta.errorText !== undefined) {
      part.errorText = delta.errorText;
      state = 'output-error';
    }
    advance(part, state);
  }

  /**
   * Places a citation's marker in `part`, once per URL and spot; false while
   * its position lies past the text so far (then `end()` places it, at most
   * at the end). Counting code points or bytes walks the text, so the
   * markers are bounded (MAX_CITATIONS).
   */
  function cite({ url, at, bytes }: SourceDelta, part: TextPart, clamp?: boolean): boolean {
    if (cited >= MAX_CITATIONS) return true;
    const { text } = part;
    let end = text.length;
    if (at !== 'end') {
      let count = 0;
      for (end = 0; count < at! && end < text.length; end += text.codePointAt(end)! > 0xffff ? 2 : 1) {
        const code = text.codePointAt(end)!;
        count += bytes ? (code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4) : 1;
      }
      if (count < at! && !clamp) return false;
    }
    const list = (part.citations ??= []);
    if (!list.some((c) => c.url === url && c.end === end)) {
      list.push({ url, end });
      cited++;
    }
    return true;
  }

  function apply(delta: PartDelta) {
    if (delta.type === 'tool') return tool(delta);
    if (delta.type === 'source') {
      const { url } = delta;
      if (!SAFE_SOURCE.test(url)) return;
      if (delta.at !== undefined && lastText && !cite(delta, lastText)) waiting.push([delta, lastText]);
      if (urls.has(url)) return;
      urls.add(url);
      return push({ type: 'source', url, title: delta.title });
    }
    if (delta.type === 'file') {
      if (!SAFE_FILE.test(delta.url)) return;
      open = undefined;
      return push({ ...delta });
    }
    write('reasoning', delta.reasoning);
    write('text', delta.text);
  }

  function write(type: 'text' | 'reasoning', text: string | undefined) {
    if (!text) return;
    if (open?.type === type) open.text += text;
    else push((open = { type, text }));
    if (type === 'text') lastText = open as TextPart;
  }

  return {
    parts,
    add(result) {
      changed = [];
      deltasOf(result).forEach(apply);
      return changed;
    },
    end() {
      changed = [];
      tools.forEach((part) => advance(part, 'input-available'));
      for (const [delta, part] of waiting.splice(0)) cite(delta, part, true);
      return changed;
    },
  };
}
