// `node bench/handler.mjs [--sizes 100,500,1000,2000] [--kinds bare,memory,redis]
// [--no-redis] [--before <checkout>] [--profile <dir> [--heap]] [--backlog <n>]
// [--node-flags '<flags>' [--handler-only]]`: the chat handler under load, side by side with a bare node:http SSE server writing
// the same bytes. N concurrent streams of a paced 500-token mock answer
// (20 ms a token), each sent with an Idempotency-Key as the widget does.
// Per server: how many streams ended with the exact text and [DONE], how many
// were refused up front with 503, how many were cut (anything else); time to
// first byte (p50, p99); RSS per open stream (peak RSS over the idle RSS,
// divided by the streams served); CPU per token (the server process's CPU
// time over the tokens it delivered). Each server runs in a process of its own.
//
// `--before <checkout>` also runs `memory` and `redis` on the src/server of
// another checkout (say `git worktree add /tmp/before <sha>`), in the same
// run, as `memory@before` and `redis@before`. `--profile <dir>` writes a CPU
// profile of each server process into `dir` and prints the top self time per
// function; with `--heap`, also a heap snapshot of each handler halfway
// through its answers (it stalls the server: its figures are off).
//
// `--backlog <n>`: the servers listen with that backlog instead of Node's 511.
// A burst of more connections than the backlog overflows the kernel's accept
// queue (ListenOverflows below); those connections wait on SYN-ACK retries,
// and one still not accepted after the last (about a minute, tcp_synack_retries)
// is reset: ECONNRESET before the first byte. A server whose loop is busy
// with the answers already running accepts too late for some of them.
//
// `--node-flags '<flags>'`: extra Node/V8 flags for every server process (say
// '--max-semi-space-size=4'), the bare one too, so the ratios compare like
// with like; with `--handler-only`, for the handler processes alone (the bare
// server keeps Node's defaults), to see what a deployment that sets them gains.

import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startRedis, redisAvailable } from '../scripts/redis-server.mjs';
import { buildServer } from '../test/runtimes/build-server.mjs';

