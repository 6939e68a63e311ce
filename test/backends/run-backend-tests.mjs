#!/usr/bin/env node
// The backends people already have, built with the real libraries, each
// streaming to the real <ai-chat> (the IIFE build) in headless Chromium:
//   FastAPI (text/event-stream, CRLF, `: ping` comments, as sse-starlette
//   writes them), Flask (plain text), Express forwarding the `openai` SDK's
//   chunks, Hono `streamSSE`, an AI SDK route (toUIMessageStreamResponse and
//   toTextStreamResponse, the SDK's MockLanguageModelV3), LangChain.js
//   (JSON.stringify(chunk) and chunk.content, FakeListChatModel) and Ollama's
//   NDJSON forwarded by Express.
//
// Each server's code is its recipe in docs/backend.md, run as written; only
// the model is swapped for a fake (a loopback OpenAI/Ollama server, the AI
// SDK's mock, LangChain's fake chat model), the port for a free one, and
// https://www.example.com for the test page's origin. Each is asked
// same-origin (through a proxy on the page's origin) and cross-origin
// (directly, another port) with its recipe's CORS setting and the ones of
// the guide's CORS section; the widget must show exactly the server's text,
// and reasoning where the server sends it.
//
//   (cd test/backends && npm ci)   # once; Python: python3-fastapi python3-uvicorn python3-flask python3-flask-cors
//   npm run build && node test/backends/run-backend-tests.mjs
//
// Ends with `backends: N passed, N failed`.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as forward } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snippetStartingWith } from '../../scripts/doc-snippets.mjs';
import { ROOT, assert, assertEqual, checks, launchBrowser, openPage, sleep } from '../packaging/harness.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WORK = join(HERE, '.work');
const DOC = 'docs/backend.md';
const EXAMPLE_ORIGIN = 'https://www.example.com';
/** Debian's Python, which the python3-* packages are for (a pyenv or venv python3 earlier on PATH has none of them). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const t = checks('backends');

// --- fake model servers -------------------------------------------------------

const OPENAI_REASONING = 'Weighing the question.';
const OPENAI_TOOL = { text: 'Let me look that up.', name: 'get_weather', input: { city: 'Paris' } };
const OLLAMA_THINKING = 'Thinking locally.';
const LANGCHAIN_ANSWER = 'LangChain streams this, one piece at a time.';

const lastUserText = (messages) => String(messages.filter((message) => message.role === 'user').at(-1)?.content ?? '');

const readJson = (req) =>
  new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString('utf8') || '{}')));
    req.on('error', reject);
  });

/** One word at a time, a space before every word but the first. */
const words = (text) => text.split(' ').map((word, index) => (index ? ` ${word}` : word));

/**
 * An OpenAI-compatible `/v1/chat/completions` (as the `openai` SDK reads it:
 * Chat Completions chunks, reasoning in `reasoning_content`) and Ollama's
 * `/api/chat` NDJSON, both answering from the last user message.
 */
async function startFakeModels() {
  const server = createServer(async (req, res) => {
    const body = await readJson(req);
    const question = lastUserText(body.messages ?? []);
    if (req.url === '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta, finish = null) =>
        `data: ${JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          created: 1,
          model: body.model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      if (question.includes('weather')) {
        // A tool call, its arguments in fragments, as Chat Completions streams it.
        res.write(chunk({ content: OPENAI_TOOL.text }));
        const call = { index: 0, id: 'call_1', type: 'function', function: { name: OPENAI_TOOL.name, arguments: '' } };
        res.write(chunk({ tool_calls: [call] }));
        for (const fragment of ['{"city"', ':"Par', 'is"}']) res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: fragment } }] }));
        res.write(chunk({}, 'tool_calls'));
        return res.end('data: [DONE]\n\n');
      }
      res.write(chunk({ reasoning_content: OPENAI_REASONING }));
      for (const word of words(`OpenAI heard: ${question}`)) {
        res.write(chunk({ content: word }));
        await sleep(5);
      }
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    } else if (req.url === '/api/chat') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const line = (message, done = false) =>
        `${JSON.stringify({ model: body.model, created_at: '2026-01-01T00:00:00Z', message: { role: 'assistant', ...message }, done })}\n`;
      res.write(line({ content: '', thinking: OLLAMA_THINKING }));
      for (const word of words(`Ollama heard: ${question}`)) {
        res.write(line({ content: word }));
        await sleep(5);
      }
      res.end(line({ content: '' }, true).replace('"done":true', '"done":true,"done_reason":"stop"'));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) };
}

// --- the page, and a same-origin way to each backend ----------------------------

/**
 * Serves the page and the IIFE, and passes `/via/<port>/<path>` on to the
 * backend on that port: the backend, same-origin to the page, as it is
 * behind a site's own reverse proxy. Bodies are piped, never buffered.
 */
async function startPageServer() {
  const iife = readFileSync(join(ROOT, 'dist/ai-chat.iife.js'));
  const server = createServer((req, res) => {
    const via = /^\/via\/(\d+)(\/.*)$/.exec(req.url ?? '');
    if (via) {
      const headers = { ...req.headers, host: `127.0.0.1:${via[1]}` };
      // Same-origin as far as the backend can tell, too.
      if (headers.origin) headers.origin = `http://127.0.0.1:${via[1]}`;
      const upstream = forward({ host: '127.0.0.1', port: Number(via[1]), path: via[2], method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
      req.pipe(upstream);
      return;
    }
    if (req.url === '/ai-chat.iife.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return res.end(iife);
    }
    if (req.url === '/favicon.ico') return res.writeHead(204).end();
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><html lang="en"><title>backends</title><script src="/ai-chat.iife.js"></script><body></body></html>');
    }
    res.writeHead(404).end();
  });
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: server.address().port,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(done));
    },
  };
}

