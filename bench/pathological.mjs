// The pathological section of `npm run bench` (also `node bench/pathological.mjs`
// on its own): each input of pathological-inputs.mjs is streamed into the
// markdown cache and renderer the way the element drives them, one snapshot
// and one render per animation frame while the text grows, then once more
// with the answer done. Reports the worst frame (parse + render + the layout
// the frame forces), the worst task the browser saw (the frame plus its style,
// paint and anything else, from the Long Tasks API, which sees tasks over
// 50 ms), the final DOM size and the heap after a collection.
//
// BENCH_SRC=<checkout> measures another checkout's src/render (an older
// commit in a git worktree, for before and after figures); BENCH_ONLY=<text>
// runs only the inputs whose name holds it.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { pathologicalInputs } from './pathological-inputs.mjs';

const root = process.env.BENCH_SRC ?? fileURLToPath(new URL('..', import.meta.url));
const modules = fileURLToPath(new URL('../node_modules', import.meta.url));
/** An input that has not finished streaming after this long is reported as timed out. */
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 20000);

/** The render modules and Lit in one script, exposed as `window.__md`. */
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
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

/** Streams `text` in the page; runs inside the browser. */
async function streamInPage(text, deadline) {
  const { render, MarkdownCache, renderMarkdown, css } = window.__md;
  document.body.innerHTML = `<style>${css}</style><div id="out" style="width:700px"></div>`;
  const out = document.getElementById('out');
  const cache = new MarkdownCache();
  const key = {};
  const labels = { copy: 'Copy', copied: 'Copied', copyFailed: 'Press Ctrl+C' };
  // Small writes, as many per frame as a fast network delivers (200+ frames per answer).
  const perFrame = Math.max(4096, Math.ceil(text.length / 200));
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let worst = 0;
  let worstTask = 0;
  // From the next task on: this one holds the text's transfer into the page.
  await frame();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) worstTask = Math.max(worstTask, entry.duration);
  }).observe({ type: 'longtask' });
  let error = '';
  const start = performance.now();
  const step = (upTo, done) => {
    const t0 = performance.now();
    try {
      render(renderMarkdown(cache.get(key, text.slice(0, upTo), done), { labels }), out);
    } catch (e) {
      error ||= String(e);
    }
    void out.offsetHeight;
    worst = Math.max(worst, performance.now() - t0);
  };
  let shown = 0;
  while (shown < text.length) {
    if (performance.now() - start > deadline) break;
    shown = Math.min(text.length, shown + perFrame);
    step(shown, false);
    await frame();
  }
  const streamed = shown / text.length;
  if (shown === text.length) step(shown, true);
  // The last frame's paint, so that its long task is observed too.
  await frame();
  await frame();
  const walker = document.createTreeWalker(out);
  let nodes = 0;
  while (walker.nextNode()) nodes++;
  return { worst, worstTask: Math.max(worst, worstTask), streamed, nodes, error, textLength: out.textContent.length };
}

/** A fresh browser per input, so that one that crashes or hangs costs only its own row. */
const launch = () => puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS, protocolTimeout: 600000 });

export async function runPathological(print, scales = [20000]) {
  const script = await harnessScript();
  const server = createServer((req, res) => {
    if (req.url === '/harness.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script src="/harness.js"></script><body></body>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  print('Pathological inputs (cmark pathological_tests.py and #13), streamed one snapshot and render per frame:');
  print();
  print('| input | KB | worst frame ms | worst task ms | streamed | DOM nodes | heap MB | error |');
  print('|---|---:|---:|---:|---:|---:|---:|---|');
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
    if (only && !name.includes(only)) continue;
    const browser = await launch();
    const page = await browser.newPage();
    await page.goto(origin);
    const cdp = await page.createCDPSession();
    let r;
    let timer;
    // One frame can outlast the deadline by far: the page is then given up.
    const hang = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('hung: a frame outlasted the deadline')), DEADLINE_MS * 2)));
    try {
      r = await Promise.race([page.evaluate(streamInPage, text, DEADLINE_MS), hang]);
    } catch (e) {
      r = { worst: NaN, worstTask: NaN, streamed: 0, nodes: 0, error: String(e.message ?? e).slice(0, 60) };
    }
    clearTimeout(timer);
    // A page still busy in its frame cannot answer: its heap is not measured.
    const busy = Number.isNaN(r.worst);
    if (!busy) await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
    const heap = busy ? { usedSize: NaN } : await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: NaN }));
    await browser.close().catch(() => {});
    const streamed = r.streamed === 1 ? 'all' : `${(100 * r.streamed).toFixed(0)} % (timed out)`;
    print(
      `| ${name} | ${(text.length / 1024).toFixed(0)} | ${r.worst.toFixed(0)} | ${r.worstTask.toFixed(0)} | ${streamed} | ${r.nodes} | ${(heap.usedSize / 1048576).toFixed(1)} | ${r.error.slice(0, 60)} |`,
    );
  }
  print();
  server.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runPathological((line = '') => console.log(line));
}