const SERVER = fileURLToPath(new URL('./handler-server.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TOKENS = 500;
const TOKEN_DELAY_MS = 20;
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
const SIZES = process.argv.includes('--sizes') ? arg('--sizes').split(',').map(Number) : [100, 500, 1000, 2000];
const KINDS = process.argv.includes('--kinds') ? arg('--kinds').split(',') : ['bare', 'memory', 'redis'];
const BEFORE = process.argv.includes('--before') ? resolve(arg('--before')) : undefined;
const PROFILE = process.argv.includes('--profile') ? resolve(arg('--profile')) : undefined;
const HEAP = process.argv.includes('--heap');
const BACKLOG = process.argv.includes('--backlog') ? Number(arg('--backlog')) : 0;
const NODE_FLAGS = process.argv.includes('--node-flags') ? arg('--node-flags').split(/\s+/).filter(Boolean) : [];
const HANDLER_ONLY = process.argv.includes('--handler-only');
const EXPECTED = Array.from({ length: TOKENS }, (_, index) => `w${index + 1}`).join(' ');
const BODY = JSON.stringify({ messages: [{ role: 'user', content: 'bench' }] });

/**
 * The server of another checkout, bundled by that checkout's own build
 * script into its node_modules/.cache; its node_modules links to this one's
 * packages when it has none (a `git worktree` has none).
 */
async function bundleOf(checkout) {
  const modules = join(checkout, 'node_modules');
  if (!existsSync(modules)) {
    mkdirSync(modules);
    for (const name of readdirSync(join(ROOT, 'node_modules'))) if (name !== '.cache') symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  const { buildServer } = await import(pathToFileURL(join(checkout, 'test/runtimes/build-server.mjs')).href);
  return buildServer();
}

function startServer(kind, redisUrl, serverDir, label) {
  const profiling = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=${label}.cpuprofile`] : [];
  const child = fork(SERVER, [kind, String(TOKENS), String(TOKEN_DELAY_MS), redisUrl ?? '', serverDir, String(BACKLOG)], {
    execArgv: ['--expose-gc', ...(kind === 'bare' && HANDLER_ONLY ? [] : NODE_FLAGS), ...profiling],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map();
  child.on('message', (message) => waiting.get(message.type)?.(message));
  const next = (type) => new Promise((resolve) => waiting.set(type, resolve));
  return {
    ready: next('ready'),
    async sample() {
      const answer = next('sample');
      child.send('sample');
      return answer;
    },
    async snapshot(path) {
      const written = next('snapshot');
      child.send({ snapshot: path });
      return written;
    },
    gc: () => child.send('gc'),
    // SIGINT: the server exits on it by itself, so --cpu-prof writes its profile.
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT'))),
  };
}

/** One stream as the widget reads it: the text of every chunk, [DONE], or the refusal. */
function oneStream(port, key) {
  return new Promise((resolve) => {
    const started = performance.now();
    let ttfb;
    const req = request(
      { host: '127.0.0.1', port, path: '/', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'idempotency-key': key, 'content-length': Buffer.byteLength(BODY) } },
      (res) => {
        if (res.statusCode === 503) {
          res.resume();
          return resolve({ outcome: 'refused', retryAfter: res.headers['retry-after'] });
        }
        let pending = '';
        let text = '';
        let done = false;
        let tokens = 0;
        res.setEncoding('utf8');
        res.on('data', (data) => {
          ttfb ??= performance.now() - started;
          pending += data;
          const blocks = pending.split('\n\n');
          pending = blocks.pop();
          for (const block of blocks) {
            const line = block.split('\n').find((each) => each.startsWith('data: '));
            if (!line) continue;
            const payload = line.slice(6);
            if (payload === '[DONE]') done = true;
            else {
              const content = JSON.parse(payload).choices?.[0]?.delta?.content;
              if (content) {
                text += content;
                tokens += 1;
              }
            }
          }
        });
        const end = (error) =>
          resolve({ outcome: done && text === EXPECTED ? 'complete' : 'cut', ttfb, tokens, why: `${res.statusCode} ${error?.code ?? error?.message ?? ''} last: ${pending.slice(-120) || blocksSeen.at(-1)}` });
        const blocksSeen = [];
        res.on('data', (data) => blocksSeen.push(String(data).slice(-160)) > 2 && blocksSeen.shift());
        res.on('end', () => end());
        res.on('error', end);
      },
    );
    req.on('error', (error) => resolve({ outcome: 'cut', tokens: 0, why: `request ${error.code ?? error.message}` }));
    req.end(BODY);
  });
}

/**
 * This machine's TCP counters (Linux): ListenOverflows counts connections the
 * kernel could not queue because the server's accept queue (the `listen`
 * backlog) was full; a connection left unaccepted past the SYN-ACK retries
 * (about a minute) is reset (TCPAbortOnData, OutRsts). Machine-wide: other
 * processes count too.
 */
function tcpCounters() {
  const counters = {};
  for (const file of ['/proc/net/netstat', '/proc/net/snmp']) {
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    for (let index = 0; index + 1 < lines.length; index += 2) {
      const [prefix, ...names] = lines[index].split(' ');
      const values = lines[index + 1].split(' ').slice(1);
      names.forEach((name, at) => (counters[`${prefix.replace(':', '')}.${name}`] = Number(values[at])));
    }
  }
  return counters;
}
const TCP_WATCHED = ['TcpExt.ListenOverflows', 'TcpExt.ListenDrops', 'TcpExt.TCPAbortOnData', 'TcpExt.TCPSynRetrans', 'Tcp.OutRsts', 'Tcp.EstabResets'];

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
};

async function run(name, size, redisUrl, serverDirs) {
  const [kind, version = 'after'] = name.split('@');
  const label = `${kind}-${version}-${size}`;
  const server = startServer(kind, redisUrl, serverDirs[version], label);
  const { port } = await server.ready;
  // Warm up (JIT, the bundle's lazy paths, Redis connections), then take the idle figures.
  await Promise.all(Array.from({ length: 5 }, (_, index) => oneStream(port, `warm-${kind}-${size}-${index}`)));
  server.gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idle = await server.sample();
  let peak = idle;
  const keepPeak = (sample) => (peak = sample.rss > peak.rss ? sample : peak);
  const sampler = setInterval(async () => keepPeak(await server.sample()), 250);
  const tcpBefore = tcpCounters();
  const streams = Promise.all(Array.from({ length: size }, (_, index) => oneStream(port, `${label}-${index}-${process.pid}`)));
  if (PROFILE && HEAP && kind !== 'bare') {
    await new Promise((resolve) => setTimeout(resolve, (TOKENS * TOKEN_DELAY_MS) / 2));
    await server.snapshot(join(PROFILE, `${label}.heapsnapshot`));
  }
  const results = await streams;
  clearInterval(sampler);
  const tcpAfter = tcpCounters();
  const after = await server.sample();
  keepPeak(after);
  await server.stop();
  const count = (outcome) => results.filter((result) => result.outcome === outcome).length;
  const whys = new Map();
  for (const result of results.filter((each) => each.outcome === 'cut')) whys.set(result.why, (whys.get(result.why) ?? 0) + 1);
  for (const [why, times] of [...whys].slice(0, 5)) console.error(`    cut ×${times}: ${why}`);
  const tcp = TCP_WATCHED.filter((name) => tcpAfter[name] > tcpBefore[name]).map((name) => `${name.split('.')[1]} +${tcpAfter[name] - tcpBefore[name]}`);
  console.error(`    event loop delay p99 ${after.loopDelayP99Ms.toFixed(0)} ms, max ${after.loopDelayMaxMs.toFixed(0)} ms; TCP: ${tcp.join(', ') || 'no overflow, no reset'}`);
  if (Object.keys(after.clientErrors).length > 0) console.error(`    refused by node:http itself (clientError): ${JSON.stringify(after.clientErrors)}`);
  const served = results.filter((result) => result.outcome !== 'refused');
  const tokens = served.reduce((sum, result) => sum + (result.tokens ?? 0), 0);
  const ttfbs = served.map((result) => result.ttfb).filter((value) => value !== undefined);
  return {
    kind: name,
    size,
    complete: count('complete'),
    refused: count('refused'),
    cut: count('cut'),
    ttfbP50: percentile(ttfbs, 50),
    ttfbP99: percentile(ttfbs, 99),
    rssPerStreamKb: served.length ? (peak.rss - idle.rss) / 1024 / served.length : NaN,
    cpuPerTokenMicros: tokens ? (after.cpuMicros - idle.cpuMicros) / tokens : NaN,
    /** At the peak of RSS, over idle: V8's heap (live and garbage) and memory outside it (Buffers). */
    heapMb: (peak.heapTotal - idle.heapTotal) / 2 ** 20,
    externalMb: (peak.external - idle.external) / 2 ** 20,
    spacesMb: Object.entries(peak.spaces)
      .map(([name, size]) => [name.replace('_space', ''), (size - (idle.spaces[name] ?? 0)) / 2 ** 20])
      .filter(([, mb]) => Math.abs(mb) >= 1),
    systemShare: after.cpuMicros > idle.cpuMicros ? (after.systemMicros - idle.systemMicros) / (after.cpuMicros - idle.cpuMicros) : NaN,
  };
}

const serverDirs = { after: await buildServer(), ...(BEFORE ? { before: await bundleOf(BEFORE) } : {}) };
if (PROFILE) mkdirSync(PROFILE, { recursive: true });
const withRedis = !process.argv.includes('--no-redis') && redisAvailable();
const redis = withRedis && KINDS.includes('redis') ? await startRedis() : undefined;
const kinds = KINDS.filter((kind) => kind !== 'redis' || redis).flatMap((kind) => (BEFORE && kind !== 'bare' ? [`${kind}@before`, kind] : [kind]));
const rows = [];
// Other work on the machine inflates the CPU figures: the load says how much there was.
const loadAverage = () => loadavg().map((value) => value.toFixed(2)).join(', ');
const STARTING_LOAD = loadAverage();
console.error(`Load average at the start: ${STARTING_LOAD}`);
try {
  for (const size of SIZES) {
    for (const kind of kinds) {
      const row = await run(kind, size, redis?.url, serverDirs);
      rows.push(row);
      console.error(`  ${kind} ×${size}: ${row.complete} complete, ${row.refused} refused (503), ${row.cut} cut; CPU ${(100 * row.systemShare).toFixed(0)} % in the kernel; at the RSS peak +${row.heapMb.toFixed(0)} MB V8 heap (${row.spacesMb.map(([name, mb]) => `${name} +${mb.toFixed(0)}`).join(', ')}), +${row.externalMb.toFixed(0)} MB outside it`);
    }
  }
} finally {
  await redis?.stop();
}

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
console.log(`\nHandler under load: ${TOKENS}-token answers at ${TOKEN_DELAY_MS} ms a token, each with an Idempotency-Key; ratios against the bare server of the same size.`);
if (NODE_FLAGS.length) console.log(`Node flags ${NODE_FLAGS.join(' ')} on ${HANDLER_ONLY ? 'the handler servers only (bare: defaults)' : 'every server, bare too'}.`);
console.log(`Load average at the start ${STARTING_LOAD}, at the end ${loadAverage()}.\n`);
console.log('| streams | server | complete | 503 | cut | TTFB p50 ms | TTFB p99 ms | RSS / stream KB | × bare | CPU / token µs | × bare |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const bare = rows.find((each) => each.kind === 'bare' && each.size === row.size);
  const ratio = (field) => (row.kind === 'bare' || !bare ? '' : fixed(row[field] / bare[field], 2));
  console.log(
    `| ${row.size} | ${row.kind} | ${row.complete} | ${row.refused} | ${row.cut} | ${fixed(row.ttfbP50)} | ${fixed(row.ttfbP99)} | ${fixed(row.rssPerStreamKb, 1)} | ${ratio('rssPerStreamKb')} | ${fixed(row.cpuPerTokenMicros, 1)} | ${ratio('cpuPerTokenMicros')} |`,
  );
}
if (PROFILE) {
  for (const file of readdirSync(PROFILE).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(PROFILE, file), 'utf8'));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map();
    profile.samples.forEach((id, index) => {
      const { functionName, url, lineNumber } = byId.get(id).callFrame;
      const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1}`;
      self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
    });
    const total = [...self.values()].reduce((sum, ms) => sum + ms, 0);
    console.log(`\n${file}: self time, top 25 of ${total.toFixed(0)} ms`);
    for (const [where, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${where}`);
  }
}
const cut = rows.reduce((sum, row) => sum + row.cut, 0);
if (cut > 0) {
  console.error(`\n${cut} streams were cut.`);
  process.exitCode = 1;
}
