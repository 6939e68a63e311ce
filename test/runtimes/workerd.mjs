// Cloudflare Workers (workerd): a module worker whose fetch is the handler.
import { makeApp } from './app.mjs';

const app = makeApp();
export default { fetch: (request) => app.fetch(request) };
