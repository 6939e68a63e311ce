// `node bench/parts.mjs [--no-build] [--load] [--runs N] [--rate N] [--profile]`: answers made of
// parts (issue #14) streamed token by token into the script-tag bundle in
// headless Chromium. The answer is the markdown of bench/markdown-source.mjs
// at 1k, 4k and 8k tokens, sent as an AI SDK UI message stream with 20 tool
// steps (one in seven fails) and 30 sources spread through it. Beside it, in
// the same run and the same format, the same text with no parts: what the
// parts cost is the difference, and "flat" means a token costs as much at 8k
// as at 1k (target 8k/1k ≤ 1.3) with no task over 50 ms. Each answer is
// streamed flooded (as `npm run bench` does) and paced at 1,000 tokens/s,
// which renders nearly every frame; `--rate N` runs one of them. The bundle
// is built first, unless `--no-build`.
//
// --load runs two busy-looping Node processes beside the browser (the shared
// two-core machine under other work); they are ended by their pids when the
// bench ends.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { arg, busyProcesses, median, pageTasks, selfTimeBySource } from './common.mjs';
import { markdownTokens } from './markdown-source.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(arg('--runs', process.env.BENCH_RUNS ?? 3));
const SIZES = [1000, 4000, 8000];
const TOOL_STEPS = 20;
const SOURCES = 30;
const LOADED = process.argv.includes('--load');
/** 0 floods; a paced rate renders nearly every frame. `--rate 0` or `--rate 1000` runs one of them. */
const RATES = process.argv.includes('--rate') ? [Number(arg('--rate'))] : [0, 1000];


// --- the answer ----------------------------------------------------------------

const uiEvent = (value) => `data: ${JSON.stringify(value)}\n\n`;

/** One tool step's events, whole: its input in two fragments, then its result or its error. */
function toolStep(k) {
  const id = `call-${k}`;
  const input = { query: `topic ${k}`, limit: 5 };
  const json = JSON.stringify(input);
  const cut = json.length >> 1;
  const end =
    k % 7 === 6
      ? { type: 'tool-output-error', toolCallId: id, errorText: `The search service timed out on topic ${k}.` }
      : {
          type: 'tool-output-available',
          toolCallId: id,
          output: { results: Array.from({ length: 5 }, (_, i) => ({ title: `Result ${i} on topic ${k}`, score: 1 - i / 10 })) },
        };
  return [
    { type: 'tool-input-start', toolCallId: id, toolName: k % 2 ? 'searchDocs' : 'getOrder' },
    { type: 'tool-input-delta', toolCallId: id, inputTextDelta: json.slice(0, cut) },
    { type: 'tool-input-delta', toolCallId: id, inputTextDelta: json.slice(cut) },
    { type: 'tool-input-available', toolCallId: id, toolName: k % 2 ? 'searchDocs' : 'getOrder', input },
    end,
  ];
}

/**
 * The whole answer as SSE events, one text token per event. The tool steps
 * and sources sit at even intervals, so the parts list is there for most of
 * the tokens, as in a multi-step agent's answer: text, a step, more text.
 */
function answerEvents(count, withParts) {
  const tokens = markdownTokens(count);
  const at = (n) => new Map(Array.from({ length: n }, (_, k) => [Math.floor(((k + 0.5) * count) / n), k]));
  const tools = withParts ? at(TOOL_STEPS) : new Map();
  const sources = withParts ? at(SOURCES) : new Map();
  const events = [uiEvent({ type: 'start' })];
  let textId = 0;
  let textOpen = false;
  tokens.forEach((token, i) => {
    if (tools.has(i)) {
      if (textOpen) events.push(uiEvent({ type: 'text-end', id: `t${textId}` }));
      textOpen = false;
      for (const event of toolStep(tools.get(i))) events.push(uiEvent(event));
    }
    if (sources.has(i)) {
      const k = sources.get(i);
      events.push(uiEvent({ type: 'source-url', sourceId: `s${k}`, url: `https://example.com/docs/page-${k}`, title: `Reference page ${k}` }));
    }
    if (!textOpen) events.push(uiEvent({ type: 'text-start', id: `t${++textId}` }));
    textOpen = true;
    events.push(uiEvent({ type: 'text-delta', id: `t${textId}`, delta: token }));
  });
  events.push(uiEvent({ type: 'text-end', id: `t${textId}` }), uiEvent({ type: 'finish' }), 'data: [DONE]\n\n');
  return events;
}

