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

/** Opens the main demo with an empty inline chat; returns the page's uncaught errors as they come. */
async function openInlineChat(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.querySelector('#inline-chat')?.shadowRoot?.querySelector('[part~=input]'), { timeout: 20_000 });
  await page.evaluate(() => document.querySelector('#inline-chat').clear());
  return errors;
}

/** Arms a wait for the inline chat's next `ai-chat-done` before `act`, then returns that answer's status, id and length. */
async function answerAfter(page, act) {
  await page.evaluate(() => {
    window.demoAnswered = new Promise((resolve) =>
      document.querySelector('#inline-chat').addEventListener('ai-chat-done', ({ detail: { message } }) => resolve(message), { once: true }),
    );
  });
  await act();
  return page.evaluate(async () => {
    const message = await window.demoAnswered;
    return { status: message.status, id: message.id, length: message.content.length };
  });
}

/** The last answer's action button called `name` (copy, regenerate, good, bad, prev, next), once rendered. */
const lastAnswerButton = (page, name) =>
  page.waitForFunction(
    (n) =>
      [...document.querySelector('#inline-chat').shadowRoot.querySelectorAll('.message.assistant')]
        .at(-1)
        ?.querySelector(`[part~=action-button][name=${n}]`),
    { timeout: 5000 },
    name,
  );

/**
 * The demo turns every action on: a finished answer shows Copy, Regenerate,
 * 👍 and 👎 (visible, named), and Regenerate (a real click) streams a new
 * answer that the version switcher shows as 2/2.
 */
const answerActions = () =>
  onNewPage(async (page) => {
    await page.setViewport({ width: 900, height: 900 });
    const errors = await openInlineChat(page);
    const first = await answerAfter(page, () => page.evaluate(() => document.querySelector('#inline-chat').send('What can this widget do?')));
    if (first.status !== 'done') throw new Error(`first answer ${JSON.stringify(first)}`);
    await lastAnswerButton(page, 'copy');
    const buttons = await page.evaluate(() =>
      [...[...document.querySelector('#inline-chat').shadowRoot.querySelectorAll('.message.assistant')].at(-1).querySelectorAll('[part~=action-button]')].map(
        (button) => {
          const { width, height } = button.getBoundingClientRect();
          return { name: button.name, label: button.getAttribute('aria-label') ?? button.textContent.trim(), shown: button.checkVisibility() && width > 0 && height > 0 };
        },
      ),
    );
    const expected = [
      { name: 'copy', label: 'Copy', shown: true },
      { name: 'regenerate', label: 'Regenerate', shown: true },
      { name: 'good', label: 'Good answer', shown: true },
      { name: 'bad', label: 'Bad answer', shown: true },
    ];
    if (JSON.stringify(buttons) !== JSON.stringify(expected)) throw new Error(`the answer's actions: ${JSON.stringify(buttons)}`);
    const regenerate = await lastAnswerButton(page, 'regenerate');
    const second = await answerAfter(page, () => regenerate.click());
    if (second.status !== 'done' || second.length < 50 || second.id === first.id) throw new Error(`regenerated answer ${JSON.stringify(second)} after ${JSON.stringify(first)}`);
    await lastAnswerButton(page, 'prev');
    const versions = await page.evaluate(() => {
      const answers = [...document.querySelector('#inline-chat').shadowRoot.querySelectorAll('.message.assistant')];
      return { switcher: answers.at(-1).querySelector('[part~=versions]')?.textContent.replace(/\s+/g, ''), bubbles: answers.length };
    });
    // The welcome and one answer: the earlier version is behind the switcher, not a second bubble.
    if (versions.switcher !== '‹2/2›' || versions.bubbles !== 2) throw new Error(`after Regenerate: ${JSON.stringify(versions)}`);
    if (errors.length) throw new Error(errors.join('; '));
  });

/**
 * The demo takes attachments: an image picked through the real file input
 * (its `files` set, then `change`, as the file dialog does) shows as a
 * thumbnail, and sent with the Send button it gets a whole answer from the
 * demo's backend, which checks file parts.
 */
const imageQuestion = () =>
  onNewPage(async (page) => {
    const errors = await openInlineChat(page);
    const picture = await page.evaluateHandle(async () => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 48, height: 32 });
      const g = canvas.getContext('2d');
      g.fillStyle = '#3f74cc';
      g.fillRect(0, 0, 48, 32);
      g.fillStyle = '#f7f9fc';
      g.fillRect(8, 8, 32, 16);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      return new File([blob], 'picture.png', { type: 'image/png' });
    });
    await page.evaluate((file) => {
      const picker = document.querySelector('#inline-chat').shadowRoot.querySelector('input[type=file]');
      const transfer = new DataTransfer();
      transfer.items.add(file);
      picker.files = transfer.files;
      picker.dispatchEvent(new Event('change', { bubbles: true }));
    }, picture);
    await page
      .waitForFunction(() => document.querySelector('#inline-chat').shadowRoot.querySelector('[part~=attachments] [part~=attachment] img'), { timeout: 5000 })
      .catch(() => {
        throw new Error('the picked image shows no thumbnail (does the demo chat have `accept`?)');
      });
    const input = await page.evaluateHandle(() => document.querySelector('#inline-chat').shadowRoot.querySelector('[part~=input]'));
    await input.type('What is in this picture?');
    const send = await page.evaluateHandle(() => document.querySelector('#inline-chat').shadowRoot.querySelector('[part~=send-button]'));
    const answer = await answerAfter(page, () => send.click());
    if (answer.status !== 'done' || answer.length < 50) throw new Error(`answer ${JSON.stringify(answer)}`);
    const question = await page.evaluate(() => {
      const asked = [...document.querySelector('#inline-chat').shadowRoot.querySelectorAll('.message.user')].at(-1);
      return { chip: asked?.querySelector('[part~=attachment]')?.textContent.replace(/\s+/g, ' ').trim(), src: asked?.querySelector('[part~=attachment] img')?.getAttribute('src')?.slice(0, 22) };
    });
    if (question.chip !== 'picture.png image/png' || question.src !== 'data:image/png;base64,') throw new Error(`the question shows ${JSON.stringify(question)}`);
    if (errors.length) throw new Error(errors.join('; '));
  });

try {
  await t.check('screenshot: a markdown answer in the light theme', markdownAnswer('light'));
  await t.check('screenshot: a markdown answer in the dark theme', markdownAnswer('dark'));
  await t.check('the main demo streams an answer', streams('/', '#inline-chat'));
  await t.check('the launcher streams an answer', streams('/', 'ai-chat[mode="launcher"]'));
  await t.check('the main demo: an answer shows Copy, Regenerate, 👍 and 👎; Regenerate streams a new answer, shown as 2/2', answerActions);
  await t.check('the main demo: an image attached through the file input is sent and answered', imageQuestion);
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
