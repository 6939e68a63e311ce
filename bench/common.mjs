// What the benches share: reading arguments, medians, the added load, and
// a CPU profile's self time mapped back to the sources.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

/** The value after `name` on the command line, or `fallback`. */
export const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);

/** The median of the defined values, or undefined when there are none. */
export function median(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `--load`: two busy-looping processes beside the browser (this machine is shared); stop them with `kill()` each. */
export const busyProcesses = (loaded) => (loaded ? [0, 1].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' })) : []);

/**
 * Self time per source function of a CPU profile, in ms, biggest first: the
 * bundle's positions (`bundle` ends its URL; `mapFile` is its source map)
 * mapped back to `src/…` file:line and name; other scripts by URL without `origin`.
 */
export function selfTimeBySource(profile, { bundle, mapFile, origin }) {
  const map = new TraceMap(readFileSync(mapFile, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const { callFrame } = byId.get(id);
    let where = callFrame.functionName || '(anonymous)';
    if (callFrame.url.endsWith(bundle)) {
      const original = originalPositionFor(map, { line: callFrame.lineNumber + 1, column: callFrame.columnNumber });
      if (original.source) where = `${original.name ?? where} ${original.source.replace(/^.*?(src|node_modules)\//, '$1/')}:${original.line}`;
    } else if (callFrame.url) where += ` ${callFrame.url.replace(origin, '')}`;
    self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

/**
 * The page's main-thread top-level tasks in a trace: wall and CPU ms. Only
 * the page's renderer: Chromium keeps others (a spare one loads its own
 * modules) whose tasks are not the widget's.
 */
export function pageTasks(trace) {
  const events = JSON.parse(new TextDecoder().decode(trace)).traceEvents;
  const started = events.find((e) => e.name === 'TracingStartedInBrowser');
  const pids = new Set(started?.args.data.frames.map((frame) => frame.processId));
  const main = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' && pids.has(e.pid)).map((e) => `${e.pid}:${e.tid}`),
  );
  if (main.size === 0) throw new Error("the trace does not name the page's renderer");
  return events
    .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wall: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 }));
}

/**
 * A long conversation as the benches restore it: message i starts with its
 * number (so a bench can tell it is on screen), then `words` tokens of
 * `source` from a different place each time; user and assistant alternate.
 */
export function historyMessages(count, source, words) {
  return Array.from({ length: count }, (_, i) => {
    const start = (i * 53) % (source.length - words);
    return {
      id: `h${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content: `Message ${i}: ${source.slice(start, start + words).join('').trim()}`,
      status: 'done',
    };
  });
}