// --- backends from the docs -----------------------------------------------------

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

async function untilListening(port, child, output, timeout = 20_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the backend exited (${child.exitCode}):\n${output.join('').slice(-3000)}`);
    const open = await new Promise((done) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), done(true)));
      socket.on('error', () => done(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`the backend did not listen on ${port} within ${timeout} ms:\n${output.join('').slice(-3000)}`);
}

/** Replaces `from` in `code`; the recipe must contain it, or the test would quietly run something else. */
function swap(code, from, to, what) {
  if (!code.includes(from)) throw new Error(`${DOC}: the ${what} recipe no longer contains ${JSON.stringify(from)}`);
  return code.split(from).join(to);
}

/**
 * Writes `code` to `.work/<file>` and runs it (node or python3) until
 * `stop()`. Node files live under test/backends, so their imports resolve
 * from its node_modules.
 */
async function runBackend(file, code, port, env = {}) {
  const path = join(WORK, file);
  writeFileSync(path, code);
  const command = file.endsWith('.py') ? PYTHON : process.execPath;
  const output = [];
  const child = spawn(command, [path], { cwd: WORK, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (data) => output.push(String(data)));
  child.stderr.on('data', (data) => output.push(String(data)));
  try {
    await untilListening(port, child, output);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill();
      }),
  };
}

/** The recipe's code, ready to run: this port, this page's origin. */
function recipe(prefix, { port, pageOrigin, language }) {
  let code = snippetStartingWith(DOC, prefix);
  // A route file (the AI SDK's) listens nowhere itself.
  if (language === 'python') code = swap(code, 'port=8000', `port=${port}`, prefix);
  else if (language === 'js') code = swap(code, '3000', String(port), prefix);
  return code.split(EXAMPLE_ORIGIN).join(pageOrigin);
}

/** One line of the guide's CORS section, ready to replace the recipe's own setting. */
const corsSetting = (prefix, pageOrigin) => snippetStartingWith(DOC, prefix).trim().split(EXAMPLE_ORIGIN).join(pageOrigin);

// --- the widget ---------------------------------------------------------------------

/**
 * Sends `question` from a fresh <ai-chat> on the page and returns what the
 * reader sees: the answer's text and reasoning as shown, and how it ended.
 */
function ask(page, endpoint, question, { debug = false, headers = {} } = {}) {
  return page.evaluate(
    async ({ endpoint, question, debug, headers }) => {
      const el = document.createElement('ai-chat');
      el.setAttribute('endpoint', endpoint);
      el.setAttribute('retry-delay', '50');
      if (debug) el.setAttribute('debug', '');
      el.headers = headers;
      const warnings = [];
      const warn = console.warn;
      console.warn = (...args) => (args[0] === '[ai-chat]' ? warnings.push(String(args[1])) : warn(...args));
      document.body.replaceChildren(el);
      await el.updateComplete;
      let retries = 0;
      let error;
      el.addEventListener('ai-chat-retry', () => (retries += 1));
      el.addEventListener('ai-chat-error', (event) => (error = event.detail.error));
      const message = await el.send(question).finally(() => (console.warn = warn));
      await el.updateComplete;
      const bubbles = el.shadowRoot.querySelectorAll('.message');
      const answer = bubbles[bubbles.length - 1];
      return {
        status: message?.status,
        content: message?.content,
        shown: answer.querySelector('.content')?.textContent?.trim() ?? '',
        reasoning: answer.querySelector('.reasoning-text')?.textContent?.trim() ?? '',
        error: error ? { code: error.code, message: error.message } : undefined,
        tools: [...answer.querySelectorAll('[part~="tool"]')].map((tool) => ({
          name: tool.querySelector('[part~="tool-name"]')?.textContent,
          input: JSON.parse(tool.querySelector('[part~="tool-input"]')?.textContent ?? 'null'),
        })),
        retries,
        warnings,
      };
    },
    { endpoint, question, debug, headers },
  );
}

/** Asks through the widget and checks the exact text (and reasoning) shown; a failure shows what the server logged. */
async function expectAnswer(page, endpoint, question, expected, server) {
  const seen = await ask(page, endpoint, question);
  if (seen.status !== 'done' && server) seen.serverLog = server.output.join('').slice(-1500);
  assertEqual(
    { status: seen.status, error: seen.error, content: seen.content, shown: seen.shown, reasoning: seen.reasoning, tools: seen.tools, serverLog: seen.serverLog },
    {
      status: 'done',
      error: undefined,
      content: expected.text,
      shown: expected.text.trim(),
      reasoning: expected.reasoning ?? '',
      tools: expected.tools ?? [],
      serverLog: undefined,
    },
    `the answer from ${endpoint}`,
  );
}

// --- the suite ------------------------------------------------------------------

/**
 * Every backend: the recipe's first line, its language, its route(s) with
 * what each must show, how its own CORS line reads, and the CORS settings of
 * the guide to run it with as well.
 */
function backends(fake) {
  return [
    {
      name: 'FastAPI (SSE, CRLF, pings)',
      file: 'fastapi_app.py',
      prefix: 'import asyncio\nimport json\n',
      language: 'python',
      routes: [{ path: '/api/chat', expect: (q) => ({ text: `FastAPI heard: ${q} ` }) }],
      corsLine: 'app.add_middleware(CORSMiddleware, allow_origins=["https://www.example.com"], allow_methods=["POST"])',
      extra: async (page, port, problems) => {
        await t.check('FastAPI: a page header the settings do not allow (Authorization) is named in the error, not retried', async () => {
          const logged = problems.length;
          const seen = await ask(page, `http://127.0.0.1:${port}/api/chat`, 'with a token', { headers: { Authorization: 'Bearer t' } });
          // Chromium's own console lines about this refusal and the probe's 405 are what this check expects.
          problems.splice(logged);
          assertEqual(seen.error?.code, 'cross-origin', 'error code');
          assert(seen.error.message.includes('the headers Authorization, Content-Type.'), seen.error.message);
          assertEqual(seen.retries, 0, 'retries');
        });
      },
      variants: ['app.add_middleware(CORSMiddleware, allow_origins=["*"]'],
    },
    {
      name: 'Flask (plain text)',
      file: 'flask_app.py',
      prefix: 'import time\n',
      language: 'python',
      routes: [{ path: '/api/chat', expect: (q) => ({ text: `Flask heard: ${q} ` }) }],
      corsLine: 'CORS(app, origins=["https://www.example.com"])',
      variants: ['CORS(app)\n'],
    },
    {
      name: 'Express + openai SDK',
      file: 'express-openai.mjs',
      prefix: "import cors from 'cors';\nimport express from 'express';\nimport OpenAI from 'openai';",
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` },
      routes: [{ path: '/api/chat', expect: (q) => ({ text: `OpenAI heard: ${q}`, reasoning: OPENAI_REASONING }) }],
      extra: async (page, port) => {
        await t.check('Express + openai SDK: a tool call is shown as a tool part, cross-origin', async () => {
          const { text, name, input } = OPENAI_TOOL;
          await expectAnswer(page, `http://127.0.0.1:${port}/api/chat`, 'What is the weather in Paris?', { text, tools: [{ name, input }] });
        });
      },
      corsLine: "app.use(cors({ origin: 'https://www.example.com' }));",
      variants: ['app.use(cors());', "app.use(cors({ origin: 'https://www.example.com', allowedHeaders"],
    },
    {
      name: 'Hono streamSSE',
      file: 'hono-sse.mjs',
      prefix: "import { serve } from '@hono/node-server';\nimport { Hono } from 'hono';",
      routes: [{ path: '/api/chat', expect: (q) => ({ text: `Hono heard: ${q} ` }) }],
      corsLine: "app.use('/api/*', cors({ origin: 'https://www.example.com', allowHeaders: ['Content-Type', 'Authorization'] }));",
      variants: ["app.use('/api/*', cors());"],
    },
    {
      name: 'AI SDK route',
      file: 'ai-sdk-server.mjs',
      prefix: "// app/api/chat/route.ts\nimport { openai } from '@ai-sdk/openai';",
      language: 'route',
      build: aiSdkServer,
      routes: [
        { path: '/api/chat', expect: (q) => ({ text: `AI SDK heard: ${q}`, reasoning: 'Thinking it over.' }) },
        { path: '/api/chat-text', expect: (q) => ({ text: `AI SDK heard: ${q}` }) },
      ],
      variants: [],
    },
    {
      name: 'LangChain.js',
      file: 'langchain.mjs',
      prefix: "import { ChatOpenAI } from '@langchain/openai';",
      build: (code) =>
        swap(
          swap(code, "import { ChatOpenAI } from '@langchain/openai';", "import { FakeListChatModel } from '@langchain/core/utils/testing';", 'LangChain'),
          "new ChatOpenAI({ model: 'gpt-4.1-mini' })",
          `new FakeListChatModel({ responses: [${JSON.stringify(LANGCHAIN_ANSWER)}] })`,
          'LangChain',
        ),
      routes: [
        { path: '/api/chat', expect: () => ({ text: LANGCHAIN_ANSWER }) },
        { path: '/api/chat-text', expect: () => ({ text: LANGCHAIN_ANSWER }) },
      ],
      variants: [],
    },
    {
      name: 'Ollama NDJSON via Express',
      file: 'ollama.mjs',
      prefix: "import cors from 'cors';\nimport express from 'express';\n\nconst app = express();",
      build: (code) => swap(code, 'http://localhost:11434', fake.url, 'Ollama'),
      routes: [{ path: '/api/chat', expect: (q) => ({ text: `Ollama heard: ${q}`, reasoning: OLLAMA_THINKING }) }],
      corsLine: "app.use(cors({ origin: 'https://www.example.com' }));",
      variants: [],
    },
  ];
}

