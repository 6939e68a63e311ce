import { getRequestListener } from '@hono/node-server';
import { IncomingMessage, ServerResponse } from 'node:http';
import { bodyReaders, type BodyReader } from './body.js';
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

interface PendingRead {
  resolve(result: ReadableStreamReadResult<Uint8Array>): void;
  reject(error: unknown): void;
}

/**
 * Reads a request body straight from Node's message, the way a reader of
 * its `ReadableStream` (`Readable.toWeb`) does: pieces as they come (the
 * message paused while one waits to be read), the end, a failure or a
 * connection closed early as a rejected read; `releaseLock` and `cancel`
 * leave the rest unread without closing anything.
 */
class IncomingReader implements BodyReader {
  readonly #incoming: IncomingMessage;
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #failure: unknown;
  #released = false;
  #waiting: PendingRead | undefined;

  constructor(incoming: IncomingMessage) {
    this.#incoming = incoming;
    if (incoming.readableEnded) this.#ended = true;
    else if (incoming.destroyed) this.#failure = new Error('The request was closed before its body was read.');
    else {
      incoming.on('data', this.#onData);
      incoming.on('end', this.#onEnd);
      incoming.on('error', this.#onError);
      incoming.on('close', this.#onClose);
    }
  }

  read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (this.#released) return Promise.reject(new TypeError('The body reader was released.'));
    const piece = this.#queue.shift();
    if (piece) {
      if (this.#queue.length === 0 && !this.#ended) this.#incoming.resume();
      return Promise.resolve({ done: false, value: piece });
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  releaseLock(): void {
    if (this.#released) return;
    this.#released = true;
    this.#detach();
    this.#incoming.pause();
    this.#settle()?.reject(new TypeError('The body reader was released.'));
  }

  cancel(): Promise<void> {
    if (this.#released) return Promise.reject(new TypeError('The body reader was released.'));
    this.#released = true;
    this.#detach();
    // Not destroyed: the 413 still goes out, and @hono/node-server drains
    // (or closes) the rest of the upload once it has, as it does after its
    // own body stream is cancelled.
    this.#incoming.pause();
    this.#settle()?.resolve({ done: true, value: undefined });
    return Promise.resolve();
  }

  readonly #onData = (piece: Buffer | string) => {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    const waiting = this.#settle();
    if (waiting) return waiting.resolve({ done: false, value: bytes });
    this.#queue.push(bytes);
    this.#incoming.pause();
  };

  readonly #onEnd = () => {
    this.#ended = true;
    this.#detach();
    this.#settle()?.resolve({ done: true, value: undefined });
  };

  readonly #onError = (error: unknown) => this.#fail(error);

  readonly #onClose = () => {
    if (!this.#ended) this.#fail(new Error('The connection closed before the request body ended.'));
  };

  #fail(error: unknown): void {
    this.#failure ??= error;
    this.#detach();
    this.#settle()?.reject(this.#failure);
  }

  #settle(): PendingRead | undefined {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    return waiting;
  }

  #detach(): void {
    this.#incoming.off('data', this.#onData);
    this.#incoming.off('end', this.#onEnd);
    this.#incoming.off('error', this.#onError);
    this.#incoming.off('close', this.#onClose);
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
      if (direct && env.incoming instanceof IncomingMessage) {
        const { incoming } = env;
        bodyReaders.set(request, () => new IncomingReader(incoming));
      }
      return handler(request);
    },
    {
      overrideGlobalObjects: options.overrideGlobalObjects ?? false,
    },
  );
}
