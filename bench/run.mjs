// `npm run bench`: builds the script-tag bundle, streams markdown answers of
// several lengths into <ai-chat> and into a naive baseline element in headless
// Chromium, and prints medians. Every figure is measured in this run, on this
// machine; ratios against the baseline are what to compare across machines.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { median } from './common.mjs';
import { markdownTokens } from './markdown-source.mjs';
import { runPathological } from './pathological.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = [1000, 2000, 4000, 8000];

if (!process.argv.includes('--no-build')) {
  execFileSync('npx', ['vite', 'build', '--mode', 'iife', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

// --- the local streaming server -------------------------------------------

const sendTimes = new Map();
const now = () => performance.timeOrigin + performance.now();
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

async function stream(res, url) {
  const count = Number(url.searchParams.get('tokens'));
  const rate = Number(url.searchParams.get('rate') ?? 0);
  const id = url.searchParams.get('id');
  const times = [];
  if (id) sendTimes.set(id, times);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform' });
  const write = (text) => (res.write(text) ? undefined : new Promise((resolve) => res.once('drain', resolve)));
  const start = now();
  const tokens = markdownTokens(count);
  for (let i = 0; i < tokens.length; i++) {
    if (rate > 0) {
      const due = start + (i * 1000) / rate;
      const wait = due - now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    times.push(now());
    await write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: tokens[i] } }] })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/stream') return void stream(res, url);
  if (url.pathname === '/times') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify(sendTimes.get(url.searchParams.get('id')) ?? []));
  }
  const path = url.pathname === '/' ? '/bench/page.html' : url.pathname;
  if (!/^\/(dist|bench)\/[\w.-]+$/.test(path)) return void res.writeHead(404).end();
  try {
    const body = readFileSync(join(root, path));
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// --- the browser -------------------------------------------------------------

const browser = await puppeteer.launch({
  executablePath: findChromium(),
  headless: true,
  args: CHROMIUM_ARGS,
});

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

let runId = 0;
/**
 * One answer of `tokens` tokens into a fresh page. `which` is 'widget' or
 * 'baseline'. Returns main-thread ms, long tasks, slow frames, heap and lags.
 */
async function measure(which, tokens, rate = 0) {
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 700 });
  await page.goto(`${origin}/`);
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  const id = `r${++runId}`;
  const url = `/stream?tokens=${tokens}&rate=${rate}&id=${id}`;
  await page.evaluate(
    (which, url) => {
      const state = (window.__bench = { longTasks: [], frames: [], seen: [] });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) state.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (time) => {
        state.frames.push(time - last);
        last = time;
        if (!state.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const el = document.createElement(which === 'widget' ? 'ai-chat' : 'naive-chat');
      if (which === 'widget') el.setAttribute('endpoint', url);
      document.body.append(el);
      state.el = el;
    },
    which,
    url,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = await cdp.send('Performance.getMetrics');
  await page.evaluate(async (which, url) => {
    const state = window.__bench;
    const el = state.el;
    const wall = () => performance.timeOrigin + performance.now();
    // Token-to-screen: the start of the first frame after token i arrived,
    // timed the same way for both elements. The baseline changed its DOM at
    // once, so that frame paints it; the widget renders inside that frame's
    // callbacks, so that frame paints it too, which `sameFrame` checks: the
    // update that shows token i must complete before the next frame starts.
    const nextFrame = (index) => requestAnimationFrame(() => (state.seen[index] = wall()));
    state.updated = [];
    if (which === 'widget') {
      el.addEventListener('ai-chat-delta', () => {
        const index = state.seen.length;
        state.seen.push(0);
        nextFrame(index);
        el.updateComplete.then(() => (state.updated[index] = wall()));
      });
      await el.send('Benchmark');
    } else {
      el.addEventListener('naive-delta', () => {
        const index = state.seen.length;
        state.seen.push(0);
        nextFrame(index);
      });
      await el.send(url);
    }
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    state.stop = true;
  }, which, url);
  const after = await cdp.send('Performance.getMetrics');
  const metric = (metrics, name) => metrics.metrics.find((m) => m.name === name).value;
  const mainThreadMs = (metric(after, 'TaskDuration') - metric(before, 'TaskDuration')) * 1000;
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const result = await page.evaluate(() => {
    const { longTasks, frames, seen, updated } = window.__bench;
    // Frame callbacks of one frame run within a few ms of each other.
    const sameFrame = updated.filter((time, i) => Math.abs(time - seen[i]) < 8).length;
    return { longTasks, slowFrames: frames.filter((gap) => gap > 50).length, seen, sameFrame };
  });
  const sent = await (await fetch(`${origin}/times?id=${id}`)).json();
  const lags = result.seen.map((shown, i) => shown - sent[i]).filter((lag) => Number.isFinite(lag));
  await page.close();
  return {
    mainThreadMs,
    longestTask: result.longTasks.length ? Math.max(...result.longTasks) : 0,
    longTasks: result.longTasks.length,
    slowFrames: result.slowFrames,
    heapMB: heap.usedSize / 1048576,
    lags,
    rendered: result.seen.length,
    sameFrame: which === 'widget' ? result.sameFrame / Math.max(1, result.seen.length) : 1,
  };
}

async function series(which, tokens, rate = 0) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(which, tokens, rate));
  for (const run of runs) {
    if (run.rendered !== tokens) throw new Error(`${which} rendered ${run.rendered} of ${tokens} tokens`);
  }
  return runs;
}

