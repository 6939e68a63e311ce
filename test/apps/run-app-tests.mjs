#!/usr/bin/env node
// Builds each framework app with Vite and drives it in headless Chromium
// against the scripted SSE server, proving for every framework that
//   - attributes and object properties reach the element (objects as
//     properties, never stringified into attributes);
//   - `ai-chat-*` events reach the framework's own handler, which renders;
//   - re-rendering the parent while an answer streams neither restarts nor
//     duplicates the request (React's StrictMode double mount included);
//   - unmounting while an answer streams aborts the request: the server sees
//     the connection close, and nothing is sent again.
//
//   (cd test/apps && npm ci)      # once: React, Vue, Svelte, Angular
//   npm run build                 # the apps import the built package from dist/
//   node test/apps/run-app-tests.mjs [react vue …]
//
// Ends with `apps: N passed, N failed`.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ROOT,
  assert,
  assertEqual,
  checks,
  launchBrowser,
  openPage,
  sh,
  sleep,
  startServer,
  until,
  wordStream,
  openAiEvent,
} from '../packaging/harness.mjs';

const APPS_DIR = fileURLToPath(new URL('.', import.meta.url));
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
const ngc = join(APPS_DIR, 'node_modules/@angular/compiler-cli/bundles/src/bin/ngc.js');

/**
 * How each app is checked before Vite bundles it: `tsc` type-checks the React
 * app (JSX typings of <ai-chat> included); Angular's `ngc` compiles ahead of
 * time with strictTemplates, which fails without CUSTOM_ELEMENTS_SCHEMA. Vue
 * and Svelte templates are compiled by their Vite plugins.
 */
const COMPILE = {
  react: () => sh(process.execPath, [tsc, '-p', join(APPS_DIR, 'react/tsconfig.json')]),
  angular: () => sh(process.execPath, [ngc, '-p', join(APPS_DIR, 'angular/tsconfig.json')]),
};

/** Each framework route, and how many times its mount hook (which calls send()) should run. */
const ROUTES = [
  { name: 'react (native element, StrictMode)', app: 'react', variant: 'native', mountHooks: 2 },
  { name: 'react (@lit/react wrapper, StrictMode)', app: 'react', variant: 'wrapper', mountHooks: 2 },
  { name: 'vue', app: 'vue', mountHooks: 1 },
  { name: 'svelte', app: 'svelte', mountHooks: 1 },
  { name: 'angular', app: 'angular', mountHooks: 1 },
];

const only = process.argv.slice(2);
const routes = ROUTES.filter((route) => only.length === 0 || only.includes(route.app));
const apps = [...new Set(routes.map((route) => route.app))];
const t = checks('apps');

try {
  await main();
} catch (error) {
  t.fail('the app tests could not finish', error);
}
process.exitCode = t.done();

