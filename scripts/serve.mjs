// `npm start`: the built demo page (dist-demo/) and the chat handler
// (dist/server/) from one small Node server. The provider comes from the
// environment like in `npm run dev`: AI_CHAT_PROVIDER=openai|anthropic with
// its key (and AI_CHAT_MODEL, AI_CHAT_BASE_URL), the mock otherwise.
// PORT (default 3000) and HOST (default 127.0.0.1; 0.0.0.0 in a container).
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const demoDir = fileURLToPath(new URL('../dist-demo/', import.meta.url));
const serverEntry = new URL('../dist/server/index.js', import.meta.url);

if (!existsSync(`${demoDir}index.html`) || !existsSync(serverEntry)) {
  console.error('Nothing to serve yet: run `npm run build:demo && npm run build:server` first.');
  process.exit(1);
}

const { chatOptionsFromEnv, createChatHandler } = await import(serverEntry.href);
const choice = chatOptionsFromEnv();
const handler = createChatHandler(choice.options);

const app = new Hono();
app.all('/api/chat', (c) => handler(c.req.raw));
app.use('/*', serveStatic({ root: relative(process.cwd(), demoDir) || '.' }));

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log(`<ai-chat> demo on http://${hostname}:${info.port}/`);
  console.log(`/api/chat: answered by ${choice.description}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
