// `node bench/save.mjs [--before REV] [--runs N] [--saves N] [--profile] [--load]`: what
// saving a long conversation costs while an answer streams (issue #17). The
// widget saves at most once a second while an answer arrives; each save
// rewrites the whole conversation in localStorage. This measures one
// `ConversationStore.save()` (read back, merge, write) in headless Chromium,
// with 0, 500 and 2,000 restored messages of ~150 words above one streaming
// answer that grows by 100 tokens between saves (a second at 100 tokens/s),
// and 2,000 where that answer is a Regenerate near the top, so the other
// 1,991 messages are in its versions. Also the first save after the load
// (the one when the question is sent), once a run.
//
// Before and after in the same run, in the same page: the store module of
// REV (`git show REV:src/conversation-store.ts`, default HEAD) and of this
// checkout, each bundled with esbuild on its own; trees alternate run by run
// so load on the shared machine falls on both alike. Per save: wall time
// (in the page) and main-thread CPU time (CDP `ThreadTime`, around a task
// that does just the save), medians over every save of every run; "storage
// alone" is a getItem of the stored text and a setItem of one as long, the
// floor a store that writes the whole conversation cannot go under. CPU
// counts what the save leaves to the garbage collector too. The bench also
// checks that both trees stored the very same text.
//
// --profile prints, for each tree at 2,000 messages (both cases), self time by
// function over its saves in the last run (CDP profiler), biggest first.
//
// --load runs two busy-looping Node processes beside the browser, ended by
// their pids when the bench ends.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { arg, busyProcesses, historyMessages, median } from './common.mjs';
import { markdownTokens } from './markdown-source.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const BEFORE = arg('--before', 'HEAD');
const RUNS = Number(arg('--runs', 3));
const SAVES = Number(arg('--saves', 20));
const WORDS = 150;
const TOKENS_PER_SAVE = 100;
const PROFILE = process.argv.includes('--profile');
/** History lengths; `versions` puts all but the first 10 messages in the streaming answer's versions. */
const CASES = [
  { count: 0 },
  { count: 500 },
  { count: 2000 },
  { count: 2000, versions: true },
];

