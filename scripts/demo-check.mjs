// Proves `npm run dev` works in a real browser: starts the Vite dev server
// (with its mock backend), and on each demo page sends a question and waits
// for the streamed answer, checking that the framework pages see the
// element's events. Ends with `demo: N passed, N failed`.
import { createServer } from 'vite';
import { ROOT, checks, launchBrowser } from '../test/packaging/harness.mjs';
import { describePixels, readPng } from './png.mjs';

process.env.AI_CHAT_PROVIDER = 'mock';
const server = await createServer({ configFile: `${ROOT}vite.config.ts`, server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
await server.listen();
const origin = `http://127.0.0.1:${server.httpServer.address().port}`;
const browser = await launchBrowser();
const t = checks('demo');

/** Runs `fn` on a fresh page, closed afterwards whatever happens. */
async function onNewPage(fn) {
  const page = await browser.newPage();
  try {
    await fn(page);
  } finally {
    await page.close();
  }
}

/** Sends a question on the page at `path` and waits for a full answer; no uncaught error on the way. */
const streams = (path, selector, afterwards) => () =>
  onNewPage(async (page) => {
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
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
  });

const counterSays = (text) => async (page) => {
  await page.waitForFunction((expected) => document.querySelector('strong')?.textContent === expected, { timeout: 5000 }, text);
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

const markdownAnswer = (theme) => () =>
  onNewPage(async (page) => {
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
  });

try {
  await t.check('screenshot: a markdown answer in the light theme', markdownAnswer('light'));
  await t.check('screenshot: a markdown answer in the dark theme', markdownAnswer('dark'));
  await t.check('the main demo streams an answer', streams('/', '#inline-chat'));
  await t.check('the launcher streams an answer', streams('/', 'ai-chat[mode="launcher"]'));
  await t.check('the React page: the answer streams and React state sees ai-chat-done', streams('/react.html', 'ai-chat', counterSays('1')));
  await t.check('the Vue page: the answer streams and Vue state sees ai-chat-done', streams('/vue.html', 'ai-chat', counterSays('1')));
  await t.check('the Svelte page: the answer streams and Svelte state sees ai-chat-done', streams('/svelte.html', 'ai-chat', counterSays('1')));
  await t.check('the Angular page: the answer streams and Angular state sees ai-chat-done', streams('/angular.html', 'ai-chat', counterSays('1')));
} finally {
  await browser.close();
  await server.close();
}
// Exit explicitly: the Vite server can leave handles open after close().
process.exit(t.done());
