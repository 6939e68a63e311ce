#!/usr/bin/env node
// The package as a user gets it: builds, packs the tarball with `npm pack`,
// installs it into a scratch app in a temp folder (with React, for `./react`),
// then checks that
//   - the tarball holds what `exports`, `types`, `unpkg`, `jsdelivr` and
//     `customElements` name, and nothing from src/, test/ or demo/;
//   - every export resolves from the scratch app, and `.`, `./element`,
//     `./react` and `./server` import under plain Node (no window, no
//     document); React renders `<AiChat>` to a string on the server;
//   - the declarations type-check in a TypeScript app (moduleResolution
//     `bundler` and `nodenext`), React 19 JSX typings included, and so does
//     test/types/consumer.ts, which names every public type from both
//     `ai-chat-element` and `ai-chat-element/element`; no type the API or the
//     docs name is missing from either (scripts/check-public-types.mjs);
//   - the IIFE from the installed package streams an answer on a plain HTML
//     page in headless Chromium.
//
//   node scripts/pack-check.mjs [--no-build] [--keep]
//
// --no-build reuses dist/ (CI builds just before); --keep leaves the temp
// folder for a look. Ends with `pack: N passed, N failed`.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  assert,
  assertEqual,
  checks,
  launchBrowser,
  openPage,
  sh,
  startServer,
  wordStream,
} from '../test/packaging/harness.mjs';
import { consumerSource, publicTypeProblems } from './check-public-types.mjs';