/** The store module as an IIFE setting `window[name]`: `git show` text for a revision, the file for this checkout. */
function bundle(name, revision) {
  const entry = 'src/conversation-store.ts';
  const contents = revision
    ? execFileSync('git', ['show', `${revision}:${entry}`], { cwd: here, encoding: 'utf8' })
    : readFileSync(`${here}${entry}`, 'utf8');
  const [out] = buildSync({
    stdin: { contents, resolveDir: `${here}src`, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    format: 'iife',
    globalName: name,
    // Readable names in a profile; the widget's own build minifies, which changes little in this work.
    minify: false,
    target: 'es2022',
    write: false,
  }).outputFiles;
  return out.text;
}

const trees = [
  { name: 'before', label: `before (${execFileSync('git', ['rev-parse', '--short', BEFORE], { cwd: here, encoding: 'utf8' }).trim()})`, code: bundle('before', BEFORE) },
  { name: 'after', label: 'after (this checkout)', code: bundle('after') },
];

const server = createServer((req, res) => {
  const tree = trees.find((t) => req.url === `/${t.name}.js`);
  if (tree) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(tree.code);
  if (req.url !== '/') return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<!doctype html><meta charset="utf-8"><title>save bench</title>
${trees.map((t) => `<script src="/${t.name}.js"></script>`).join('\n')}`);
});

/** Sets up one case in the page: the history saved as a tab would have, read back as a reload does, a question and an answer starting. */
function setUp({ tree, versions, history, source, key, tokensPerSave }) {
  localStorage.clear();
  const { ConversationStore } = window[tree];
  new ConversationStore(key).save(history);
  const store = new ConversationStore(key);
  const loaded = store.load('Interrupted.');
  if (!loaded.ok) throw new Error(`not loaded: ${loaded.reason}`);
  let messages;
  let answer;
  if (versions) {
    // Regenerate on message 9 (an answer): it and all after it become a version of the new answer.
    answer = { id: 'answer', role: 'assistant', content: '', status: 'streaming', versions: { before: [loaded.messages.slice(9)], after: [] } };
    messages = [...loaded.messages.slice(0, 9), answer];
  } else {
    answer = { id: 'answer', role: 'assistant', content: '', status: 'pending' };
    messages = [...loaded.messages, { id: 'question', role: 'user', content: 'Benchmark', status: 'done' }, answer];
  }
  window.__case = { store, messages, answer, source, key, tokensPerSave, step: 0 };
}

/** The forced save when the question is sent, the first after the load; its wall ms. */
function firstSave() {
  const state = window.__case;
  const start = performance.now();
  if (!state.store.save(state.messages)) throw new Error('first save failed');
  const wall = performance.now() - start;
  state.answer.status = 'streaming';
  return wall;
}

/** One save while the answer streams, after a second's worth of tokens; its wall ms. */
function saveOnce() {
  const state = window.__case;
  const { source } = state;
  for (let i = 0; i < state.tokensPerSave; i++) state.answer.content += source[state.step++ % source.length];
  const start = performance.now();
  if (!state.store.save(state.messages)) throw new Error('save failed');
  return performance.now() - start;
}

/**
 * What storage alone costs a save: reading the text and writing one as long
 * (another each time: Chromium skips writing a value equal to the stored one).
 */
function storageOnce() {
  const state = window.__case;
  const key = `ai-chat:${state.key}`;
  const start = performance.now();
  const raw = localStorage.getItem(key);
  localStorage.setItem(key, `${raw.slice(0, -1)}${state.step++ % 2 ? ' ' : '\n'}`);
  return performance.now() - start;
}

const metric = (metrics, name) => metrics.metrics.find((m) => m.name === name)?.value ?? 0;

async function measure(page, cdp, fn) {
  const before = await cdp.send('Performance.getMetrics');
  const wall = await page.evaluate(fn);
  const after = await cdp.send('Performance.getMetrics');
  return { wall, cpu: (metric(after, 'ThreadTime') - metric(before, 'ThreadTime')) * 1000 };
}

async function main() {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}/`;
  const busy = busyProcesses(process.argv.includes('--load'));
  const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(origin);
    const cdp = await page.createCDPSession();
    await cdp.send('Performance.enable', { timeMetrics: 'threadTicks' });
    const source = markdownTokens(4000);
    const results = new Map();
    const profiles = new Map();
    const stored = new Map();
    for (let run = 0; run < RUNS; run++) {
      for (const c of CASES) {
        const order = run % 2 ? [...trees].reverse() : trees;
        for (const tree of order) {
          const id = `${c.count}${c.versions ? 'v' : ''}`;
          const key = `bench-save-${id}`;
          await page.evaluate(setUp, { tree: tree.name, versions: c.versions, history: historyMessages(c.count, source, WORDS), source, key, tokensPerSave: TOKENS_PER_SAVE });
          const profiling = PROFILE && id.startsWith('2000') && run === RUNS - 1;
          if (profiling) {
            await cdp.send('Profiler.enable');
            await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
            await cdp.send('Profiler.start');
          }
          const row = results.get(`${tree.name}:${id}`) ?? { wall: [], cpu: [], storageWall: [], storageCpu: [], firstWall: [], firstCpu: [] };
          const first = await measure(page, cdp, firstSave);
          row.firstWall.push(first.wall);
          row.firstCpu.push(first.cpu);
          for (let i = 0; i < SAVES; i++) {
            const save = await measure(page, cdp, saveOnce);
            row.wall.push(save.wall);
            row.cpu.push(save.cpu);
          }
          if (profiling) profiles.set({ tree, id }, (await cdp.send('Profiler.stop')).profile);
          stored.set(`${tree.name}:${id}`, await page.evaluate((k) => localStorage.getItem(`ai-chat:${k}`), key));
          for (let i = 0; i < 5; i++) {
            const floor = await measure(page, cdp, storageOnce);
            row.storageWall.push(floor.wall);
            row.storageCpu.push(floor.cpu);
          }
          results.set(`${tree.name}:${id}`, row);
        }
      }
    }
    const load = loadavg().map((n) => n.toFixed(1)).join(' ');
    console.log(`# save() while an answer streams: ${SAVES} saves a run, ${RUNS} runs, ${TOKENS_PER_SAVE} tokens between saves (load average ${load})`);
    console.log();
    console.log('| history | store | save wall ms | save CPU ms | storage alone wall / CPU ms | first save after the load wall / CPU ms | stored KB |');
    console.log('|---|---|---:|---:|---:|---:|---:|');
    const f = (n) => n.toFixed(2);
    for (const c of CASES) {
      const id = `${c.count}${c.versions ? 'v' : ''}`;
      const label = `${c.count.toLocaleString('en')}${c.versions ? ' (1,991 in versions)' : ''}`;
      for (const tree of trees) {
        const row = results.get(`${tree.name}:${id}`);
        console.log(
          `| ${label} | ${tree.label} | ${f(median(row.wall))} | ${f(median(row.cpu))} | ${f(median(row.storageWall))} / ${f(median(row.storageCpu))} | ` +
            `${f(median(row.firstWall))} / ${f(median(row.firstCpu))} | ${(stored.get(`${tree.name}:${id}`).length / 1024).toFixed(0)} |`,
        );
      }
      const [b, a] = trees.map((tree) => results.get(`${tree.name}:${id}`));
      const same = stored.get(`before:${id}`) === stored.get(`after:${id}`);
      console.log(
        `| ${label} | before / after | ×${(median(b.wall) / median(a.wall)).toFixed(1)} | ×${(median(b.cpu) / median(a.cpu)).toFixed(1)} | | ` +
          `×${(median(b.firstWall) / median(a.firstWall)).toFixed(1)} / ×${(median(b.firstCpu) / median(a.firstCpu)).toFixed(1)} | ${same ? 'same text' : 'TEXT DIFFERS'} |`,
      );
    }
    for (const [{ tree, id }, profile] of profiles) {
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      const self = new Map();
      profile.samples.forEach((id, i) => {
        const { callFrame } = byId.get(id);
        const where = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(origin, '')}:${callFrame.lineNumber + 1}`;
        self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
      });
      const store = [...self].filter(([where]) => where.includes(`${tree.name}.js:`)).reduce((sum, [, ms]) => sum + ms, 0);
      const storage = [...self].filter(([where]) => /^(getItem|setItem) /.test(where)).reduce((sum, [, ms]) => sum + ms, 0);
      console.log(`\n# self time, ${tree.label}, ${id === '2000' ? '2,000 messages' : '2,000 with 1,991 in versions'}, ${SAVES} saves (ms)`);
      console.log(`per save: the store's own code ${(store / SAVES).toFixed(1)}, getItem + setItem ${(storage / SAVES).toFixed(1)}`);
      for (const [where, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${ms.toFixed(1).padStart(8)}  ${where}`);
    }
  } finally {
    await browser.close();
    server.close();
    for (const process of busy) process.kill();
  }
}

await main();
