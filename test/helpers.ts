import { fixture, html } from '@open-wc/testing';
import '../src/index.js';
import type { AiChat } from '../src/ai-chat.js';

/** One piece of a scripted response body: text, raw bytes (base64), and a delay before it. */
export type ScriptedChunk = string | { text?: string; base64?: string; delay?: number };

/** What the test server answers to one request (see test/server/scripted-sse-server.mjs). */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  contentType?: string;
  chunks?: ScriptedChunk[];
  /** Default delay before each chunk, in ms. */
  delay?: number;
  end?: 'close' | 'cut' | 'hang';
  /** Answer cross-origin requests for the page's origin, with or without Allow-Credentials. */
  cors?: 'plain' | 'credentials';
}

/** A request as the test server received it. */
export interface RecordedRequest {
  /** Server clock, ms. */
  receivedAt: number;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** The client closed the connection before the response ended. */
  clientClosed: boolean;
  completed: boolean;
}

export interface Scenario {
  url: string;
  /** The chat requests (POST) the server received, in order. */
  requests(): Promise<RecordedRequest[]>;
  /** The cancels (`DELETE`, sent by Stop) the server received. */
  cancels(): Promise<Array<{ receivedAt: number; headers: Record<string, string> }>>;
}

/** Registers responses for the next requests to `scenario.url`, in order (the last one repeats). */
export async function scenario(...responses: ScriptedResponse[]): Promise<Scenario> {
  const answer = await fetch('/__scenario', { method: 'POST', body: JSON.stringify({ responses }) });
  const { id } = (await answer.json()) as { id: string };
  const log = async () =>
    (await (await fetch(`/__log/${id}`)).json()) as {
      requests: RecordedRequest[];
      cancels: Array<{ receivedAt: number; headers: Record<string, string> }>;
    };
  return {
    url: `/sse/${id}`,
    async requests() {
      return (await log()).requests;
    },
    async cancels() {
      return (await log()).cancels;
    },
  };
}

/** One `data:` event holding an OpenAI chat-completion chunk, as a backend forwards it. */
export const openAiEvent = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
export const DONE = 'data: [DONE]\n\n';

/** The events of an answer made of `words`, each as its own chunk. */
export function wordStream(words: string[], delay = 5): ScriptedResponse {
  return { delay, chunks: [...words.map(openAiEvent), DONE] };
}

export async function chatAt(url: string): Promise<AiChat> {
  return fixture<AiChat>(html`<ai-chat endpoint=${url}></ai-chat>`);
}

export function shadow(el: AiChat): ShadowRoot {
  return el.shadowRoot!;
}

/** The text of each visible message bubble, in order. */
export function bubbleTexts(el: AiChat): string[] {
  return [...shadow(el).querySelectorAll('.message .content')].map((node) => node.textContent ?? '');
}

/** The first element of the shadow DOM that has `name` among its parts. */
export function part<T extends Element = HTMLElement>(el: AiChat, name: string): T | null {
  return shadow(el).querySelector<T>(`[part~="${name}"]`);
}

export function lastBubble(el: AiChat): HTMLElement {
  const bubbles = shadow(el).querySelectorAll<HTMLElement>('.message');
  return bubbles[bubbles.length - 1]!;
}

export function input(el: AiChat): HTMLTextAreaElement {
  return shadow(el).querySelector('[part=input]')!;
}

/** Types into the text box the way a reader does (value plus an input event). */
export function type(el: AiChat, text: string): void {
  const box = input(el);
  box.value = text;
  box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

export function pressKey(el: AiChat, key: string, init: KeyboardEventInit = {}): void {
  input(el).dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init }));
}

/** Polls until `check` returns a truthy value (the network is real, so things take real time). */
/** What `until` resolves with: the check's first truthy value. */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function until<T>(check: () => T | Promise<T>, what: string, timeout = 5000): Promise<Truthy<T>> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (performance.now() - start > timeout) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** Waits until the server has seen the client close `count` connections of the scenario. */
export async function untilServerSeesClose(flow: Scenario, index = 0): Promise<RecordedRequest> {
  return until(async () => {
    const request = (await flow.requests())[index];
    return request?.clientClosed ? request : undefined;
    // The close reaches the server through the browser's network process: on a loaded two-core machine that took over 5 s once.
  }, 'the server to see the connection close', 15_000);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second page on the same origin (another tab, as far as storage is concerned) running the script-tag bundle. */
export async function otherPage(body: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><script src="/dist/ai-chat.iife.js"></script>${body}`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  return frame;
}

/** Reloads the page in `frame` for real and returns its widget once it has rendered. */
export async function reloadPage(frame: HTMLIFrameElement): Promise<AiChat> {
  const reloaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.contentWindow!.location.reload();
  await reloaded;
  const restored = frame.contentDocument!.querySelector('ai-chat') as AiChat;
  await restored.updateComplete;
  return restored;
}

/** A request's messages as role and text only, for tests about which messages are sent (the parts beside them are tested in ai-chat.request). */
export const textOnly = (messages: Array<{ role: string; content: string }>) => messages.map(({ role, content }) => ({ role, content }));

/**
 * The label a button shows: its text, or (an action named by its text, which
 * holds no text node) its name as the styles draw it.
 */
export function shownLabel(button: Element): string {
  if (button.textContent) return button.textContent;
  const drawn = getComputedStyle(button, '::after').content;
  return drawn === 'none' ? '' : (JSON.parse(drawn) as string);
}
