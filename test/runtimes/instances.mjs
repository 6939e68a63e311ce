// Starts handler instances (test/runtimes/instance.mjs) as child processes
// and talks to them as a browser would: POST, resume, DELETE, SSE parsing.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INSTANCE = fileURLToPath(new URL('./instance.mjs', import.meta.url));

export async function startInstance(config) {
  const child = spawn(process.execPath, [INSTANCE, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (data) => {
      out += data;
      const ready = out.match(/ready (\d+)/);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`instance exited (${code}) before it was ready`)));
  });
  const url = `http://127.0.0.1:${port}/chat`;
  return {
    url,
    async stats() {
      return (await fetch(`http://127.0.0.1:${port}/__stats`)).json();
    },
    async stop() {
      child.kill();
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}

export const conversation = (content = 'hi') => JSON.stringify({ messages: [{ role: 'user', content }] });

export function post(url, headers = {}, init = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: conversation(init.content), ...init });
}

export function cancel(url, key, headers = {}) {
  return fetch(url, { method: 'DELETE', headers: { 'idempotency-key': key, ...headers } });
}

export function parseEvents(text) {
  const events = [];
  for (const block of text.split('\n\n')) {
    const event = {};
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) event.id = Number(line.slice(4));
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data = line.slice(6);
    }
    if (event.data !== undefined) events.push(event);
  }
  return events;
}

/**
 * Reads events until `count` have come (then cuts the connection) or the
 * stream ends; `onEvents` sees the events so far after each read.
 */
export async function readEvents(response, count = Infinity, onEvents = () => undefined) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true }));
    if (done) return parseEvents(text);
    text += decoder.decode(value, { stream: true });
    const events = parseEvents(text.slice(0, text.lastIndexOf('\n\n') + 2));
    onEvents(events);
    if (events.length >= count) {
      await reader.cancel().catch(() => undefined);
      return events.slice(0, count);
    }
  }
}

/** The answer's words, from OpenAI-shaped chunks. */
export const textOf = (events) =>
  events
    .filter((event) => !event.event && event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data).choices?.[0]?.delta?.content ?? '')
    .join('');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check, what, timeoutMs = 5000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
