// A real HTTP endpoint for the browser tests: each test registers a scenario
// (what the next requests should receive, chunk by chunk, with delays and
// faults) and then points <ai-chat> at it. Everything runs over loopback
// through the web-test-runner dev server, so the widget's real fetch and
// stream reader are exercised; nothing in the browser is mocked.
//
//   POST /__scenario            body: Scenario        -> { id }
//   ANY  /sse/:id               answers with the scenario's next response
//   GET  /__log/:id             -> { requests: RecordedRequest[], cancels: { receivedAt, headers }[] }
//   DELETE /sse/:id             -> 204, recorded in `cancels` (the widget's Stop), never a scripted answer
//
// A Scenario is { responses: ScriptedResponse[] }; request n gets
// responses[min(n, last)]. A ScriptedResponse is
//   { status = 200, headers = {}, contentType = 'text/event-stream',
//     chunks: (string | { text?, base64?, delay? })[], delay = 0,
//     end: 'close' | 'cut' | 'hang' = 'close' }
// 'cut' destroys the socket after the chunks (a network failure mid-stream),
// 'hang' keeps the response open until the client goes away.
// `cors: 'plain' | 'credentials'` answers cross-origin requests (and their
// preflight) for the caller's origin, with Allow-Credentials for 'credentials'.

import { randomUUID } from 'node:crypto';

const scenarios = new Map();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole request body as text. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

function chunkBytes(chunk) {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk.base64 !== undefined) return Buffer.from(chunk.base64, 'base64');
  return Buffer.from(chunk.text ?? '', 'utf8');
}

function corsHeaders(script, req) {
  if (!script.cors || !req.headers.origin) return {};
  return {
    'access-control-allow-origin': req.headers.origin,
    ...(script.cors === 'credentials' ? { 'access-control-allow-credentials': 'true' } : {}),
  };
}

async function playResponse(script, req, res, record) {
  const status = script.status ?? 200;
  const headers = {
    ...corsHeaders(script, req),
    'content-type': script.contentType ?? 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    ...script.headers,
  };
  res.writeHead(status, headers);
  res.flushHeaders();
  for (const chunk of script.chunks ?? []) {
    const delay = typeof chunk === 'object' && chunk.delay !== undefined ? chunk.delay : (script.delay ?? 0);
    if (delay > 0) await sleep(delay);
    if (record.clientClosed) return;
    res.write(chunkBytes(chunk));
  }
  const end = script.end ?? 'close';
  if (end === 'cut') {
    // Give the last chunk time to reach the page before the connection dies,
    // so the browser really has what came before the failure. 30 ms was not
    // always enough on a loaded 2-core machine: a `retry:` field sent just
    // before a cut was once lost, and the retry waited 18 ms instead of 2 s.
    await sleep(100);
    res.socket?.destroy();
  } else if (end === 'close') {
    res.end();
  }
  // 'hang': leave it open; the 'close' listener records when the client leaves.
}

/** Request n (from 0) gets responses[n], the last one over and over once they run out. */
function responseFor(scenario, n) {
  return scenario.responses[Math.min(n, scenario.responses.length - 1)];
}

async function answer(id, req, res) {
  const scenario = scenarios.get(id);
  if (!scenario) return sendJson(res, 404, { error: { message: `unknown scenario ${id}` } });
  if (req.method === 'OPTIONS') {
    // The preflight is answered for the request that follows it.
    res.writeHead(204, {
      ...corsHeaders(responseFor(scenario, scenario.requests.length), req),
      'access-control-allow-methods': 'POST, DELETE',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
    });
    res.end();
    return;
  }
  if (req.method === 'DELETE') {
    scenario.cancels.push({ receivedAt: Date.now(), headers: req.headers });
    res.writeHead(204, corsHeaders(responseFor(scenario, scenario.requests.length), req));
    res.end();
    return;
  }
  const record = {
    receivedAt: Date.now(),
    method: req.method,
    headers: req.headers,
    body: await readBody(req),
    clientClosed: false,
    completed: false,
  };
  scenario.requests.push(record);
  res.on('close', () => {
    record.completed = res.writableFinished;
    record.clientClosed = !res.writableFinished;
  });
  await playResponse(responseFor(scenario, scenario.requests.length - 1), req, res, record);
}

/**
 * Handles the test endpoints; returns false for any other URL so the caller
 * can fall through to its own handling.
 */
export async function handleScriptedSse(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/__scenario' && req.method === 'POST') {
    const scenario = JSON.parse(await readBody(req));
    const id = randomUUID();
    scenarios.set(id, { responses: scenario.responses, requests: [], cancels: [] });
    sendJson(res, 200, { id });
    return true;
  }
  const log = url.pathname.match(/^\/__log\/([\w-]+)$/);
  if (log) {
    const scenario = scenarios.get(log[1]);
    sendJson(res, scenario ? 200 : 404, { requests: scenario?.requests ?? [], cancels: scenario?.cancels ?? [] });
    return true;
  }
  const sse = url.pathname.match(/^\/sse\/([\w-]+)$/);
  if (sse) {
    await answer(sse[1], req, res);
    return true;
  }
  return false;
}

/** The same handler as a Koa middleware for @web/test-runner's dev server. */
export function scriptedSseMiddleware() {
  return async (ctx, next) => {
    if (!/^\/(__scenario|__log\/|sse\/)/.test(ctx.path)) return next();
    // Take the raw response over from Koa so every chunk is flushed as written
    // (a Koa body or a plugin `serve()` hook would buffer it).
    ctx.respond = false;
    await handleScriptedSse(ctx.req, ctx.res);
  };
}
