// Hono (here on Node through @hono/node-server): pass the raw Request on.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { makeApp } from './app.mjs';

const app = makeApp();
const hono = new Hono();
hono.all('/api/chat', (c) => app.handler(c.req.raw));
hono.get('/stats', (c) => c.json(app.stats));
serve({ fetch: hono.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('listening'));