// --- the local server ------------------------------------------------------------

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

async function stream(res, url) {
  const events = answerEvents(Number(url.searchParams.get('tokens')), url.searchParams.get('parts') === '1');
  const rate = Number(url.searchParams.get('rate'));
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    'x-vercel-ai-ui-message-stream': 'v1',
  });
  const start = performance.now();
  let token = 0;
  for (const event of events) {
    // Paced: token i leaves at i/rate s (a step or a source leaves with the token after it).
    if (rate > 0 && event.includes('"text-delta"')) {
      const wait = start + (token++ * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (!res.write(event)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/stream') {
    // The widget POSTs the conversation: read it before answering.
    req.resume();
    return void req.on('end', () => void stream(res, url));
  }
  const path = url.pathname === '/' ? '/bench/page.html' : url.pathname;
  if (!/^\/(dist|bench)\/[\w.-]+$/.test(path)) return void res.writeHead(404).end();
  try {
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(join(root, path)));
  } catch {
    res.writeHead(404).end();
  }
});

// --- measurement -------------------------------------------------------------------

/** Set by runParts: the server's address, the browser, and where lines go. */
let origin;
let browser;
let print;

/**
 * One answer into a fresh page. Returns the main thread's busy time over the
 * answer (CDP TaskDuration: scripts, style, layout, paint), every long task,
 * and what ended on screen.
 */
