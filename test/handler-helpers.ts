import { expect } from '@open-wc/testing';

// The browser's side of test/server/handler-harness.mjs, shared by the handler suites.

export interface UpstreamSpec {
  fixture?: string;
  body?: string;
  contentType?: string;
  delayMs?: number;
  acceptDelayMs?: number;
  status?: number;
  message?: string;
  type?: string;
  retryAfter?: number;
  echoKey?: boolean;
  failTimes?: number;
  unreachable?: boolean;
}

export interface SetupSpec {
  provider: 'openai' | 'anthropic' | 'mock';
  options?: Record<string, unknown>;
  /** mockProvider options, for the mock. */
  mock?: Record<string, unknown>;
  upstream?: UpstreamSpec;
  /** MemoryResumeStore options: the handler gets a store of its own. */
  store?: Record<string, number>;
  /** `identify` reads the user from this request header. */
  identifyHeader?: string;
  /** Two instances sharing a real redis-server; resumes (Last-Event-ID) and DELETEs go to instance B, the rest to A. */
  redis?: boolean;
  /** Server tools: the demo's `mockTools` (`local_time`), as `npm run dev` has them. */
  mockTools?: boolean;
  /** A server tool `broken_lookup` that throws {@link FAILING_TOOL_MESSAGE}. */
  failingTool?: boolean;
  /** A server tool `slow_lookup` that takes 30 s unless aborted; the log says `tool slow_lookup started` / `aborted`. */
  slowTool?: boolean;
}

/** What the harness's `broken_lookup` tool throws (test/server/handler-harness.mjs). */
export const FAILING_TOOL_MESSAGE = 'The order service is down for maintenance.';

/** A raw HTTP/1.1 client of the harness, on a real socket (see test/server/handler-harness.mjs). */
export interface UploadSpec {
  length: number;
  body?: string;
  intervalMs?: number;
  waitMs?: number;
  drop?: boolean;
  clients?: number;
}

export interface UpstreamRequest {
  vendor: string;
  path: string;
  authorized: boolean;
  body: Record<string, unknown>;
  closedByClient: boolean;
  completed: boolean;
  /** Date.now() in the harness when the request arrived and when its connection closed. */
  startedAt: number;
  closedAt?: number;
}

export interface HarnessLog {
  upstream: UpstreamRequest[];
  /** `at`: Date.now() in the harness when the handler answered. */
  responses: Array<{ method: string; status: number; headers: Record<string, string>; at: number; instance: 'A' | 'B' }>;
  logs: string[];
}

export interface Setup {
  url: string;
  crossOriginUrl: string;
  log(): Promise<HarnessLog>;
  upload(spec: UploadSpec): Promise<Array<{ status?: number; elapsedMs: number }>>;
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface ManifestEntry {
  file: string;
  expected: { text: string; reasoning: string; error: string | null };
}

export async function setup(spec: SetupSpec): Promise<Setup> {
  const answer = await fetch('/__handler/setup', { method: 'POST', body: JSON.stringify(spec) });
  const { id, url, crossOriginUrl } = (await answer.json()) as { id: string; url: string; crossOriginUrl: string };
  return {
    url,
    crossOriginUrl,
    async log() {
      return (await (await fetch(`/__handler/${id}/log`)).json()) as HarnessLog;
    },
    async upload(upload) {
      const answer = await fetch(`/__handler/${id}/upload`, { method: 'POST', body: JSON.stringify(upload) });
      return ((await answer.json()) as { results: Array<{ status?: number; elapsedMs: number }> }).results;
    },
  };
}

export async function harnessInfo(): Promise<{ key: string; crossOrigin: string; console: string[] }> {
  return (await fetch('/__handler/info')).json();
}

export const conversation = (content = 'hi', extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content }],
  stream: true,
  ...extra,
});

export function post(url: string, body: unknown, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

/** Enough of the event-stream format for what the handler writes and the LF fixtures hold. */
export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const event: Partial<SseEvent> & { data?: string } = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line);
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data = event.data === undefined ? line.slice(6) : `${event.data}\n${line.slice(6)}`;
    }
    if (event.data !== undefined) events.push(event as SseEvent);
  }
  return { events, comments };
}

/** Reads `response` until `count` events have arrived, then cuts the connection. */
export async function readEvents(response: Response, count: number, controller: AbortController): Promise<SseEvent[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const { events } = parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2));
    if (events.length >= count) {
      controller.abort();
      return events.slice(0, count);
    }
  }
  return parseSse(text).events;
}

export async function expectJsonError(response: Response, status: number, type?: string): Promise<{ message: string; type: string }> {
  expect(response.status, `status for ${type ?? 'error'}`).to.equal(status);
  expect(response.headers.get('content-type')).to.equal('application/json');
  const body = (await response.json()) as { error: { message: string; type: string } };
  expect(body.error.message).to.be.a('string').and.not.equal('');
  expect(body.error.type).to.be.a('string');
  if (type) expect(body.error.type).to.equal(type);
  return body.error;
}

export function expectIdsAscending(events: SseEvent[], from = 1): void {
  expect(events.map((event) => event.id)).to.deep.equal(events.map((_, index) => String(index + from)));
}

