// Proves `npm run dev` works in a real browser: starts the Vite dev server
// (with its mock backend), and on each demo page sends a question and waits
// for the streamed answer, checking that the framework pages see the
// element's events. Ends with `demo: N passed, N failed`.
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';
import { describePixels, readPng } from './png.mjs';

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

/**
 * A screenshot test: the markdown answer, light and dark. The bubble's
 * pixels must be light (or dark) overall and hold text, a list and a code
 * block (many distinct colours); its DOM must hold them too.
 */
async function checkMarkdownScreenshot(page, theme) {
  const structure = await page.evaluate(() => {
    const bubble = document.querySelector('#inline-chat').shadowRoot.querySelectorAll('.message.assistant')[1];
    return { list: !!bubble.querySelector('ol li'), code: !!bubble.querySelector('pre code'), strong: !!bubble.querySelector('strong') };
  });
  if (!structure.list || !structure.code || !structure.strong) throw new Error(`markdown not rendered: ${JSON.stringify(structure)}`);
  const bubble = await page.evaluateHandle(
    () => document.querySelector('#inline-chat').shadowRoot.querySelectorAll('.message.assistant')[1],
  );
  const png = readPng(Buffer.from(await bubble.screenshot({ type: 'png' })));
  const { luminance, colours } = describePixels(png);
  const fits = theme === 'dark' ? luminance < 0.35 : luminance > 0.75;
  if (!fits || colours < 40) throw new Error(`${theme} screenshot: luminance ${luminance.toFixed(2)}, ${colours} colours`);
  console.log(`    ${theme}: ${png.width}×${png.height}, mean luminance ${luminance.toFixed(2)}, ${colours} colours`);
}

async function markdownAnswer(name, theme) {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 900, height: 900 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.querySelector('#inline-chat')?.shadowRoot);
    const status = await page.evaluate(async () => {
      const chat = document.querySelector('#inline-chat');
      chat.clear();
      return (await chat.send('Show me some markdown'))?.status;
    });
    if (status !== 'done') throw new Error(`answer ${status}`);
    await checkMarkdownScreenshot(page, theme);
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : error}`);
  } finally {
    await page.close();
  }
}

try {
  await markdownAnswer('screenshot: a markdown answer in the light theme', 'light');
  await markdownAnswer('screenshot: a markdown answer in the dark theme', 'dark');
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