async function measure(tokens, withParts, rate, profile = false) {
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 700 });
  await page.goto(`${origin}/`);
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  await page.evaluate((url) => {
    const state = (window.__bench = { longTasks: [], deltas: 0 });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask' });
    const el = document.createElement('ai-chat');
    el.setAttribute('endpoint', url);
    el.addEventListener('ai-chat-delta', () => {
      state.firstDelta ??= performance.now();
      state.lastDelta = performance.now();
      state.deltas++;
    });
    document.body.append(el);
    state.el = el;
  }, `/stream?tokens=${tokens}&parts=${withParts ? 1 : 0}&rate=${rate}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  // Top-level tasks with their thread (CPU) time: on a busy machine a task's
  // wall time holds the time it waited for a core, its CPU time does not.
  // devtools.timeline names the page's renderer process.
  await page.tracing.start({ categories: ['toplevel', '__metadata', 'disabled-by-default-devtools.timeline'] });
  const before = await cdp.send('Performance.getMetrics');
  const result = await page.evaluate(async () => {
    const state = window.__bench;
    state.sent = performance.now();
    const answer = await state.el.send('Benchmark');
    state.done = performance.now();
    // The last frame's render and paint belong to the answer too.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const root = state.el.shadowRoot;
    const statuses = [...root.querySelectorAll('[part~="tool-status"]')].map((node) => node.textContent);
    return {
      status: answer?.status,
      error: answer?.error,
      deltas: state.deltas,
      // Where each long task fell: before the first token shows, while tokens
      // show, or once the last one has (the finished answer's render).
      // Tasks before send() are the page and the element starting, not the answer.
      longTasks: state.longTasks
        .filter(({ start }) => start >= state.sent)
        .map(({ start, duration }) => ({
          duration,
          phase: start < state.firstDelta ? 'start' : start <= state.lastDelta ? 'stream' : 'end',
        })),
      tools: statuses.length,
      failed: statuses.filter((text) => text === 'Failed').length,
      sources: root.querySelectorAll('[part~="source"]').length,
    };
  });
  const after = await cdp.send('Performance.getMetrics');
  const worstTaskCpu = pageTasks(await page.tracing.stop()).reduce((worst, task) => Math.max(worst, task.cpu), 0);
  const cpuProfile = profile ? (await cdp.send('Profiler.stop')).profile : undefined;
  const metric = (metrics, name) => metrics.metrics.find((m) => m.name === name).value;
  await page.close();
  if (result.status !== 'done' || result.deltas !== tokens) {
    throw new Error(`${tokens} tokens${withParts ? ' with parts' : ''}: ${result.status} after ${result.deltas} tokens ${result.error ?? ''}`);
  }
  const expected = withParts ? [TOOL_STEPS, Math.floor(TOOL_STEPS / 7), SOURCES] : [0, 0, 0];
  if (`${[result.tools, result.failed, result.sources]}` !== `${expected}`) {
    throw new Error(`on screen: ${result.tools} steps (${result.failed} failed), ${result.sources} sources; expected ${expected}`);
  }
  return {
    mainThreadMs: (metric(after, 'TaskDuration') - metric(before, 'TaskDuration')) * 1000,
    // The main thread's CPU time: what the answer cost even when the machine is busy and tasks wait for a core.
    cpuMs: (metric(after, 'ThreadTime') - metric(before, 'ThreadTime')) * 1000,
    // Where it went: scripts, style and layout (paint and the rest are TaskDuration's remainder).
    split: Object.fromEntries(
      ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'].map((name) => [name, (metric(after, name) - metric(before, name)) * 1000]),
    ),
    layouts: metric(after, 'LayoutCount') - metric(before, 'LayoutCount'),
    styles: metric(after, 'RecalcStyleCount') - metric(before, 'RecalcStyleCount'),
    longTasks: result.longTasks,
    worstTaskCpu,
    cpuProfile,
  };
}

/** Self time per source function of a CPU profile, in ms. */
const topFunctions = (profile, count) =>
  selfTimeBySource(profile, { bundle: '/dist/ai-chat.iife.js', mapFile: join(root, 'dist/ai-chat.iife.js.map'), origin }).slice(0, count);

const fmt = (n, digits = 1) => n.toFixed(digits);

/** The three answer lengths, with parts and text only, flooded (rate 0) or paced at `rate` tokens a second. */
async function mode(rate) {
  print(
    rate
      ? `## Paced at ${rate} tokens/s (a render every frame or two: what a token costs while the answer grows)`
      : '## Flooded (as fast as the socket allows, as `npm run bench` streams)',
  );
  print();
  print('| tokens | answer | ms/token | CPU ms/token | total ms | CPU ms | script | style | layout | layouts | longest task | its CPU ms, worst |');
  print('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  const perToken = { parts: {}, text: {} };
  const worst = { parts: none, text: none };
  const worstCpu = { parts: 0, text: 0 };
  for (const tokens of SIZES) {
    const runs = { parts: [], text: [] };
    // Alternated, so that a noisy spell of the machine hits both.
    for (let i = 0; i < RUNS; i++) {
      runs.parts.push(await measure(tokens, true, rate));
      runs.text.push(await measure(tokens, false, rate));
    }
    for (const kind of ['parts', 'text']) {
      const of = (get) => median(runs[kind].map(get));
      const ms = of((r) => r.mainThreadMs);
      const cpu = of((r) => r.cpuMs);
      const task = runs[kind].flatMap((r) => r.longTasks).reduce((a, b) => (b.duration > a.duration ? b : a), none);
      if (task.duration > worst[kind].duration) worst[kind] = task;
      worstCpu[kind] = Math.max(worstCpu[kind], ...runs[kind].map((r) => r.worstTaskCpu));
      perToken[kind][tokens] = { ms: ms / tokens, cpu: cpu / tokens };
      print(
        `| ${tokens} | ${kind === 'parts' ? 'with parts' : 'text only'} | ${fmt(ms / tokens, 3)} | ${fmt(cpu / tokens, 3)} | ${fmt(ms, 0)} | ${fmt(cpu, 0)} | ` +
          `${fmt(of((r) => r.split.ScriptDuration), 0)} | ${fmt(of((r) => r.split.RecalcStyleDuration), 0)} | ${fmt(of((r) => r.split.LayoutDuration), 0)} | ` +
          `${of((r) => r.layouts)} | ${longest(task)} | ${fmt(Math.max(...runs[kind].map((r) => r.worstTaskCpu)), 0)} |`,
      );
    }
  }
  print();
  const flat = (kind, key) => fmt(perToken[kind][8000][key] / perToken[kind][1000][key], 2);
  const cost = (tokens) => fmt(perToken.parts[tokens].ms / perToken.text[tokens].ms, 2);
  print(
    `- flatness, 8k ÷ 1k per token (target ≤ 1.3): with parts ${flat('parts', 'ms')} (CPU ${flat('parts', 'cpu')}), ` +
      `text only ${flat('text', 'ms')} (CPU ${flat('text', 'cpu')})`,
  );
  print(`- with parts ÷ text only, per token: 1k ${cost(1000)}×, 4k ${cost(4000)}×, 8k ${cost(8000)}×`);
  print(
    `- longest task over every run (target: none over 50 ms): with parts ${longest(worst.parts)}, text only ${longest(worst.text)}; ` +
      `the most CPU one task took: with parts ${fmt(worstCpu.parts, 0)} ms, text only ${fmt(worstCpu.text, 0)} ms`,
  );
  print();
}

