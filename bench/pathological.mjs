// The pathological section of `npm run bench` (also `node bench/pathological.mjs`
// on its own): each input of pathological-inputs.mjs is streamed into the
// markdown cache and renderer the way the element drives them, one snapshot
// and one render per animation frame while the text grows, then once more
// with the answer done. Reports the worst frame (parse + render + the layout
// the frame forces), the worst task the browser saw (the frame plus its style,
// paint and anything else, from the Long Tasks API, which sees tasks over
// 50 ms) and its CPU time from a trace, the final DOM size and the heap after
// a collection.
//
// The worst frame is split into parse (the cache's snapshot), render (Lit
// building the DOM) and layout (the reflow the frame forces); what the worst
// task adds on top is style, paint and garbage collection. A cache that held
// blocks back (a flood of new blocks is shown over several frames) gets
// further frames until it has caught up, as the element gives it.
//
// BENCH_SRC=<checkout> measures another checkout's src/render (an older
// commit in a git worktree, for before and after figures); BENCH_ONLY=<text>[,<text>…]
// runs only the inputs whose name holds one of them. `--load` adds two busy processes
// beside the browser; `--profile` prints each input's CPU self time by
// source function.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { busyProcesses, pageTasks, selfTimeBySource } from './common.mjs';
import { pathologicalInputs } from './pathological-inputs.mjs';

const root = process.env.BENCH_SRC ?? fileURLToPath(new URL('..', import.meta.url));
const modules = fileURLToPath(new URL('../node_modules', import.meta.url));
/** An input that has not finished streaming after this long is reported as timed out. */
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 20000);

/** The render modules and Lit in one script, exposed as `window.__md`, and its source map. */
async function harnessScript() {
  const result = await build({
    stdin: {
      contents: `
        import { render } from 'lit';
        import { MarkdownCache } from './src/render/markdown-cache.ts';
        import { renderMarkdown } from './src/render/render-markdown.ts';
        import { markdownStyles } from './src/render/markdown.styles.ts';
        window.__md = { render, MarkdownCache, renderMarkdown, css: markdownStyles.cssText };`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    // Lit from this checkout when BENCH_SRC has no node_modules of its own.
    nodePaths: [modules],
    format: 'iife',
    sourcemap: 'external',
    outfile: 'harness.js',
    write: false,
    logLevel: 'warning',
  });
  const file = (end) => result.outputFiles.find((f) => f.path.endsWith(end)).text;
  return { script: file('.js'), map: file('.js.map') };
}

/** Streams the text put in `window.__text`; runs inside the browser. */
async function streamInPage(deadline) {
  const { render, MarkdownCache, renderMarkdown, css } = window.__md;
  const text = window.__text;
  // Not kept: the heap is measured without the input.
  delete window.__text;
  document.body.innerHTML = `<style>${css}</style><div id="out" style="width:700px"></div>`;
  const out = document.getElementById('out');
  // Set when a snapshot held blocks back: the element renders again then.
  let behind = false;
  const cache = new MarkdownCache(() => (behind = true));
  const key = {};
  const labels = { copy: 'Copy', copied: 'Copied', copyFailed: 'Press Ctrl+C' };
  // Small writes, as many per frame as a fast network delivers (200+ frames per answer).
  const perFrame = Math.max(4096, Math.ceil(text.length / 200));
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let worst = 0;
  let worstTask = 0;
  let worstSplit = '';
  let frames = 0;
  // From the next task on: this one holds the text's transfer into the page.
  await frame();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) worstTask = Math.max(worstTask, entry.duration);
  }).observe({ type: 'longtask' });
  let error = '';
  const start = performance.now();
  const step = (upTo, done) => {
    const t0 = performance.now();
    let t1 = t0;
    let t2 = t0;
    behind = false;
    frames++;
    try {
      const doc = cache.get(key, text.slice(0, upTo), done);
      t1 = performance.now();
      render(renderMarkdown(doc, { labels }), out);
    } catch (e) {
      error ||= String(e);
    }
    t2 = performance.now();
    void out.offsetHeight;
    const t3 = performance.now();
    if (t3 - t0 > worst) {
      worst = t3 - t0;
      const at = done ? 'done' : `${Math.round((100 * upTo) / text.length)} %`;
      worstSplit = `${(t1 - t0).toFixed(0)}/${(t2 - t1).toFixed(0)}/${(t3 - t2).toFixed(0)} at ${at}`;
    }
  };
  let shown = 0;
  while (shown < text.length) {
    if (performance.now() - start > deadline) break;
    shown = Math.min(text.length, shown + perFrame);
    step(shown, false);
    await frame();
  }
  const streamed = shown / text.length;
  if (shown === text.length) {
    step(shown, true);
    // Blocks held back are shown in the frames that follow (the cache says so in a microtask).
    for (let more = 0; more < 10000; more++) {
      await frame();
      if (!behind) break;
      step(shown, true);
    }
  }
  // The last frame's paint, so that its long task is observed too.
  await frame();
  await frame();
  const walker = document.createTreeWalker(out);
  let nodes = 0;
  while (walker.nextNode()) nodes++;
  return { worst, worstSplit, frames, worstTask: Math.max(worst, worstTask), streamed, nodes, error, textLength: out.textContent.length };
}