/**
 * The AI SDK recipe is a Next.js route file: transpiled as Next.js would,
 * with the mock model in place of `openai(...)`, once as written and once
 * with `toTextStreamResponse()`, and served by Hono with `cors()` (a Next.js
 * route has no CORS of its own).
 */
function aiSdkServer(code, port) {
  const route = swap(code, "import { openai } from '@ai-sdk/openai';", "import { openai } from '../ai-sdk-mock-model.mjs';", 'AI SDK');
  const ts = loadTypeScript();
  const js = (source) => ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(WORK, 'route.mjs'), js(route));
  writeFileSync(join(WORK, 'route-text.mjs'), js(swap(route, 'toUIMessageStreamResponse()', 'toTextStreamResponse()', 'AI SDK')));
  return `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import * as ui from './route.mjs';
import * as text from './route-text.mjs';

const app = new Hono();
app.use('/api/*', cors());
app.post('/api/chat', (c) => ui.POST(c.req.raw));
app.post('/api/chat-text', (c) => text.POST(c.req.raw));
serve({ fetch: app.fetch, port: ${port} });
`;
}

/**
 * Express's `compression`, added as the guide's Buffering section says, to
 * the Express + openai recipe: with the recipe's `Cache-Control:
 * no-transform` the answer still streams; without it, compression holds it
 * to the end, and the widget's debug log says so.
 */