const none = { duration: 0 };
/** start: before the first token showed; stream: while tokens showed; end: after the last one. */
const longest = (task) => (task.duration ? `${fmt(task.duration, 0)} ms (${task.phase})` : 'none over 50 ms');

/** The whole bench, printed through `printLine` (`npm run bench` runs it after its own sections; the bundle must be built). */
export async function runParts(printLine) {
  print = printLine;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const hogs = busyProcesses(LOADED);
  const endHogs = () => hogs.forEach((hog) => hog.killed || hog.kill());
  process.on('exit', endHogs);
  try {
    browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
    await report();
  } finally {
    await browser?.close();
    server.close();
    endHogs();
  }
}

async function report() {
  const load = loadavg().map((n) => n.toFixed(1)).join(' ');
  print(
    `# Answers with ${TOOL_STEPS} tool steps and ${SOURCES} sources (${LOADED ? 'loaded: 2 busy processes beside it' : 'no added load'}; ` +
      `${RUNS} runs each, medians; load average before ${load} on ${cpus().length} cores; ${new Date().toISOString().slice(0, 16)}Z)`,
  );
  print();
  print(
    "ms: main-thread task time (wall); CPU ms: the main thread's CPU time; script, style, layout: ms of each (medians); " +
      'longest task: Long Tasks API, over all runs, and when it fell (start: before the first token showed, stream, end: after the last); ' +
      'its CPU ms: the most thread time one task took (trace), which waiting for a core does not inflate.',
  );
  print();
  if (RATES.includes(0)) await mode(0);
  for (const rate of RATES.filter(Boolean)) await mode(rate);
  if (process.argv.includes('--profile')) {
    // Where the time of an 8k answer with parts goes (one run, sampled every 0.2 ms).
    const { cpuProfile } = await measure(8000, true, RATES.at(-1), true);
    const total = cpuProfile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
    print();
    print(`8k answer with parts, self time by function (of ${fmt(total, 0)} ms profiled, idle included):`);
    for (const [where, ms] of topFunctions(cpuProfile, 25)) print(`  ${fmt(ms, 1).padStart(7)} ms  ${where}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--no-build')) {
    execFileSync('npx', ['vite', 'build', '--mode', 'iife', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  }
  process.on('SIGINT', () => process.exit(130));
  await runParts((line = '') => console.log(line));
}
