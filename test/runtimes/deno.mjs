// Deno: Deno.serve takes the fetch handler as it is.
import { makeApp } from './app.mjs';

const app = makeApp();
Deno.serve({ port: Number(Deno.env.get('PORT')), hostname: '127.0.0.1', onListen: () => console.log('listening') }, (request) => app.fetch(request));