const fmt = (n, digits = 1) => n.toFixed(digits);
const print = (line = '') => console.log(line);

print(`# <ai-chat> benchmark (${RUNS} runs each, medians; ${new Date().toISOString().slice(0, 10)})`);
print();
const bundle = readFileSync(join(root, 'dist/ai-chat.iife.js'));
print(`bundle: dist/ai-chat.iife.js ${bundle.length} B, gzip ${gzipSync(bundle, { level: 9 }).length} B`);
print();
print('| tokens | widget ms/token | baseline ms/token | widget total ms | baseline total ms | ratio |');
print('|---:|---:|---:|---:|---:|---:|');
const perToken = {};
let flood;
for (const tokens of SIZES) {
  const widget = await series('widget', tokens);
  const baseline = await series('baseline', tokens);
  const w = median(widget.map((r) => r.mainThreadMs));
  const b = median(baseline.map((r) => r.mainThreadMs));
  perToken[tokens] = w / tokens;
  print(`| ${tokens} | ${fmt(w / tokens, 3)} | ${fmt(b / tokens, 3)} | ${fmt(w, 0)} | ${fmt(b, 0)} | ${fmt(w / b, 2)}x |`);
  if (tokens === 8000) flood = { widget, baseline };
}
print();
print(`flatness: 8k ms/token ÷ 1k ms/token = ${fmt(perToken[8000] / perToken[1000], 2)} (target ≤ 1.3)`);
const longest = median(flood.widget.map((r) => r.longestTask));
print(
  `8k flood: longest task ${longest ? `${fmt(longest, 0)} ms` : 'none over 50 ms'}, ` +
    `long tasks ${median(flood.widget.map((r) => r.longTasks))}, frames over 50 ms ${median(flood.widget.map((r) => r.slowFrames))} ` +
    `(baseline: ${median(flood.baseline.map((r) => r.longTasks))} long tasks)`,
);
print(
  `heap after the 8k flood: widget ${fmt(median(flood.widget.map((r) => r.heapMB)))} MB, baseline ${fmt(median(flood.baseline.map((r) => r.heapMB)))} MB`,
);
const paced = await series('widget', 300, 100);
const pacedBase = await series('baseline', 300, 100);
const lagAll = paced.flatMap((r) => r.lags);
const baseLag = pacedBase.flatMap((r) => r.lags);
print(
  `token-to-screen at 100 tokens/s: widget p50 ${fmt(percentile(lagAll, 50))} ms, p95 ${fmt(percentile(lagAll, 95))} ms ` +
    `(target p95 < 17 ms); baseline p95 ${fmt(percentile(baseLag, 95))} ms; ` +
    `tokens whose update finished inside that frame: ${fmt(100 * median(paced.map((r) => r.sameFrame)), 1)} %`,
);

// A long conversation: 500 messages of mixed markdown set at once, then
// scrolled from top to bottom, watching for long tasks.
async function longConversation() {
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 700 });
  await page.goto(`${origin}/`);
  const tokens = markdownTokens(400);
  return page.evaluate(async (tokens) => {
    const longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const messages = [];
    for (let i = 0; i < 250; i++) {
      messages.push({ id: `u${i}`, role: 'user', content: `Question ${i}: how does part ${i} work?`, status: 'done' });
      const start = (i * 37) % 300;
      messages.push({ id: `a${i}`, role: 'assistant', content: tokens.slice(start, start + 60 + (i % 40)).join(''), status: 'done' });
    }
    const el = document.createElement('ai-chat');
    document.body.append(el);
    await el.updateComplete;
    const t0 = performance.now();
    el.messages = messages;
    await el.updateComplete;
    await frame();
    const openMs = performance.now() - t0;
    const openTasks = [...longTasks];
    const transcript = el.shadowRoot.querySelector('.transcript');
    const steps = 60;
    for (let i = 0; i <= steps; i++) {
      transcript.scrollTop = (transcript.scrollHeight * i) / steps;
      await frame();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const scrollTasks = longTasks.slice(openTasks.length);
    return { openMs, openLongest: Math.max(0, ...openTasks), scrollLongest: Math.max(0, ...scrollTasks), scrollLong: scrollTasks.length };
  }, tokens);
}
const long = [];
for (let i = 0; i < RUNS; i++) long.push(await longConversation());
print(
  `500-message markdown conversation: opens in ${fmt(median(long.map((r) => r.openMs)), 0)} ms ` +
    `(longest task ${fmt(median(long.map((r) => r.openLongest)), 0)} ms); scrolling top to bottom: ` +
    `longest task ${fmt(median(long.map((r) => r.scrollLongest)), 0)} ms, ${median(long.map((r) => r.scrollLong))} long tasks (target: none over 50 ms)`,
);

await browser.close();
server.close();
print();
// Hostile answers (issue #13): every pathological input, worst frame and heap.
if (!process.argv.includes('--no-pathological')) await runPathological(print);
// Long conversations (issue #17): 0, 500 and 2,000 messages of history, opening, scrolling and streaming below them.
if (!process.argv.includes('--no-history')) await (await import('./history.mjs')).runHistory(print);
if (!process.argv.includes('--no-parts')) await (await import('./parts.mjs')).runParts(print);
