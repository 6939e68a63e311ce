import { getRequestListener } from '@hono/node-server';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { ChatHandler } from './handler.js';
import { eventSinks, sinkWriters, type EventSink } from './sse.js';

export interface NodeListenerOptions {
  /**
   * Let `@hono/node-server` replace the global `Request` and `Response` with
   * its faster versions. Off by default: the handler often shares a process
   * (Vite, Express) with code that expects the built-in ones.
   */
  overrideGlobalObjects?: boolean;
}

/**
 * Writes an event stream straight into Node's response; see {@link EventSink}.
 * A class, not an object literal of closures: one is kept for every answer
 * in flight, and a literal with a getter is a dictionary-mode object
 * (about 0.8 KB an answer with its closures, measured in a heap snapshot).
 */
class ResponseSink implements EventSink {
  readonly #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  start(status: number, headers: Record<string, string>): void {
    this.#res.writeHead(status, headers);
    // As @hono/node-server does: the headers go now, before the first event.
    if (this.#res.writable) this.#res.flushHeaders();
  }

  write(text: string): boolean {
    return this.#res.write(text);
  }

  get backedUp(): boolean {
    return this.#res.writableNeedDrain;
  }

  drained(): Promise<void> {
    const res = this.#res;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  end(): void {
    this.#res.end();
  }

  fail(error: unknown): void {
    this.#res.destroy(error instanceof Error ? error : undefined);
  }

  onClose(listener: () => void): () => void {
    this.#res.once('close', listener);
    return () => this.#res.off('close', listener);
  }
}

/**
 * Adapts a fetch handler to Node's `(req, res)` listener for `node:http`,
 * Express or Connect. The request conversion, streaming and disconnect
 * detection are `@hono/node-server`'s: a client that goes away aborts
 * `request.signal`, which aborts the provider request.
 */
export function toNodeListener(
  handler: ChatHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  // The handler from createChatHandler writes its event streams into the
  // response itself; any other (a wrapper that may change the response)
  // returns a Response for `@hono/node-server` to write.
  const direct = sinkWriters.has(handler);
  return getRequestListener(
    (request, env) => {
      const { outgoing } = env;
      if (direct && outgoing instanceof ServerResponse) eventSinks.set(request, () => new ResponseSink(outgoing));
      return handler(request);
    },
    {
      overrideGlobalObjects: options.overrideGlobalObjects ?? false,
    },
  );
}
