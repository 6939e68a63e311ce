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
  await page.setViewport({ width: 900, height: 1000, deviceScaleFactor: 1 });
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

/**
 * Draws a small bar chart on a canvas and returns it as a PNG `File`: the
 * picture a user would attach, made in the page so the script needs no asset.
 * Runs in the page.
 */
async function drawChart(name) {
  const canvas = Object.assign(document.createElement('canvas'), { width: 240, height: 160 });
  const g = canvas.getContext('2d');
  g.fillStyle = '#f7f9fc';
  g.fillRect(0, 0, 240, 160);
  g.strokeStyle = '#d5dbe5';
  for (let y = 30; y <= 130; y += 25) {
    g.beginPath();
    g.moveTo(20, y + 0.5);
    g.lineTo(225, y + 0.5);
    g.stroke();
  }
  const bars = [48, 72, 60, 94, 86, 110];
  const colours = ['#7aa7e8', '#5b8fdc', '#7aa7e8', '#3f74cc', '#5b8fdc', '#2f5fb3'];
  bars.forEach((height, i) => {
    g.fillStyle = colours[i];
    g.beginPath();
    g.roundRect(30 + i * 32, 130 - height, 22, height, [4, 4, 0, 0]);
    g.fill();
  });
  g.strokeStyle = '#8a94a6';
  g.beginPath();
  g.moveTo(20, 130.5);
  g.lineTo(225, 130.5);
  g.stroke();
  g.fillStyle = '#4a5568';
  g.font = '11px system-ui, sans-serif';
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'].forEach((month, i) => g.fillText(month, 31 + i * 32, 146));
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

/** Waits for the next `ai-chat-done` of the chat at `selector`, armed before `act` runs; returns the answer's status. */
async function answerAfter(page, selector, act) {
  await page.evaluate((s) => {
    const chat = document.querySelector(s);
    window.__answered = new Promise((resolve) => chat.addEventListener('ai-chat-done', (event) => resolve(event.detail.message.status), { once: true }));
  }, selector);
  await act();
  return page.evaluate(() => window.__answered);
}

/**
 * The actions screenshot: a question with an attached chart (picked through
 * the real file input, sent with the Send button), its answer regenerated
 * once (the switcher reads 2/2) and rated 👍. The answer is long, so the
 * chat is then made just tall enough (as a page would size it) to show the
 * question's thumbnail and the answer's actions in one picture.
 */
async function shootActions(name) {
  const selector = '#inline-chat';
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 1200, deviceScaleFactor: 1 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  const response = await page.goto(url);
  if (!response || response.status() >= 400) throw new Error(`the demo did not load: ${url} ${response?.status()}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction((s) => customElements.get('ai-chat') && document.querySelector(s).shadowRoot?.querySelector('input[type=file]'), {}, selector);
  const chart = await page.evaluateHandle(drawChart, 'chart.png');
  await page.evaluate(
    (s, file) => {
      const picker = document.querySelector(s).shadowRoot.querySelector('input[type=file]');
      const transfer = new DataTransfer();
      transfer.items.add(file);
      picker.files = transfer.files;
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    },
    selector,
    chart,
  );
  // Waited for, not just queried: a finished answer's actions appear on the render after its `ai-chat-done`.
  const inShadow = (css) => page.waitForFunction((s, c) => document.querySelector(s).shadowRoot.querySelector(c), {}, selector, css);
  /** The last answer's action button called `name`, once shown. */
  const action = (name) =>
    page.waitForFunction(
      (s, n) => [...document.querySelector(s).shadowRoot.querySelectorAll('.message.assistant')].at(-1)?.querySelector(`[part~=action-button][name=${n}]`),
      {},
      selector,
      name,
    );
  await (await inShadow('[part~=input]')).type('What does this chart show?');
  const first = await answerAfter(page, selector, async () => (await inShadow('[part~=send-button]')).click());
  if (first !== 'done') throw new Error(`the first answer ended ${first}`);
  const second = await answerAfter(page, selector, async () => (await action('regenerate')).click());
  if (second !== 'done') throw new Error(`the regenerated answer ended ${second}`);
  await (await action('good')).click();
  const shows = (s) => {
    const root = document.querySelector(s).shadowRoot;
    const answer = [...root.querySelectorAll('.message.assistant')].at(-1);
    return {
      thumbnail: !!root.querySelector('.message.user [part~=attachment] img'),
      versions: answer.querySelector('[part~=versions]')?.textContent.replace(/\s+/g, ''),
      good: answer.querySelector('[name=good]')?.getAttribute('aria-pressed'),
    };
  };
  // The rating shows on the next render.
  await page
    .waitForFunction(
      (s) => [...document.querySelector(s).shadowRoot.querySelectorAll('.message.assistant')].at(-1).querySelector('[name=good][aria-pressed=true]'),
      { timeout: 5000 },
      selector,
    )
    .catch(() => undefined);
  const shown = await page.evaluate(shows, selector);
  if (!shown.thumbnail || shown.versions !== '‹2/2›' || shown.good !== 'true') throw new Error(`the actions screenshot shows ${JSON.stringify(shown)}`);
  // Grown by what the transcript scrolls, plus a little air under the last answer.
  await page.evaluate((s) => {
    const chat = document.querySelector(s);
    const transcript = chat.shadowRoot.querySelector('[part~=transcript]');
    const height = chat.getBoundingClientRect().height + transcript.scrollHeight - transcript.clientHeight + 16;
    chat.style.setProperty('--ai-chat-height', `${Math.ceil(height)}px`);
  }, selector);
  await page.waitForFunction((s) => {
    const transcript = document.querySelector(s).shadowRoot.querySelector('[part~=transcript]');
    return transcript.scrollHeight <= transcript.clientHeight;
  }, {}, selector);
  const chat = await page.$(selector);
  await chat.screenshot({ path: `${out}${name}.png` });
  console.log(`wrote docs/screenshots/${name}.png`);
  await page.close();
}

try {
  await shoot('light', { theme: 'light' });
  await shoot('dark', { theme: 'dark' });
  await shoot('launcher', { theme: 'light', launcher: true, question: 'What can this widget do?' });
  await shootActions('actions');
} finally {
  await browser.close();
  await server.close();
}
