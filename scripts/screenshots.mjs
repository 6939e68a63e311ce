// Takes the README's screenshots from the real demo: starts the Vite dev
// server (with its mock backend), drives headless Chromium through a
// conversation, and writes PNGs to docs/screenshots/. Run: npm run screenshots
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(out, { recursive: true });

process.env.AI_CHAT_PROVIDER = 'mock';
const server = await createServer({ configFile: `${root}vite.config.ts`, server: { port: 0, host: '127.0.0.1' }, logLevel: 'warn' });
await server.listen();
const url = `http://127.0.0.1:${server.httpServer.address().port}/`;
const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });

async function shoot(name, { theme, launcher = false, question = 'Show me some markdown' }) {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 900, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
  const response = await page.goto(url);
  if (!response || response.status() >= 400) throw new Error(`the demo did not load: ${url} ${response?.status()}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => customElements.get('ai-chat'));
  const selector = launcher ? 'ai-chat[mode="launcher"]' : '#inline-chat';
  if (launcher) await page.evaluate((s) => (document.querySelector(s).open = true), selector);
  const final = await page.evaluate(async (s, q) => {
    const chat = document.querySelector(s);
    const answer = await chat.send(q);
    return answer?.status;
  }, selector, question);
  if (final !== 'done') throw new Error(`the demo answer ended ${final}`);
  await page.screenshot({ path: `${out}${name}.png` });
  console.log(`wrote docs/screenshots/${name}.png`);
  await page.close();
}

try {
  await shoot('light', { theme: 'light' });
  await shoot('dark', { theme: 'dark' });
  await shoot('launcher', { theme: 'light', launcher: true, question: 'What can this widget do?' });
} finally {
  await browser.close();
  await server.close();
}
