import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatHandler } from './handler.js';

export interface NodeListenerOptions {
  /**
   * Let `@hono/node-server` replace the global `Request` and `Response` with
   * its faster versions. Off by default: the handler often shares a process
   * (Vite, Express) with code that expects the built-in ones.
   */
  overrideGlobalObjects?: boolean;
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
  return getRequestListener((request) => handler(request), {
    overrideGlobalObjects: options.overrideGlobalObjects ?? false,
  });
}
