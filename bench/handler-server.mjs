// One server under load for bench/handler.mjs, in a process of its own so
// its RSS and CPU are its own: `bare` (node:http writing the same bytes the
// handler writes), `memory` (createChatHandler with the default store) or
// `redis` (with redisResumeStore). Talks to the bench over IPC: `ready` with
// its port, then `sample` answers with RSS and CPU time.

import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const [kind, tokenCount, tokenDelayMs, redisUrl, serverDir, backlog] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  process.argv[5],
  process.argv[6],
  Number(process.argv[7]),
];

/** The answer's tokens: what the mock streams, and what the bare server writes. */
export const benchTokens = (count) => Array.from({ length: count }, (_, index) => `w${index + 1}${index + 1 < count ? ' ' : ''}`);

function bareListener() {
  const encode = (id, data) => `id: ${id}\ndata: ${data}\n\n`;
  const tokens = benchTokens(tokenCount);
  return (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
      const created = Math.floor(Date.now() / 1000);
      const chunk = (delta, finish = null) =>
        JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created, model: 'mock', choices: [{ index: 0, delta, finish_reason: finish }] });
      let index = 0;
      let timer;
      const next = () => {
        if (index === 0) res.write(encode(1, chunk({ role: 'assistant', content: '' })));
        else if (index <= tokens.length) res.write(encode(index + 1, chunk({ content: tokens[index - 1] })));
        else {
          res.write(encode(index + 1, chunk({}, 'stop')));
          res.end(encode(index + 2, '[DONE]'));
          return;
        }
        index += 1;
        timer = setTimeout(next, index > tokens.length ? 0 : tokenDelayMs);
      };
      timer = setTimeout(next, tokenDelayMs);
      res.on('close', () => clearTimeout(timer));
    });
  };
}

async function handlerListener() {
  const load = (name) => import(pathToFileURL(join(serverDir, `${name}.js`)).href);
  const [{ createChatHandler, mockProvider }, { toNodeListener }, { redisResumeStore }] = await Promise.all([load('index'), load('node'), load('redis')]);
  const handler = createChatHandler({
    provider: mockProvider({ script: [benchTokens(tokenCount).join('')], tokenDelayMs, firstTokenDelayMs: tokenDelayMs, faultsFromRequest: false }),
    logger: false,
    ...(kind === 'redis' ? { resumeStore: redisResumeStore({ url: redisUrl, prefix: `bench-${process.pid}:` }) } : {}),
  });
  return toNodeListener(handler);
}

const listener = kind === 'bare' ? bareListener() : await handlerListener();
const server = createServer(listener);
server.maxConnections = Infinity;
// What Node's http server itself refuses (a request that came too slowly, a
// reset): counted for the report, answered as Node does without a listener.
const clientErrors = {};
server.on('clientError', (error, socket) => {
  clientErrors[error.code ?? error.message] = (clientErrors[error.code ?? error.message] ?? 0) + 1;
  if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
  socket.end(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
});
// Node's default backlog is 511: a burst of more connections than that waits
// on the kernel's SYN-ACK retries while the loop is busy (see bench/handler.mjs).
server.listen({ port: 0, host: '127.0.0.1', ...(backlog > 0 ? { backlog } : {}) }, () => process.send({ type: 'ready', port: server.address().port }));
process.on('SIGINT', () => process.exit(0));
// How late the loop runs: a busy loop accepts connections late, and the
// kernel's accept queue (the listen backlog) overflows meanwhile.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
process.on('message', (message) => {
  if (message === 'sample') {
    const cpu = process.cpuUsage();
    const { rss, heapTotal, external } = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
    process.send({ type: 'sample', rss, heapTotal, external, spaces, clientErrors, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6, cpuMicros: cpu.user + cpu.system, systemMicros: cpu.system });
  }
  if (message === 'gc') {
    globalThis.gc?.();
    loopDelay.reset();
  }
  if (message?.snapshot) {
    writeHeapSnapshot(message.snapshot);
    process.send({ type: 'snapshot' });
  }
});