async function checkCompression(page, fake, pageOrigin, question) {
  const port = await freePort();
  const setting = snippetStartingWith(DOC, "import compression from 'compression';").trim();
  const [importLine, , useLine] = setting.split('\n');
  const base = recipe("import cors from 'cors';\nimport express from 'express';\nimport OpenAI from 'openai';", { port, pageOrigin, language: 'js' });
  const compressed = swap(`${importLine}\n${base}`, 'app.use(express.json());', `app.use(express.json());\n${useLine}`, 'Express + openai');
  const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${fake.url}/v1` };
  const cases = [
    ['Express + openai + compression(): with Cache-Control: no-transform, it lets the stream through', compressed, false],
    ['Express + openai + compression(): without no-transform, it buffers the stream and the debug log says so', swap(compressed, "'no-cache, no-transform'", "'no-cache'", 'Express + openai'), true],
  ];
  for (const [label, code, buffered] of cases) {
    await t.check(label, async () => {
      const running = await runBackend('express-compression.mjs', code, port, env);
      try {
        const q = question();
        const seen = await ask(page, `http://127.0.0.1:${port}/api/chat`, q, { debug: true });
        assertEqual(seen.content, `OpenAI heard: ${q}`, 'answer');
        const noticed = seen.warnings.some((warning) => warning.startsWith('the response arrived in one piece'));
        assertEqual(noticed, buffered, `buffering noticed (warnings: ${JSON.stringify(seen.warnings)})`);
      } finally {
        await running.stop();
      }
    });
  }
}

