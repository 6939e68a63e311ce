// Express 5: mount the Node listener on the route, before any body parser
// (the handler reads the body itself).
import express from 'express';
import { toNodeListener } from '../../src/server/node.ts';
import { makeApp } from './app.mjs';

const app = makeApp();
const server = express();
server.all('/api/chat', toNodeListener(app.handler));
server.get('/stats', (_req, res) => res.json(app.stats));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
