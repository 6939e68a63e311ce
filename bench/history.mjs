// `node bench/history.mjs [--no-build] [--load] [--runs N] [--profile] [--css '<rules>']`:
// long conversations (issue #17). A conversation of 0, 500 or 2,000 messages
// of ~150 words of markdown is restored with `persist` into the script-tag
// bundle in headless Chromium; then the reader scrolls up through it, and an
// answer streams at 100 tokens/s below it. Per history length it reports:
// - newest painted: ms from appending the element (which restores the saved
//   conversation) to the frame after the newest message is in the DOM;
// - all painted: the same for the oldest message;
// - long tasks while opening (count, longest), and the longest while
//   scrolling up from the newest message to the oldest, a step per frame;
// - DOM nodes in the shadow root (elements, text and comments: Lit's markers
//   are nodes the browser keeps too), in all and per message;
// - streaming at 100 tokens/s with that history above: the main thread's busy
//   share of the answer's wall time (CDP TaskDuration), frame p95 and fps from
//   requestAnimationFrame, layouts per token; the busy share below 2,000
//   against none, run by run (runs interleave), and the median of those;
// - the bytes the widget POSTed for that answer.
//
// Before and after in the same run on the same machine: BENCH_SRC=<checkout>
// is the "before" tree (a git worktree of an older commit with node_modules
// symlinked in); its script-tag bundle is built there into a temporary
// folder, as is this checkout's (BENCH_AFTER=<checkout> measures another
// tree as "after"). Without BENCH_SRC only this checkout is measured.
// Builds go to temporary folders, never to dist/, so a build another person
// runs meanwhile cannot swap the bundle under the bench.
//
// `npm run bench` runs it after its own sections (runHistory); the flags and
// variables are the same there.
//
// --load runs two busy-looping Node processes beside the browser (the shared
// two-core machine under other work), ended by their pids when the bench
// ends. --profile adds, for the last tree at the longest history measured
// (BENCH_HISTORY=20 --profile profiles 20 messages): self time by source
// function (bundle positions mapped through its source map) while opening
// and while streaming; the longest tasks while opening and scrolling up,
// each with what it was made of; and the main thread's trace events while
// streaming, beside the same answer's below no history.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { arg, busyProcesses, historyMessages, median, selfTimeBySource } from './common.mjs';
import { markdownTokens } from './markdown-source.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(arg('--runs', process.env.BENCH_RUNS ?? 3));
/** BENCH_HISTORY=0,500 runs fewer lengths (the targets need 0 and 2,000). */
const HISTORY = (process.env.BENCH_HISTORY ?? '0,500,2000').split(',').map(Number);
const WORDS = 150;
const ANSWER_TOKENS = 300;
const RATE = 100;
const LOADED = process.argv.includes('--load');
const PROFILE = process.argv.includes('--profile');
/**
 * `--css '<rules>'` adds a style sheet to the widget's shadow root of every
 * tree measured: a way to try a style change (say, content-visibility on
 * messages) against the same run's figures without editing src/.
 */
const EXTRA_CSS = arg('--css', '');
/** How long the oldest message may take to show before "all painted" is reported as not reached. */
const OPEN_DEADLINE_MS = 20000;

/** The checkouts measured, with their builds; set by runHistory. */
let trees = [];
let origin;
let browser;

// --- the conversation ----------------------------------------------------------

const source = markdownTokens(4000);
/** ~150 words of the bench's markdown (headings, lists, code, a table, quotes, prose) a message. */
const history = (count) => historyMessages(count, source, WORDS);

/**
 * A plain markdown answer of ~150 words: prose paragraphs with bold, italics,
 * inline code and a link, and a short list; no heading, table or code block.
 * The issue's "≤ 40 DOM nodes per plain markdown message" is counted on this.
 */
const PLAIN = [
  'The widget keeps **each finished block** as it is, so a long answer does not redraw what the reader has already seen. ' +
    'It streams the text *as it arrives* and sets `endpoint` once; see [the guide](https://example.com/docs) for the rest.',
  '- the newest message shows first\n- older ones follow while the page stays responsive\n- nothing is sent twice',
  'A plain paragraph goes on for a while so that the answer has the rhythm of ordinary prose, with commas, clauses and the ' +
    'occasional `inline code` span, the way a model writes when it explains a setting to someone who asked a short question.',
  'When the conversation grows long, only the **most recent** messages are sent with the next question, and the *system ' +
    'prompt* always goes first. The rest stay on screen and in storage, where the reader can scroll back to them at any time.',
].join('\n\n');

