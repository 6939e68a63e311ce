/**
 * What the handler uses of a body's `ReadableStreamDefaultReader`: pieces as
 * they arrive (so the size limit and the upload deadline apply while it
 * comes), `releaseLock` (stop waiting, leave the connection for the 408),
 * `cancel` (drop the upload).
 */
export interface BodyReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  releaseLock(): void;
  cancel(): Promise<void>;
}

/**
 * The body reader of a request, set by a runtime adapter that can read the
 * body without `request.body` (`toNodeListener`: from Node's
 * `IncomingMessage`). Asking `@hono/node-server`'s request for its `body`
 * builds a whole fetch `Request` with web streams around the message, kept
 * as long as the response: about 8-12 KB for every answer in flight.
 */
export const bodyReaders = new WeakMap<object, () => BodyReader>();