async function main() {
  if (!existsSync(join(ROOT, 'dist/element.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  if (!existsSync(join(APPS_DIR, 'node_modules'))) throw new Error('the apps are not installed: run `(cd test/apps && npm ci)`');
  const { build } = await import('vite');

  const built = new Set();
  for (const app of apps) {
    await t.check(`${app}: compile and build with Vite`, async () => {
      await COMPILE[app]?.();
      const { default: config } = await import(join(APPS_DIR, app, 'vite.config.mjs'));
      await build(config);
      built.add(app);
    });
  }

  const mounts = Object.fromEntries(apps.map((app) => [`/${app}/`, join(APPS_DIR, app, 'dist')]));
  const server = await startServer({ mounts });
  const browser = await launchBrowser();
  try {
    for (const route of routes) {
      if (!built.has(route.app)) continue;
      console.log(`::: ${route.name}`);
      await streamAndRerender(browser, server, route);
      await unmountWhileStreaming(browser, server, route);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

async function openApp(browser, server, route) {
  const { page, problems } = await openPage(browser);
  await page.goto(`${server.origin}/${route.app}/`);
  await page.waitForFunction(() => window.__app !== undefined && window.__app.mount.length === 1, { timeout: 10_000 });
  return { page, problems };
}

/** Mounts a chat whose app sends a question on mount, re-renders while it streams, and checks the outcome. */
async function streamAndRerender(browser, server, route) {
  const words = ['Hello', ' from', ` ${route.app}`, ' over', ' SSE.'];
  const answer = words.join('');
  const scenario = await server.scenario(wordStream(words, 150));
  const config = {
    endpoint: scenario.path,
    heading: 'Support',
    headers: { 'x-app': route.app },
    body: { tenant: route.app, nested: { deep: true } },
    question: `Hi from ${route.app}`,
    variant: route.variant,
  };
  const { page, problems } = await openApp(browser, server, route);
  try {
    await page.evaluate((value) => window.__app.mount(value), config);
    await page.waitForFunction(() => document.querySelector('ai-chat')?.endpoint, { timeout: 5000 });
    await page.evaluate(() => (window.__first = document.querySelector('ai-chat')));

    await t.check(`${route.name}: attributes and object properties reach the element`, async () => {
      const seen = await page.evaluate(async () => {
        const el = document.querySelector('ai-chat');
        await el.updateComplete; // reflection to attributes happens in the element's update
        return {
          endpointAttribute: el.getAttribute('endpoint'),
          maxRetries: el.maxRetries,
          heading: el.heading,
          headers: el.headers,
          body: el.body,
          stringified: ['headers', 'body'].filter((name) => el.hasAttribute(name)),
        };
      });
      assertEqual(
        seen,
        {
          endpointAttribute: config.endpoint,
          maxRetries: 0,
          heading: 'Support (0)',
          headers: config.headers,
          body: config.body,
          stringified: [],
        },
        'what the element holds',
      );
    });

    await t.check(`${route.name}: re-renders while streaming neither restart nor duplicate the request`, async () => {
      await page.waitForFunction(() => window.__app.events.deltas > 0, { timeout: 5000 });
      await page.evaluate(async () => {
        for (let i = 0; i < 5; i += 1) {
          window.__app.rerender();
          await new Promise((done) => setTimeout(done, 40));
        }
      });
      await page.waitForFunction(() => window.__app.events.done.length > 0, { timeout: 5000 });
      await sleep(300); // room for a duplicate or a restart to show up
      const after = await page.evaluate(() => {
        const el = document.querySelector('ai-chat');
        return {
          sameElement: el === window.__first && el.isConnected,
          heading: el.heading,
          done: window.__app.events.done,
          messages: el.messages.map((message) => `${message.role}:${message.status}:${message.content}`),
          mountHooks: window.__app.mountHooks,
        };
      });
      const requests = await scenario.requests();
      assertEqual(requests.length, 1, 'requests the server received');
      assertEqual(after.sameElement, true, 'the same <ai-chat> node after the re-renders');
      assertEqual(after.heading, 'Support (5)', 'heading after 5 re-renders');
      assertEqual(after.done, [answer], 'ai-chat-done events the framework handled');
      assertEqual(after.messages, [`user:done:${config.question}`, `assistant:done:${answer}`], 'conversation');
      assertEqual(after.mountHooks, route.mountHooks, 'times the mount hook ran (and called send())');
      const request = requests[0];
      assertEqual(request.headers['x-app'], route.app, 'x-app request header (from the headers property)');
      const body = JSON.parse(request.body);
      assertEqual([body.tenant, body.nested], [route.app, { deep: true }], 'extra body fields (from the body property)');
      assertEqual(body.messages.at(-1).content, config.question, 'question sent');
    });

    await t.check(`${route.name}: events reach the framework handler, which renders`, async () => {
      const shown = await page.evaluate(() => ({
        text: document.querySelector('#done-text')?.textContent,
        deltas: window.__app.events.deltas,
      }));
      assertEqual(shown.text, answer, 'text the framework rendered from ai-chat-done');
      assert(shown.deltas >= words.length, `ai-chat-delta handled ${shown.deltas} times, expected at least ${words.length}`);
    });

    await t.check(`${route.name}: no errors in the console`, () => {
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    await page.close();
  }
}

/** Mounts a chat whose answer never ends, removes it mid-stream, and watches the server. */
async function unmountWhileStreaming(browser, server, route) {
  const scenario = await server.scenario({ chunks: [openAiEvent('Partial')], end: 'hang' });
  const config = {
    endpoint: scenario.path,
    heading: 'Support',
    headers: {},
    body: {},
    question: 'Tell me a long story',
    variant: route.variant,
  };
  const { page } = await openApp(browser, server, route);
  try {
    await t.check(`${route.name}: unmounting while streaming aborts the request`, async () => {
      await page.evaluate((value) => window.__app.mount(value), config);
      await page.waitForFunction(() => window.__app.events.deltas > 0, { timeout: 5000 });
      const before = await scenario.requests();
      assertEqual(before.map((request) => request.clientClosed), [false], 'connection open while streaming');
      await page.evaluate(() => window.__app.unmount());
      await page.waitForFunction(() => document.querySelector('ai-chat') === null, { timeout: 5000 });
      await until(async () => (await scenario.requests())[0]?.clientClosed, {
        timeout: 3000,
        what: 'the server to see the connection close',
      });
      await sleep(300); // nothing may be sent again once the element is gone
      assertEqual((await scenario.requests()).length, 1, 'requests the server received');
    });
  } finally {
    await page.close();
  }
}