let typescript;
function loadTypeScript() {
  return typescript;
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/ai-chat.iife.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  if (!existsSync(join(HERE, 'node_modules/express'))) throw new Error('run `(cd test/backends && npm ci)` first');
  typescript = (await import('typescript')).default;
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });

  const fake = await startFakeModels();
  const pages = await startPageServer();
  const browser = await launchBrowser();
  const pageOrigin = `http://127.0.0.1:${pages.port}`;
  // The same page server under another name: an origin no recipe allows.
  const strangerOrigin = `http://localhost:${pages.port}`;
  const { page, problems } = await openPage(browser);
  const stranger = await openPage(browser);
  try {
    await page.goto(`${pageOrigin}/`);
    await stranger.page.goto(`${strangerOrigin}/`);
    let asked = 0;
    const question = () => `question ${++asked} for you`;

    for (const backend of backends(fake)) {
      const port = await freePort();
      const start = async (corsSetting) => {
        let code = recipe(backend.prefix, { port, pageOrigin, language: backend.language ?? 'js' });
        if (backend.build) code = backend.build(code, port);
        if (corsSetting) code = swap(code, backend.corsLine.split(EXAMPLE_ORIGIN).join(pageOrigin), corsSetting, backend.name);
        return runBackend(backend.file, code, port, backend.env);
      };

      let server;
      await t.check(`${backend.name}: the recipe starts`, async () => {
        server = await start();
      });
      if (!server) continue;
      try {
        for (const route of backend.routes) {
          await t.check(`${backend.name} ${route.path}: same-origin, the exact text`, async () => {
            const q = question();
            await expectAnswer(page, `/via/${port}${route.path}`, q, route.expect(q), server);
          });
          await t.check(`${backend.name} ${route.path}: cross-origin, with the recipe's CORS setting`, async () => {
            const q = question();
            await expectAnswer(page, `http://127.0.0.1:${port}${route.path}`, q, route.expect(q), server);
          });
        }
        if (backend.corsLine && !backend.corsLine.includes('cors()') && !backend.corsLine.startsWith('CORS(app)\n')) {
          await t.check(`${backend.name}: an origin the server does not allow gets the cross-origin error, once`, async () => {
            const seen = await ask(stranger.page, `http://127.0.0.1:${port}${backend.routes[0].path}`, question());
            assertEqual(seen.error?.code, 'cross-origin', 'error code');
            assert(seen.error.message.includes(strangerOrigin) && seen.error.message.includes('Content-Type'), seen.error.message);
            assertEqual(seen.retries, 0, 'retries');
          });
        }
        await backend.extra?.(page, port, problems);
      } finally {
        await server.stop();
      }

      for (const variant of backend.variants) {
        const setting = corsSetting(variant, pageOrigin);
        await t.check(`${backend.name}: cross-origin with ${setting}`, async () => {
          const running = await start(setting);
          try {
            const q = question();
            await expectAnswer(page, `http://127.0.0.1:${port}${backend.routes[0].path}`, q, backend.routes[0].expect(q), running);
          } finally {
            await running.stop();
          }
        });
      }
    }

    await checkCompression(page, fake, pageOrigin, question);

    await t.check('the page logged no errors', () => {
      // A refused cross-origin request is logged by Chromium itself on the stranger page only.
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    await browser.close();
    await pages.close();
    await fake.close();
  }
}

try {
  await main();
} catch (error) {
  t.fail('the backend suite could not finish', error);
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
process.exitCode = t.done();