const args = new Set(process.argv.slice(2));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const REQUIRED_EXPORTS = ['.', './element', './react'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

const t = checks('pack');
const work = mkdtempSync(join(tmpdir(), 'ai-chat-pack-'));
const app = join(work, 'app');
let tarball;
let packed = [];

try {
  await main();
} catch (error) {
  t.fail('pack-check could not finish', error);
} finally {
  if (args.has('--keep')) console.log(`  (kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}
process.exitCode = t.done();

async function main() {
  console.log(`::: pack-check (${work})`);
  if (!args.has('--no-build')) {
    await t.check('npm run build', () => sh(npm, ['run', '--silent', 'build'], { cwd: ROOT }));
  }

  await t.check('package.json declares the exports and fields', () => {
    for (const subpath of REQUIRED_EXPORTS) {
      const entry = pkg.exports?.[subpath];
      assert(entry, `exports["${subpath}"] is missing`);
      assert(typeof entry === 'object' && entry.types && entry.default, `exports["${subpath}"] needs "types" and "default"`);
    }
    if (existsSync(join(ROOT, 'dist/server'))) {
      assert(pkg.exports['./server'], 'dist/server/ is built but exports["./server"] is missing');
    }
    assert(pkg.customElements === 'custom-elements.json', '"customElements" should be "custom-elements.json"');
    assert(pkg.unpkg && pkg.jsdelivr, '"unpkg" and "jsdelivr" should point at the IIFE');
    assert(Array.isArray(pkg.sideEffects), '"sideEffects" should list the files that define the element');
  });

  await t.check('npm pack', async () => {
    const { stdout } = await sh(npm, ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
    const [report] = JSON.parse(stdout.slice(stdout.indexOf('[')));
    tarball = join(work, report.filename);
    packed = report.files.map((file) => file.path);
    console.log(`       ${report.filename}: ${packed.length} files, ${kb(report.size)} packed, ${kb(report.unpackedSize)} unpacked`);
  });
  if (!tarball) return;

  await t.check('the tarball holds every file the manifest names, and nothing else', () => {
    const stray = packed.filter((path) => !/^(dist\/|package\.json$|README\.md$|LICENSE|custom-elements\.json$)/.test(path));
    assert(stray.length === 0, `files that should not ship: ${stray.join(', ')}`);
    const named = new Set([pkg.unpkg, pkg.jsdelivr, pkg.customElements, pkg.types, pkg.main, pkg.module]);
    for (const entry of Object.values(pkg.exports)) {
      for (const target of typeof entry === 'string' ? [entry] : Object.values(entry)) named.add(target);
    }
    const missing = [...named].filter(Boolean).map((path) => path.replace(/^\.\//, '')).filter((path) => !packed.includes(path));
    assert(missing.length === 0, `named in package.json but not in the tarball: ${missing.join(', ')}`);
    for (const effect of pkg.sideEffects) {
      const path = effect.replace(/^\.\//, '');
      assert(!path.startsWith('dist/') || packed.includes(path), `sideEffects names ${effect}, which is not in the tarball`);
    }
  });

  await t.check('install the tarball into a scratch app', async () => {
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'pack-check-app',
          private: true,
          type: 'module',
          dependencies: { 'ai-chat-element': `file:${tarball}`, react: '^19.2.0', 'react-dom': '^19.2.0' },
        },
        null,
        2,
      ),
    );
    const started = Date.now();
    await sh(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error'], { cwd: app });
    console.log(`       installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  if (!existsSync(join(app, 'node_modules/ai-chat-element/package.json'))) return;

  await nodeChecks();
  await typeChecks();
  await iifeCheck();
}

/** Imports under plain Node, in a child process whose cwd is the scratch app. */
async function nodeChecks() {
  const subpaths = Object.keys(pkg.exports).filter((key) => key !== './package.json' && !key.includes('*'));
  writeFileSync(
    join(app, 'node-check.mjs'),
    `import { createRequire } from 'node:module';
const subpaths = ${JSON.stringify(subpaths)};
const spec = (subpath) => 'ai-chat-element' + subpath.slice(1);
const results = {};
async function step(name, fn) {
  try { results[name] = { ok: true, value: await fn() }; }
  catch (error) { results[name] = { ok: false, error: String(error && error.stack || error) }; }
}
await step('resolve', () => Object.fromEntries(subpaths.map((s) => [s, import.meta.resolve(spec(s))])));
await step('import .', async () => {
  const m = await import('ai-chat-element');
  if (typeof m.AiChat !== 'function') throw new Error('no AiChat export');
  return { window: typeof window, document: typeof document, defined: typeof globalThis.customElements?.get?.('ai-chat') };
});
await step('import ./element', async () => {
  const m = await import('ai-chat-element/element');
  if (typeof m.AiChat !== 'function') throw new Error('no AiChat export');
  return Object.keys(m).sort();
});
await step('import ./react', async () => {
  const { AiChat } = await import('ai-chat-element/react');
  const React = await import('react');
  const { renderToString } = await import('react-dom/server');
  const wrapped = renderToString(React.createElement(AiChat, { endpoint: '/api/chat', heading: 'Hi' }));
  const native = renderToString(React.createElement('ai-chat', { endpoint: '/api/chat', heading: 'Hi' }));
  return { wrapped, native };
});
if (subpaths.includes('./server')) {
  await step('import ./server', async () => {
    const m = await import('ai-chat-element/server');
    return Object.keys(m).sort();
  });
}
if (subpaths.includes('./server/redis')) {
  await step('import ./server/redis', async () => {
    const m = await import('ai-chat-element/server/redis');
    return Object.keys(m).sort();
  });
}
await step('require .', () => typeof createRequire(import.meta.url)('ai-chat-element').AiChat);
console.log(JSON.stringify(results));
`,
  );
  let results;
  await t.check('node: run the import checks in a child process', async () => {
    const { stdout } = await sh(process.execPath, ['node-check.mjs'], { cwd: app });
    results = JSON.parse(stdout.trim().split('\n').at(-1));
  });
  if (!results) return;
  const ok = (name) => {
    const result = results[name];
    assert(result, `${name} did not run`);
    assert(result.ok, result.error);
    return result.value;
  };

  await t.check('node: every export resolves to a file in the installed package', () => {
    const resolved = ok('resolve');
    for (const subpath of subpaths) {
      const url = resolved[subpath];
      assert(url?.includes('/node_modules/ai-chat-element/'), `${subpath} resolved to ${url}`);
      assert(existsSync(new URL(url)), `${subpath} resolves to a missing file ${url}`);
    }
  });
  await t.check('node: import "ai-chat-element" without window or document', () => {
    const value = ok('import .');
    assertEqual([value.window, value.document], ['undefined', 'undefined'], 'globals after import');
  });
  await t.check('node: import "ai-chat-element/element" without window or document', () => {
    const keys = ok('import ./element');
    for (const name of ['AiChat', 'THEMES', 'MODES', 'POSITIONS', 'CHAT_STATUSES']) {
      assert(keys.includes(name), `./element does not export ${name}`);
    }
  });
  await t.check('node: "ai-chat-element/react" renders <AiChat> to a string (server rendering)', () => {
    const { wrapped, native } = ok('import ./react');
    // @lit/react sets everything as properties once the element exists, so
    // without @lit-labs/ssr-react the server renders the bare tag; React 19's
    // own rendering of <ai-chat> writes string props as attributes.
    assert(/^<ai-chat[\s>]/.test(wrapped), `wrapper rendered ${wrapped}`);
    assert(/^<ai-chat[^>]* endpoint="\/api\/chat"/.test(native), `native element rendered ${native}`);
  });
  if (subpaths.includes('./server')) {
    await t.check('node: import "ai-chat-element/server" without its optional SDKs installed', () => {
      const keys = ok('import ./server');
      assert(keys.includes('createChatHandler'), `./server exports ${keys.join(', ')}`);
    });
  }
  if (subpaths.includes('./server/redis')) {
    await t.check('node: import "ai-chat-element/server/redis" without redis or ioredis installed', () => {
      const keys = ok('import ./server/redis');
      assert(keys.includes('redisResumeStore'), `./server/redis exports ${keys.join(', ')}`);
    });
  }
  await t.check('node: require("ai-chat-element") (require of an ES module, Node >= 20.19)', () => {
    assertEqual(ok('require .'), 'function', 'typeof require(...).AiChat');
  });
}

/** The published declarations, from a strict TypeScript app, both module resolutions a user may have. */
async function typeChecks() {
  writeFileSync(
    join(app, 'types-check.ts'),
    `import { AiChat } from 'ai-chat-element';
import { AiChat as AiChatClass, THEMES, type ChatMessage, type AiChatMessageDetail } from 'ai-chat-element/element';
import { AiChat as AiChatReact, AiChatElement } from 'ai-chat-element/react';

const el: AiChatClass = document.createElement('ai-chat');
el.headers = { authorization: 'Bearer t' };
el.body = { temperature: 0.2 };
el.theme = THEMES[1];
el.addEventListener('ai-chat-done', (event) => {
  const detail: AiChatMessageDetail = event.detail;
  const message: ChatMessage = detail.message;
  console.log(message.content.length);
});
const sent: Promise<ChatMessage | undefined> = el.send('hi');
// @ts-expect-error headers are a string-to-string record
el.headers = { retries: 3 };
export const same: boolean = AiChat === AiChatClass && AiChatReact.displayName === 'AiChat' && AiChatElement === AiChatClass;
void sent;
`,
  );
  writeFileSync(
    join(app, 'jsx-check.tsx'),
    `import type {} from 'ai-chat-element/react';
import { AiChat } from 'ai-chat-element/react';

export function Native() {
  return (
    <ai-chat
      endpoint="/api/chat"
      heading="Help"
      max-retries={0}
      headers={{ 'x-app': 'docs' }}
      body={{ temperature: 0 }}
      onai-chat-done={(event) => console.log(event.detail.message.content)}
    />
  );
}
// @ts-expect-error headers must be an object, not a string
export const wrongHeaders = <ai-chat headers="x" />;
// @ts-expect-error the done event's detail has no 'text'
export const wrongDetail = <ai-chat onai-chat-done={(event) => event.detail.text} />;
export function Wrapped() {
  return <AiChat endpoint="/api/chat" maxRetries={0} onAiChatDone={(event) => console.log(event.detail.message.id)} />;
}
`,
  );
  // test/types/consumer.ts: every type of the public API, from both entries.
  writeFileSync(join(app, 'api-consumer.ts'), consumerSource());
  const base = {
    target: 'ES2022',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    strict: true,
    noEmit: true,
    jsx: 'react-jsx',
    skipLibCheck: false,
    types: [],
  };
  for (const [name, options] of [
    ['bundler', { module: 'ESNext', moduleResolution: 'Bundler' }],
    ['nodenext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ]) {
    writeFileSync(
      join(app, `tsconfig.${name}.json`),
      JSON.stringify(
        { compilerOptions: { ...base, ...options }, files: ['types-check.ts', 'jsx-check.tsx', 'api-consumer.ts'] },
        null,
        2,
      ),
    );
    await t.check(`types: the declarations check in a strict app (moduleResolution ${name})`, () =>
      sh(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: app }),
    );
  }
  await t.check('types: both entries export every type the API and the docs name, and the consumer uses each', () => {
    const problems = publicTypeProblems(join(app, 'api-consumer.ts'), { ...base, module: 'ESNext', moduleResolution: 'Bundler' });
    assert(problems.length === 0, problems.join('\n'));
  });
}

/** The IIFE of the installed package on a plain HTML page, streaming from the scripted server. */
async function iifeCheck() {
  const installed = join(app, 'node_modules/ai-chat-element');
  const iife = join(installed, (pkg.unpkg ?? './dist/ai-chat.iife.js').replace(/^\.\//, ''));
  writeFileSync(
    join(work, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>pack-check</title><script src="/ai-chat.iife.js"></script></head>
  <body><ai-chat heading="Plain page"></ai-chat></body>
</html>
`,
  );
  const server = await startServer({ files: { '/': join(work, 'index.html'), '/ai-chat.iife.js': iife } });
  const browser = await launchBrowser();
  try {
    const { page, problems } = await openPage(browser);
    await t.check('browser: the installed IIFE streams an answer on a plain HTML page', async () => {
      const words = ['Packed', ' and', ' streaming', '.'];
      const scenario = await server.scenario(wordStream(words, 20));
      await page.goto(`${server.origin}/`);
      const globals = await page.evaluate(() => ({
        defined: customElements.get('ai-chat') !== undefined,
        global: typeof window.AiChatElement?.AiChat,
      }));
      assertEqual(globals, { defined: true, global: 'function' }, 'after the script tag');
      const final = await page.evaluate(async (path) => {
        const el = document.querySelector('ai-chat');
        el.setAttribute('endpoint', path);
        const message = await el.send('hello');
        await el.updateComplete;
        const bubbles = [...el.shadowRoot.querySelectorAll('.message.assistant .content')];
        return { status: message?.status, content: message?.content, shown: bubbles.at(-1)?.textContent?.trim() };
      }, scenario.path);
      assertEqual(final, { status: 'done', content: words.join(''), shown: words.join('') }, 'answer');
      const requests = await scenario.requests();
      assertEqual(requests.length, 1, 'requests to the endpoint');
      assert(problems.length === 0, problems.join('\n'));
    });
  } finally {
    await browser.close();
    await server.close();
  }
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}