// --- the local server ------------------------------------------------------------

const posted = new Map();

async function stream(res, url) {
  const tokens = markdownTokens(Number(url.searchParams.get('tokens')));
  const rate = Number(url.searchParams.get('rate'));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform' });
  const start = performance.now();
  for (let i = 0; i < tokens.length; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: tokens[i] } }] })}\n\n`;
    if (!res.write(event)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end('data: [DONE]\n\n');
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/stream') {
    // What the widget sends is part of what a long conversation costs: count it before answering.
    let bytes = 0;
    req.on('data', (chunk) => (bytes += chunk.length));
    return void req.on('end', () => {
      posted.set(url.searchParams.get('id'), bytes);
      void stream(res, url);
    });
  }
  const tree = trees.find((t) => url.pathname === `/${t.name}/` || url.pathname.startsWith(`/${t.name}/ai-chat.iife.js`));
  if (!tree) return void res.writeHead(404).end();
  if (url.pathname.endsWith('/')) {
    res.writeHead(200, { 'content-type': 'text/html' });
    return void res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>history bench</title>
<script src="/${tree.name}/ai-chat.iife.js"></script>
<style>body { margin: 0; font: 15px system-ui, sans-serif; } ai-chat { display: block; height: 600px; width: 720px; }</style>
</head><body></body></html>`);
  }
  try {
    const file = url.pathname.slice(tree.name.length + 2);
    res.writeHead(200, { 'content-type': file.endsWith('.map') ? 'application/json' : 'text/javascript' });
    res.end(readFileSync(join(tree.out, file)));
  } catch {
    res.writeHead(404).end();
  }
});

// --- load, browser, measurement ---------------------------------------------------


const metric = (metrics, name) => metrics.metrics.find((m) => m.name === name).value;
let runId = 0;