/**
 * The most CPU (thread time) one task of the page's main thread took, in ms,
 * from a trace: on a busy machine a task's wall time also counts the time it
 * waited for a core.
 */
const worstTaskCpu = (trace) => pageTasks(trace).reduce((worst, task) => Math.max(worst, task.cpu), 0);

/** A fresh browser per input, so that one that crashes or hangs costs only its own row. */
const launch = () => puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS, protocolTimeout: 600000 });

export async function runPathological(print, scales = [20000], { load = false, profile = false } = {}) {
  const { script, map } = await harnessScript();
  const mapFile = join(mkdtempSync(join(tmpdir(), 'pathological-')), 'harness.js.map');
  writeFileSync(mapFile, map);
  const busy = busyProcesses(load);
  const server = createServer((req, res) => {
    if (req.url === '/harness.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script src="/harness.js"></script><body></body>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  print('Pathological inputs (cmark pathological_tests.py and #13), streamed one snapshot and render per frame:');
  print();
  print('| input | KB | worst frame ms | its parse/render/layout ms | worst task ms | frames | streamed | DOM nodes | heap MB | worst task CPU ms | error |');
  print('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|');
  const cases = [
    ...scales.flatMap((n) => pathologicalInputs(n)),
    // The sizes issue #13 measured: within max-response-bytes (16 MiB).
    { name: '5 MB paragraph', text: 'lorem ipsum dolor sit amet, '.repeat(187000) },
    { name: '14 MB one-letter paragraphs', text: 'a\n\n'.repeat(4_700_000) },
    { name: '5 MB table', text: '| a | b | c |\n|---|---|---|\n' + '| x | y | z |\n'.repeat(360000) },
    { name: '16 MB code fence', text: '```\n' + 'code line\n'.repeat(1_670_000) },
  ];
  const only = process.env.BENCH_ONLY;
  for (const { name, text } of cases) {
    if (only && !only.split(',').some((part) => name.includes(part))) continue;
    const browser = await launch();
    const page = await browser.newPage();
    await page.goto(origin);
    const cdp = await page.createCDPSession();
    let r;
    let timer;
    // One frame can outlast the deadline by far: the page is then given up.
    const hang = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('hung: a frame outlasted the deadline')), DEADLINE_MS * 2)));
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    try {
      // The text goes in first: its transfer is a task of its own, not the widget's.
      await page.evaluate((t) => void (window.__text = t), text);
      await page.tracing.start({ categories: ['toplevel', '__metadata', 'disabled-by-default-devtools.timeline'] });
      r = await Promise.race([page.evaluate(streamInPage, DEADLINE_MS), hang]);
    } catch (e) {
      r = { worst: NaN, worstSplit: '', frames: 0, worstTask: NaN, streamed: 0, nodes: 0, error: String(e.message ?? e).slice(0, 60) };
    }
    clearTimeout(timer);
    const taskCpu = await page.tracing.stop().then(worstTaskCpu, () => NaN);
    const cpu = profile ? await cdp.send('Profiler.stop').catch(() => undefined) : undefined;
    // A page still busy in its frame cannot answer: its heap is not measured.
    const busy = Number.isNaN(r.worst);
    if (!busy) await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const heap = busy ? { usedSize: NaN } : await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: NaN }));
    await browser.close().catch(() => {});
    const streamed = r.streamed === 1 ? 'all' : `${(100 * r.streamed).toFixed(0)} % (timed out)`;
    print(
      `| ${name} | ${(text.length / 1024).toFixed(0)} | ${r.worst.toFixed(0)} | ${r.worstSplit} | ${r.worstTask.toFixed(0)} | ${r.frames} | ${streamed} | ${r.nodes} | ${(heap.usedSize / 1048576).toFixed(1)} | ${taskCpu.toFixed(0)} | ${r.error.slice(0, 60)} |`,
    );
    if (cpu?.profile) {
      const top = selfTimeBySource(cpu.profile, { bundle: '/harness.js', mapFile, origin }).slice(0, 12);
      for (const [where, ms] of top) print(`|   | ${ms.toFixed(0)} ms | ${where} |`);
    }
  }
  print();
  for (const child of busy) child.kill();
  server.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--help')) {
    console.log('node bench/pathological.mjs [--load] [--profile]   (BENCH_SRC=<checkout>, BENCH_ONLY=<name part>, BENCH_DEADLINE_MS)');
    process.exit(0);
  }
  await runPathological((line = '') => console.log(line), undefined, {
    load: process.argv.includes('--load'),
    profile: process.argv.includes('--profile'),
  });
}
