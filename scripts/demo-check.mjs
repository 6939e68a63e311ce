// Proves `npm run dev` works in a real browser: starts the Vite dev server
// (with its mock backend), and on each demo page sends a question and waits
// for the streamed answer, checking that the framework pages see the
// element's events. Ends with `demo: N passed, N failed`.
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.env.AI_CHAT_PROVIDER = 'mock';
const server = await createServer({ configFile: `${root}vite.config.ts`, server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
await server.listen();
const origin = `http://127.0.0.1:${server.httpServer.address().port}`;
const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });

let passed = 0;
let failed = 0;
async function check(name, path, selector, afterwards) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  try {
    await page.goto(`${origin}${path}`);
    await page.waitForFunction((s) => document.querySelector(s)?.shadowRoot, { timeout: 20_000 }, selector);
    const answer = await page.evaluate(async (s) => {
      const chat = document.querySelector(s);
      chat.clear();
      const message = await chat.send('What can this widget do?');
      return { status: message?.status, length: message?.content.length ?? 0 };
    }, selector);
    if (answer.status !== 'done' || answer.length < 50) throw new Error(`answer ${JSON.stringify(answer)}`);
    if (afterwards) await afterwards(page);
    if (errors.length) throw new Error(errors.join('; '));
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : error}`);
  } finally {
    await page.close();
  }
}

const counterSays = (text) => async (page) => {
  await page.waitForFunction((t) => document.querySelector('strong')?.textContent === t, { timeout: 5000 }, text);
};

try {
  await check('the main demo streams an answer', '/', '#inline-chat');
  await check('the launcher streams an answer', '/', 'ai-chat[mode="launcher"]');
  await check('the React page: the answer streams and React state sees ai-chat-done', '/react.html', 'ai-chat', counterSays('1'));
  await check('the Vue page: the answer streams and Vue state sees ai-chat-done', '/vue.html', 'ai-chat', counterSays('1'));
  await check('the Svelte page: the answer streams and Svelte state sees ai-chat-done', '/svelte.html', 'ai-chat', counterSays('1'));
  await check('the Angular page: the answer streams and Angular state sees ai-chat-done', '/angular.html', 'ai-chat', counterSays('1'));
} finally {
  await browser.close();
  await server.close();
}
console.log(`demo: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
