// What every runtime entry serves: the real handler with a mock answer, and
// GET /stats saying how many provider calls there were and how many of them
// were aborted, so the check can see abort propagation from the outside.

import { createChatHandler, mockProvider } from '../../src/server/index.ts';
import { ANSWER } from './answer.mjs';

export function makeApp() {
  const stats = { calls: 0, aborted: 0, finished: 0 };
  const mock = mockProvider({ script: [ANSWER], tokenDelayMs: 50, firstTokenDelayMs: 0, faultsFromRequest: false });
  const provider = {
    name: 'runtime-check',
    async start(request) {
      stats.calls += 1;
      let finished = false;
      // The handler also aborts the signal once an answer is over: only an abort before the end counts.
      request.signal.addEventListener('abort', () => finished || (stats.aborted += 1), { once: true });
      const stream = await mock.start(request);
      return {
        chunks: (async function* () {
          yield* stream.chunks;
          finished = !request.signal.aborted;
          if (finished) stats.finished += 1;
        })(),
      };
    },
  };
  const handler = createChatHandler({ provider, resumeGraceMs: 100, logger: false });
  return {
    handler,
    stats,
    /** The handler at /api/chat, the stats at /stats. */
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === '/stats') return Response.json(stats);
      if (pathname === '/api/chat') return handler(request);
      return new Response('not found', { status: 404 });
    },
  };
}
