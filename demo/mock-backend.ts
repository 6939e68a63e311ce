import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A stand-in for the backend that holds the provider key: it answers every
 * POST with a multi-paragraph reply streamed word by word as OpenAI
 * chat-completion chunks, exactly as a real backend forwards them. No key and
 * no other server needed.
 */
const REPLY = [
  'Hello! I am the demo backend built into `npm run dev`, so you can watch',
  'an answer stream in without an API key.',
  '',
  'Every word you see arrived as its own Server-Sent Event, in the same',
  'shape a backend forwards from OpenAI: a `data:` line holding a',
  'chat-completion chunk, then a blank line. The widget reads each event as',
  'it lands and paints at most once per animation frame.',
  '',
  'Try the Stop button while this is still typing: the request is really',
  'aborted, the server sees the connection close, and the text so far stays.',
  'Then ask another question to see the whole conversation sent again.',
].join('\n');

function tokens(text: string): string[] {
  // Words with their trailing space or newline, the way models emit tokens.
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (part: string) => (raw += part));
    req.on('end', () => {
      try {
        resolve(JSON.parse(raw));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function lastUserText(body: unknown): string {
  const messages = (body as { messages?: Array<{ role: string; content: string }> } | undefined)?.messages;
  const last = messages?.filter((message) => message.role === 'user').at(-1);
  return typeof last?.content === 'string' ? last.content : '';
}

/** Node middleware: handles `POST /api/chat`, passes anything else on. */
export async function mockChat(req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> {
  if (req.method !== 'POST' || !req.url?.startsWith('/api/chat')) return next();
  const body = await readJson(req);
  if (body === undefined) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'The request body is not JSON.' } }));
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    // no-transform keeps compression middleware from buffering the stream.
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.flushHeaders();

  let closed = false;
  res.on('close', () => (closed = true));
  const question = lastUserText(body);
  const intro = question ? `You asked: “${question.slice(0, 120)}”\n\n` : '';
  const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);

  send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] });
  for (const token of tokens(intro + REPLY)) {
    if (closed) return;
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 45));
    send({ choices: [{ index: 0, delta: { content: token } }] });
  }
  send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  res.end('data: [DONE]\n\n');
}