/** Opens a conversation of `count` messages in a fresh page, scrolls up through it, then streams an answer below it. */
async function measure(tree, count, profile) {
  const page = await browser.newPage();
  await page.setViewport({ width: 800, height: 700 });
  await page.goto(`${origin}/${tree.name}/`);
  const cdp = await page.createCDPSession();
  await cdp.send('Performance.enable');
  const id = `r${++runId}`;
  const key = `bench-${id}`;
  await page.evaluate(
    (key, messages) => {
      localStorage.clear();
      localStorage.setItem(`ai-chat:${key}`, JSON.stringify({ v: 1, messages }));
      const state = (window.__bench = { longTasks: [] });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) state.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask' });
    },
    key,
    history(count),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (profile) {
    await startProfile(cdp);
    await page.tracing.start({ categories: ['toplevel', 'devtools.timeline', 'blink'] });
  }
  const open = await page.evaluate(
    async (key, count, deadline, css) => {
      const state = window.__bench;
      const el = document.createElement('ai-chat');
      el.setAttribute('persist', key);
      state.el = el;
      const afterPaint = () => new Promise((resolve) => setTimeout(resolve, 0));
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      // In a frame callback the DOM is what that frame paints; the task after it runs once it has.
      // Cheap checks, so that watching costs the frames next to nothing: the
      // first message in tree order, and the last one found from the end
      // (messages may sit in groups, so groups are searched from their end).
      const oldest = () => el.shadowRoot?.querySelector('.transcript .message');
      const lastMessage = (parent) => {
        for (let node = parent?.lastElementChild; node; node = node.previousElementSibling) {
          const found = node.classList.contains('message') ? node : lastMessage(node);
          if (found) return found;
        }
        return undefined;
      };
      const newestMessage = () => lastMessage(el.shadowRoot?.querySelector('.transcript'));
      const has = (message, i) => message?.textContent.includes(`Message ${i}:`) ?? false;
      const t0 = performance.now();
      document.body.append(el);
      if (css) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        el.shadowRoot.adoptedStyleSheets = [...el.shadowRoot.adoptedStyleSheets, sheet];
      }
      let newest;
      let all;
      if (count === 0) {
        await frame();
        await afterPaint();
        newest = all = performance.now() - t0;
      } else {
        while (all === undefined && performance.now() - t0 < deadline) {
          await frame();
          const newestShown = newest === undefined && has(newestMessage(), count - 1);
          const allShown = has(oldest(), 0);
          if (newestShown || allShown) {
            await afterPaint();
            if (newestShown) newest = performance.now() - t0;
            if (allShown) all = performance.now() - t0;
          }
        }
      }
      const openTasks = state.longTasks.filter((task) => task.start >= t0).map((task) => task.duration);
      // Every node the shadow root holds: elements, text, and Lit's comment markers.
      const walker = document.createTreeWalker(el.shadowRoot, NodeFilter.SHOW_ALL);
      let nodes = 0;
      while (walker.nextNode()) nodes++;
      // Up from the newest message to the oldest, a step per frame, as a reader dragging the scrollbar.
      const transcript = el.shadowRoot.querySelector('.transcript');
      const scrollStart = performance.now();
      const steps = 60;
      for (let i = steps; i >= 0; i--) {
        transcript.scrollTop = ((transcript.scrollHeight - transcript.clientHeight) * i) / steps;
        await frame();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const scrollTasks = state.longTasks.filter((task) => task.start >= scrollStart).map((task) => task.duration);
      // Back to the newest, so the answer is followed as it streams.
      transcript.scrollTop = transcript.scrollHeight;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { newest, all, openTasks, nodes, scrollTasks };
    },
    key,
    count,
    OPEN_DEADLINE_MS,
    EXTRA_CSS,
  );
  const openProfile = profile ? await stopProfile(cdp) : undefined;
  const openTasks = profile ? longestTasks(mainThreadEvents(await page.tracing.stop()), 6) : undefined;
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  if (profile) {
    await startProfile(cdp);
    // What the main thread did besides scripts: style, layout, pre-paint, paint, layerize.
    await page.tracing.start({ categories: ['toplevel', 'devtools.timeline', 'blink'] });
  }
  const before = await cdp.send('Performance.getMetrics');
  const streamed = await page.evaluate(async (url) => {
    const state = window.__bench;
    const el = state.el;
    el.setAttribute('endpoint', url);
    const frames = [];
    let deltas = 0;
    let first;
    let last;
    el.addEventListener('ai-chat-delta', () => {
      first ??= performance.now();
      last = performance.now();
      deltas++;
    });
    let stop = false;
    let previous;
    const tick = (time) => {
      if (first !== undefined && previous !== undefined) frames.push(time - previous);
      previous = time;
      if (!stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const start = performance.now();
    const answer = await el.send('Benchmark');
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    stop = true;
    const longTasks = state.longTasks.filter((task) => task.start >= start).map((task) => task.duration);
    return { status: answer?.status, error: answer?.error, deltas, frames, longTasks, wallMs: performance.now() - start };
  }, `/stream?tokens=${ANSWER_TOKENS}&rate=${RATE}&id=${id}`);
  const after = await cdp.send('Performance.getMetrics');
  const streamProfile = profile ? await stopProfile(cdp) : undefined;
  const streamRaw = profile ? await page.tracing.stop() : undefined;
  const streamEvents = streamRaw && mainThreadEvents(streamRaw);
  const streamTrace = streamEvents && rendererWork(streamEvents);
  const streamTasks = streamEvents && longestTasks(streamEvents, 4);
  await page.close();
  if (streamed.status !== 'done' || streamed.deltas !== ANSWER_TOKENS) {
    throw new Error(`${tree.name} ${count}: ${streamed.status} after ${streamed.deltas} tokens ${streamed.error ?? ''}`);
  }
  const delta = (name) => metric(after, name) - metric(before, name);
  const sorted = [...streamed.frames].sort((a, b) => a - b);
  return {
    ...open,
    heapMB: heap.usedSize / 1048576,
    busy: (delta('TaskDuration') * 1000) / streamed.wallMs,
    cpuBusy: (delta('ThreadTime') * 1000) / streamed.wallMs,
    scriptMs: delta('ScriptDuration') * 1000,
    styleMs: delta('RecalcStyleDuration') * 1000,
    layoutMs: delta('LayoutDuration') * 1000,
    layoutsPerToken: delta('LayoutCount') / ANSWER_TOKENS,
    frameP95: sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))],
    fps: (1000 * streamed.frames.length) / streamed.frames.reduce((a, b) => a + b, 0),
    postedBytes: posted.get(id),
    streamLong: streamed.longTasks.length,
    streamMax: Math.max(0, ...streamed.longTasks),
    openProfile,
    openTrace: openTasks,
    streamProfile,
    streamTrace,
    streamTasks,
  };
}

