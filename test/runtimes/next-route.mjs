// A Next.js App Router route handler, as app/api/chat/route.ts would be:
//   export const POST = handler; export const DELETE = handler; export const OPTIONS = handler;
// served here by a minimal router that calls the exported function of the
// request's method, as Next does (Next itself is not needed for that).
import { createServer } from 'node:http';
import { toNodeListener } from '../../src/server/node.ts';
import { makeApp } from './app.mjs';

const app = makeApp();
const route = { POST: app.handler, DELETE: app.handler, OPTIONS: app.handler };

const server = createServer(
  toNodeListener(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/stats') return Response.json(app.stats);
    const method = route[request.method];
    return pathname === '/api/chat' && method ? method(request) : new Response('not found', { status: 404 });
  }),
);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
