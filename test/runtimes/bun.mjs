// Bun: the handler is a fetch handler as it is.
import { makeApp } from './app.mjs';

const app = makeApp();
Bun.serve({ port: Number(process.env.PORT), hostname: '127.0.0.1', fetch: (request) => app.fetch(request) });
console.log('listening');
