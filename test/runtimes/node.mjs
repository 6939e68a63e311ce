// Node: node:http with the handler's Node adapter.
import { createServer } from 'node:http';
import { toNodeListener } from '../../src/server/node.ts';
import { makeApp } from './app.mjs';

const app = makeApp();
const server = createServer(toNodeListener((request) => app.fetch(request)));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