/** DOM nodes a plain markdown answer adds: the shadow root with `count` of them, less the one with none. */
async function plainNodes(tree, count) {
  const page = await browser.newPage();
  await page.goto(`${origin}/${tree.name}/`);
  const nodes = await page.evaluate(
    async (text, count) => {
      const total = async (messages) => {
        const el = document.createElement('ai-chat');
        document.body.append(el);
        el.messages = messages;
        // Until the oldest message is rendered: long lists render newest first.
        for (let i = 0; i < 600 && messages.length && !el.shadowRoot.querySelector('.transcript .message')?.textContent.includes('Plain 0:'); i++) {
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
        await el.updateComplete;
        const walker = document.createTreeWalker(el.shadowRoot, NodeFilter.SHOW_ALL);
        let n = 0;
        while (walker.nextNode()) n++;
        el.remove();
        return n;
      };
      const messages = Array.from({ length: count }, (_, i) => ({
        id: `p${i}`,
        // Assistant messages: a user's message is shown as text, not markdown.
        role: 'assistant',
        content: `Plain ${i}: ${text}`,
        status: 'done',
      }));
      return (await total(messages)) - (await total([]));
    },
    PLAIN,
    count,
  );
  await page.close();
  return nodes / count;
}

/** A trace's complete events (`ph: 'X'`) on the renderer main thread. */
function mainThreadEvents(trace) {
  const events = JSON.parse(new TextDecoder().decode(trace)).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
}

/**
 * The `count` longest tasks among main-thread events, in the order they
 * ran, each with the trace events inside it by name (nested, so they
 * overlap): what a long task while opening or scrolling was made of.
 */
function longestTasks(onMain, count) {
  const tasks = onMain.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask')).sort((a, b) => b.dur - a.dur).slice(0, count);
  const t0 = Math.min(...onMain.map((e) => e.ts));
  return tasks
    .sort((a, b) => a.ts - b.ts)
    .map((task) => {
      const inside = new Map();
      for (const e of onMain) {
        if (e === task || e.ts < task.ts || e.ts + (e.dur ?? 0) > task.ts + task.dur) continue;
        inside.set(e.name, (inside.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
      }
      const parts = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 8);
      return { at: (task.ts - t0) / 1000, ms: task.dur / 1000, parts };
    });
}

/**
 * Main-thread trace events by name, total ms and count, biggest
 * first. Events nest (a forced Layout inside a FunctionCall), so the totals
 * overlap: read them as where the time goes, not as a sum.
 */
function rendererWork(onMain) {
  const byName = new Map();
  for (const e of onMain) {
    const entry = byName.get(e.name) ?? { ms: 0, count: 0 };
    entry.ms += (e.dur ?? 0) / 1000;
    entry.count++;
    byName.set(e.name, entry);
  }
  return [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30);
}

async function startProfile(cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
}
const stopProfile = async (cdp) => (await cdp.send('Profiler.stop')).profile;

/** Self time per source function of a CPU profile, and the profile's whole time, in ms. */
function topFunctions(tree, profile, count) {
  const top = selfTimeBySource(profile, { bundle: '/ai-chat.iife.js', mapFile: join(tree.out, 'ai-chat.iife.js.map'), origin });
  return { total: profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000, top: top.slice(0, count) };
}

const fmt = (n, digits = 0) => (n === undefined ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/**
 * The whole bench: builds, measures and prints with `print`. `npm run bench`
 * runs it after its own sections; `node bench/history.mjs` runs it alone.
 */
export async function runHistory(print = (line = '') => console.log(line)) {
  trees = [
    ...(process.env.BENCH_SRC ? [{ name: 'before', dir: process.env.BENCH_SRC }] : []),
    { name: 'after', dir: process.env.BENCH_AFTER ?? here },
  ];
  const buildRoot = mkdtempSync(join(tmpdir(), 'ai-chat-history-bench-'));
  for (const tree of trees) {
    tree.out = join(buildRoot, tree.name);
    tree.commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: tree.dir, encoding: 'utf8' }).trim();
    tree.dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: tree.dir, encoding: 'utf8' }).trim() !== '';
    if (process.argv.includes('--no-build')) tree.out = join(tree.dir, 'dist');
    else {
      execFileSync('npx', ['vite', 'build', '--mode', 'iife', '--logLevel', 'warn', '--outDir', tree.out], {
        cwd: tree.dir,
        stdio: 'inherit',
      });
    }
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;

  const hogs = busyProcesses(LOADED);
  const endHogs = () => hogs.forEach((hog) => hog.killed || hog.kill());
  process.on('exit', endHogs);
  process.on('SIGINT', () => process.exit(130));

  browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });

  try {
    const load = loadavg().map((n) => n.toFixed(1)).join(' ');
    print(
      `# Long conversations: ${HISTORY.join(', ')} messages of ~${WORDS} words of markdown, restored with persist, ` +
        `then ${ANSWER_TOKENS} tokens streamed at ${RATE} tokens/s below them`,
    );
    print();
    print(
      `${LOADED ? 'loaded: 2 busy processes beside it' : 'no added load'}; ${RUNS} runs each, medians; load average before ${load} on ${cpus().length} cores; ` +
        `${new Date().toISOString().slice(0, 16)}Z; ${EXTRA_CSS ? `added CSS: \`${EXTRA_CSS}\`; ` : ''}${trees.map((t) => `${t.name} = ${t.commit}${t.dirty ? ' + uncommitted src/' : ''}`).join(', ')}`,
    );
    print();
    print(
      '| tree | history | newest painted | all painted | long tasks opening (max) | longest task scrolling up | DOM nodes | per message | heap MB | ' +
        'streaming: busy | CPU busy | frame p95 | fps | long tasks (max) | layouts/token | script / style / layout ms | bytes POSTed |',
    );
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
    // Runs interleave (run 1 of every length and tree, then run 2, ...): the
    // machine's load drifts over minutes, and a ratio should compare runs made
    // side by side, not the first minute's with the last one's.
    const measured = {};
    for (let i = 0; i < RUNS; i++) {
      for (const count of HISTORY) {
        for (const tree of trees) (measured[`${tree.name}:${count}`] ??= []).push(await measure(tree, count, false));
      }
    }
    const results = {};
    for (const count of HISTORY) {
      for (const tree of trees) {
        const runs = measured[`${tree.name}:${count}`];
        const of = (get) => median(runs.map(get));
        const empty = results[`${tree.name}:0`];
        const r = {
          newest: of((r) => r.newest),
          all: runs.every((r) => r.all !== undefined) ? of((r) => r.all) : undefined,
          openLong: of((r) => r.openTasks.length),
          openMax: of((r) => Math.max(0, ...r.openTasks)),
          scrollMax: of((r) => Math.max(0, ...r.scrollTasks)),
          nodes: of((r) => r.nodes),
          heapMB: of((r) => r.heapMB),
          busy: of((r) => r.busy),
          cpuBusy: of((r) => r.cpuBusy),
          frameP95: of((r) => r.frameP95),
          fps: of((r) => r.fps),
          layoutsPerToken: of((r) => r.layoutsPerToken),
          split: ['scriptMs', 'styleMs', 'layoutMs'].map((k) => fmt(of((r) => r[k]))).join(' / '),
          postedBytes: of((r) => r.postedBytes),
          streamLong: of((r) => r.streamLong),
          streamMax: of((r) => r.streamMax),
        };
        results[`${tree.name}:${count}`] = r;
        const perMessage = count && empty ? (r.nodes - empty.nodes) / count : undefined;
        const allPainted = r.all === undefined ? `not within ${OPEN_DEADLINE_MS / 1000} s` : `${fmt(r.all)} ms`;
        print(
          `| ${tree.name} | ${fmt(count)} | ${count ? `${fmt(r.newest)} ms` : '—'} | ${count ? allPainted : '—'} | ` +
            `${fmt(r.openLong)} (${r.openMax ? `${fmt(r.openMax)} ms` : 'none'}) | ${r.scrollMax ? `${fmt(r.scrollMax)} ms` : 'none over 50 ms'} | ` +
            `${fmt(r.nodes)} | ${fmt(perMessage, 1)} | ${fmt(r.heapMB, 1)} | ${fmt(100 * r.busy)} % | ${fmt(100 * r.cpuBusy)} % | ` +
            `${fmt(r.frameP95, 1)} ms | ${fmt(r.fps)} | ${fmt(r.streamLong)} (${r.streamMax ? `${fmt(r.streamMax)} ms` : 'none'}) | ${fmt(r.layoutsPerToken, 2)} | ${r.split} | ${fmt(r.postedBytes)} |`,
        );
      }
    }
    print();
    const plain = {};
    for (const tree of trees) plain[tree.name] = await plainNodes(tree, 1000);
    print(
      `plain markdown answer (~${PLAIN.split(/\s+/).length} words: prose with inline marks, a link and a list): DOM nodes per message ` +
        trees.map((t) => `${t.name} ${fmt(plain[t.name], 1)}`).join(', '),
    );
    print();
    // The issue's targets, for each tree.
    for (const tree of trees) {
      const big = results[`${tree.name}:2000`];
      const empty = results[`${tree.name}:0`];
      if (!big || !empty) continue;
      // Each run's 2,000 against the same run's 0 (made one after the other), then the median of those ratios.
      const bigRuns = measured[`${tree.name}:2000`];
      const ratios = bigRuns.map((run, i) => run.busy / measured[`${tree.name}:0`][i].busy).sort((a, b) => a - b);
      const ratio = median(ratios);
      const check = (ok) => (ok ? 'met' : 'MISSED');
      print(`${tree.name}:`);
      print(
        `- streaming busy, 2,000 ÷ 0 messages, run by run: ${fmt(ratio, 2)}× (median; ${ratios.map((r) => fmt(r, 2)).join(', ')}) ` +
          `(target ≤ 1.5×): ${check(ratio <= 1.5)}; CPU: ${fmt(median(bigRuns.map((run, i) => run.cpuBusy / measured[`${tree.name}:0`][i].cpuBusy)), 2)}×`,
      );
      print(`- frame p95 with 2,000 messages: ${fmt(big.frameP95, 1)} ms (target ≤ 17 ms on a quiet machine): ${check(big.frameP95 <= 17)}`);
      print(`- newest of 2,000 persisted messages painted in ${fmt(big.newest)} ms (target ≤ 100 ms): ${check(big.newest <= 100)}`);
      print(`- longest task scrolling up through 2,000: ${fmt(big.scrollMax)} ms (target: none over 50 ms): ${check(big.scrollMax <= 50)}`);
      const perMessage = (big.nodes - empty.nodes) / 2000;
      print(
        `- DOM nodes per plain markdown answer: ${fmt(plain[tree.name], 1)} (target ≤ 40): ${check(plain[tree.name] <= 40)}; ` +
          `per message of the mixed history above: ${fmt(perMessage, 1)}`,
      );
    }
    if (PROFILE) {
      const tree = trees.at(-1);
      // At the longest history measured (BENCH_HISTORY=20 --profile profiles 20 messages).
      const longest = Math.max(...HISTORY);
      const run = await measure(tree, longest, true);
      for (const [what, profile] of [
        [`opening ${fmt(longest)} messages and scrolling up`, run.openProfile],
        [`streaming ${ANSWER_TOKENS} tokens below ${fmt(longest)} messages`, run.streamProfile],
      ]) {
        const { total, top } = topFunctions(tree, profile, 20);
        print();
        print(`${tree.name}, ${what}: self time by function (of ${fmt(total)} ms profiled, idle included):`);
        for (const [where, ms] of top) print(`  ${fmt(ms, 1).padStart(8)} ms  ${where}`);
      }
      for (const [what, tasks] of [
        [`opening ${fmt(longest)} messages and scrolling up`, run.openTrace],
        [`streaming below ${fmt(longest)} messages`, run.streamTasks],
      ]) {
        print();
        print(`${tree.name}, ${what}: the longest tasks, in order (ms from the trace's start):`);
        for (const task of tasks) {
          print(`  at ${fmt(task.at)} ms: ${fmt(task.ms, 1)} ms: ${task.parts.map(([name, ms]) => `${name} ${fmt(ms, 1)}`).join(', ')}`);
        }
      }
      // The same answer below no history, for the trace's baseline: what the history adds is the difference.
      const empty = new Map((await measure(tree, 0, true)).streamTrace);
      print();
      print(`${tree.name}, streaming ${ANSWER_TOKENS} tokens below ${fmt(longest)} (and 0) messages: main-thread trace events (nested, so totals overlap):`);
      for (const [name, { ms, count }] of run.streamTrace) {
        const base = empty.get(name) ?? { ms: 0, count: 0 };
        print(`  ${fmt(ms, 1).padStart(8)} ms  ${String(count).padStart(6)}×  (0: ${fmt(base.ms, 1).padStart(7)} ms ${String(base.count).padStart(5)}×)  ${name}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
    endHogs();
    if (!process.argv.includes('--no-build')) rmSync(buildRoot, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runHistory();
