// Starts a throwaway redis-server (Debian's `redis-server` package) on a free
// loopback port, for the tests that share one Redis between handler
// processes: no disk, no config file, gone when stopped.
//
//   const redis = await startRedis();   // { url, port, stop(), kill() }
//   node scripts/redis-server.mjs       // prints the URL, stops on Ctrl-C

import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';

export function redisAvailable() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `port` answers PING with PONG. */
async function untilPong(port, timeoutMs = 10_000) {
  const started = Date.now();
  for (;;) {
    const pong = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        resolve(data.toString().startsWith('+PONG'));
        socket.destroy();
      });
    });
    if (pong) return;
    if (Date.now() - started > timeoutMs) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A redis-server of its own. `stop()` ends it and waits; `kill()` is a crash
 * (SIGKILL), for the "Redis down mid-stream" tests. `port` may be given to
 * start one again where a killed one was.
 */
export async function startRedis({ port } = {}) {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([untilPong(port), exited.then(() => Promise.reject(new Error('redis-server exited at start')))]);
  const end = async (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const redis = await startRedis();
  console.log(redis.url);
  process.once('SIGINT', () => redis.stop().then(() => process.exit(0)));
}
