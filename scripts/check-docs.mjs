#!/usr/bin/env node
// Keeps the docs honest: README.md, CONTRIBUTING.md and docs/*.md.
//   - Every relative link resolves: the file exists, and a `#fragment` names
//     a heading of that file (GitHub's anchors).
//   - Every code block a reader may copy is checked:
//       ts, tsx, js, and the script of vue and svelte blocks: type-checked
//         against the built declarations (dist/types, dist/server), as an app
//         that installed the package would (tsc, strict for TypeScript);
//       vue and svelte blocks: compiled by the framework's own compiler;
//       html, and the <ai-chat> tags in every framework template: each
//         attribute, property, event and slot is one custom-elements.json
//         documents;
//       css: each --ai-chat-* property, ::part() and :state() is documented;
//       sh: each `npm run X` is a script of package.json, each `node FILE`
//         exists;
//       any other block names the suite that runs it on the line above:
//         `<!-- checked by test/csp/run-csp-tests.mjs -->`.
//
//   npm run build                      # the declarations the snippets compile against
//   node scripts/check-docs.mjs        # links and snippets (CI)
//   node scripts/check-docs.mjs --links-only
//
// Ends with `docs: N passed, N failed`.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { checks, sh } from '../test/packaging/harness.mjs';
import { ROOT, snippetsOf } from './doc-snippets.mjs';

// --- links -------------------------------------------------------------------

function checkLinks(file) {
  const text = withoutCode(readFileSync(join(ROOT, file), 'utf8'));
  const broken = new Set();
  for (const [, target] of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path, fragment] = target.split('#');
    const resolved = path ? join(dirname(join(ROOT, file)), decodeURIComponent(path)) : join(ROOT, file);
    if (!existsSync(resolved)) {
      broken.add(`${target}: no such file`);
    } else if (fragment !== undefined && !anchorsOf(resolved).has(fragment)) {
      broken.add(`${target}: ${relative(ROOT, resolved)} has no heading #${fragment}`);
    }
  }
  if (broken.size) throw new Error([...broken].join('\n'));
}

/** The text outside fenced blocks and inline code, where a `[x](y)` is a link. */
function withoutCode(text) {
  return text.replace(/^(\s*)(`{3,}|~{3,})[\s\S]*?^\1\2\s*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file) {
  const anchors = new Set();
  const seen = new Map();
  for (const [, heading] of withoutFences(readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  return anchors;
}

function withoutFences(text) {
  return text.replace(/^(\s*)(`{3,}|~{3,})[\s\S]*?^\1\2\s*$/gm, '');
}

// --- snippets ----------------------------------------------------------------

function readManifest() {
  const { modules } = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
  const element = modules.flatMap((module) => module.declarations ?? []).find((declaration) => declaration.tagName === 'ai-chat');
  const names = (items = []) => new Set(items.map((item) => item.name));
  return {
    attributes: names(element.attributes),
    properties: names((element.members ?? []).filter((member) => member.kind === 'field' && !member.static && member.privacy !== 'private')),
    events: names(element.events),
    slots: names(element.slots),
    parts: names(element.cssParts),
    cssProperties: names(element.cssProperties),
    states: names(element.cssStates),
  };
}

/** What checks `snippet`, or undefined when nothing does. TypeScript sources are queued in `compiled`. */
function checkerFor(snippet, manifest, compiled) {
  if (snippet.checkedBy) {
    return () => {
      if (!existsSync(join(ROOT, snippet.checkedBy))) throw new Error(`${snippet.checkedBy} does not exist`);
    };
  }
  switch (snippet.lang) {
    case 'ts':
    case 'tsx':
    case 'js':
      return () => {
        compiled.push({ ...snippet, source: snippet.code, offset: 0, ext: snippet.lang });
        checkMarkup(snippet.code, manifest);
      };
    case 'vue':
      return () => checkVue(snippet, manifest, compiled);
    case 'svelte':
      return () => checkSvelte(snippet, manifest, compiled);
    case 'html':
      return () => checkMarkup(snippet.code, manifest, { needsTag: true });
    case 'css':
      return () => checkCssNames(snippet.code, manifest, { needsName: true });
    case 'sh':
      return () => checkCommands(snippet.code);
    default:
      return undefined;
  }
}

/** Fails with every name in `found` that `known` lacks. */
function expectKnown(kind, found, known) {
  const unknown = [...found].filter((name) => !known.has(name));
  if (unknown.length) throw new Error(`not documented in custom-elements.json (${kind}): ${unknown.join(', ')}`);
}

function checkCssNames(code, manifest, { needsName = false } = {}) {
  const props = [...code.matchAll(/--ai-chat-[\w-]+/g)].map(([name]) => name);
  const parts = [...code.matchAll(/::part\(([\w-]+)\)/g)].map(([, name]) => name);
  const states = [...code.matchAll(/:state\(([\w-]+)\)/g)].map(([, name]) => name);
  expectKnown('CSS custom property', props, manifest.cssProperties);
  expectKnown('part', parts, manifest.parts);
  expectKnown('custom state', states, manifest.states);
  if (needsName && props.length + parts.length + states.length === 0) throw new Error('names no custom property, part or state of <ai-chat>');
}

/** Attributes any element may carry, and the ones frameworks keep to themselves. */
const GLOBAL_ATTRIBUTES = new Set(['id', 'class', 'slot', 'lang', 'dir', 'hidden', 'title', 'ref', 'key', 'bind:this', 'v-if', 'v-else', 'v-show']);

/**
 * Checks each `<ai-chat>` (and `<ai-chat-suggestion>`) tag of HTML or a
 * framework template: plain names are attributes or properties, and the
 * event bindings of React, Svelte (`onai-chat-*`), Vue (`@`, `:x.prop`) and
 * Angular (`(event)`, `[property]`) name documented events and properties.
 */
function checkMarkup(code, manifest, { needsTag = false } = {}) {
  const tags = [...tagsIn(code, 'ai-chat'), ...tagsIn(code, 'ai-chat-suggestion').map((tag) => ({ ...tag, suggestion: true }))];
  if (needsTag && tags.length === 0) throw new Error('holds no <ai-chat> tag');
  const attributes = [];
  const properties = [];
  const events = [];
  for (const tag of tags) {
    for (const name of tag.attributes) {
      if (GLOBAL_ATTRIBUTES.has(name)) continue;
      if (tag.suggestion) attributes.push(name);
      else if (/^on(ai-chat-[\w-]+)$/.test(name)) events.push(name.slice(2));
      else if (/^[@(]/.test(name)) events.push(name.replace(/^@|^\(|\)$/g, ''));
      else if (/^\[.+\]$/.test(name)) properties.push(name.slice(1, -1));
      else if (/^:.+\.prop$/.test(name)) properties.push(name.slice(1, -'.prop'.length));
      else attributes.push(name.replace(/^:/, ''));
    }
  }
  expectKnown('attribute or property', attributes, new Set([...manifest.attributes, ...manifest.properties]));
  expectKnown('property', properties, manifest.properties);
  expectKnown('event', events, manifest.events);
  expectKnown('slot', [...code.matchAll(/\bslot="([\w-]+)"/g)].map(([, name]) => name), manifest.slots);
  checkCssNames(code, manifest);
}

/** The attribute names of every `<name …>` tag in `code`; values may hold quotes, braces and `=>`. */
function tagsIn(code, name) {
  const tags = [];
  const opening = new RegExp(`<${name}(?=[\\s/>])`, 'g');
  for (const match of code.matchAll(opening)) {
    const attributes = [];
    let at = match.index + match[0].length;
    while (at < code.length) {
      while (/\s/.test(code[at])) at += 1;
      if (code[at] === '>' || code.startsWith('/>', at)) break;
      const nameMatch = /^[^\s=/>]+/.exec(code.slice(at));
      if (!nameMatch) break;
      attributes.push(nameMatch[0]);
      at += nameMatch[0].length;
      if (code[at] !== '=') continue;
      at += 1;
      at = skipValue(code, at);
    }
    tags.push({ attributes });
  }
  return tags;
}

/** Index after an attribute value: quoted, a `{…}` expression (nested braces and strings), or bare. */
function skipValue(code, at) {
  const quote = code[at];
  if (quote === '"' || quote === "'") return code.indexOf(quote, at + 1) + 1;
  if (quote !== '{') return at + /^[^\s>]*/.exec(code.slice(at))[0].length;
  let depth = 0;
  for (let index = at; index < code.length; index++) {
    const char = code[index];
    if (char === '"' || char === "'") index = code.indexOf(char, index + 1);
    else if (char === '{') depth += 1;
    else if (char === '}' && --depth === 0) return index + 1;
  }
  return code.length;
}

async function checkVue(snippet, manifest, compiled) {
  const { parse, compileTemplate } = await import('vue/compiler-sfc');
  const { descriptor, errors } = parse(snippet.code, { filename: 'Snippet.vue' });
  // Queued first, so the script is type-checked even when the template fails here.
  const script = descriptor.scriptSetup ?? descriptor.script;
  if (script) compiled.push({ ...snippet, source: script.content, offset: lineOf(snippet.code, script.loc.start.offset), ext: script.lang ?? 'js' });
  const problems = [...errors];
  if (descriptor.template) {
    const result = compileTemplate({
      source: descriptor.template.content,
      filename: 'Snippet.vue',
      id: 'snippet',
      compilerOptions: { isCustomElement: (tag) => tag.startsWith('ai-chat') },
    });
    problems.push(...result.errors);
    checkMarkup(descriptor.template.content, manifest, { needsTag: true });
  }
  if (problems.length) throw new Error(problems.map(String).join('\n'));
}

async function checkSvelte(snippet, manifest, compiled) {
  const script = /<script lang="ts">([\s\S]*?)<\/script>/.exec(snippet.code);
  if (script) compiled.push({ ...snippet, source: script[1], offset: lineOf(snippet.code, script.index + '<script lang="ts">'.length), ext: 'ts' });
  const { compile } = await import('svelte/compiler');
  compile(snippet.code, { filename: 'Snippet.svelte' }); // throws on a compile error
  checkMarkup(snippet.code, manifest, { needsTag: true });
}

/** 0-based line of `offset` in `text`. */
function lineOf(text, offset) {
  return text.slice(0, offset).split('\n').length - 1;
}

function checkCommands(code) {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
  const problems = [];
  for (const raw of code.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').replace(/[()]/g, ' ').trim();
    for (const command of line.split(/&&|\|\||;/).map((part) => part.trim().split(/\s+/)).filter((words) => words[0])) {
      const [tool, verb, ...rest] = command;
      const args = rest.filter((word) => !word.startsWith('-'));
      if (tool === 'npm' && verb === 'run') {
        if (!scripts[args[0]]) problems.push(`npm run ${args[0]}: no such script in package.json`);
      } else if (tool === 'npm' && (verb === 'test' || verb === 'start')) {
        if (!scripts[verb]) problems.push(`npm ${verb}: no such script`);
      } else if (tool === 'npm' && (verb === 'install' || verb === 'ci' || verb === 'i')) {
        // Installs: the package name is checked by the packaging suite.
      } else if (tool === 'node' || tool === 'cd') {
        if (!existsSync(join(ROOT, verb))) problems.push(`${tool} ${verb}: no such file`);
      } else if (tool === 'npx' && verb === 'wtr') {
        for (const file of args) if (!existsSync(join(ROOT, file.replace(/^"|"$/g, '')))) problems.push(`npx wtr ${file}: no such file`);
      } else if (tool === 'npx' && ['tsc', 'vite'].includes(verb)) {
        // Tools of devDependencies, run by CI itself.
      } else {
        problems.push(`${command.join(' ')}: this script has no check for it`);
      }
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

// --- type-checking -----------------------------------------------------------

/** Names the docs use without declaring them, as an app would have them. */
const PLACEHOLDERS = `
declare var token: string;
declare var chat: import('react').RefObject<import('ai-chat-element/element').AiChat | null>;
declare function $props<T>(): T;
`;

/**
 * Compiles the queued sources in two programs: TypeScript strict, and
 * JavaScript with checkJs (as an editor checks a plain .js file). Imports of
 * `ai-chat-element/*` resolve to the built declarations through the package's
 * own `exports`; other packages resolve from node_modules.
 */
async function typeCheck(compiled) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const paths = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || !target.types) continue;
    if (!existsSync(join(ROOT, target.types))) throw new Error(`${target.types} is missing: run \`npm run build\` first`);
    paths[`ai-chat-element${subpath.slice(1)}`] = [join(ROOT, target.types)];
  }
  // The Vue snippet's vite.config imports the plugin the framework apps install.
  const fromApps = createRequire(join(ROOT, 'test/apps/package.json'));
  for (const name of ['@vitejs/plugin-vue']) {
    if (existsSync(join(ROOT, 'node_modules', name))) continue;
    try {
      paths[name] = [fromApps.resolve(name)];
    } catch {
      throw new Error(`${name} is missing: run \`(cd test/apps && npm ci)\` first`);
    }
  }

  // Under node_modules, so bare imports (react, @angular/core) resolve from the project's.
  const work = join(ROOT, 'node_modules/.cache/check-docs');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'placeholders.d.ts'), PLACEHOLDERS);
  // Loads the element's global typings (HTMLElementTagNameMap, the events), as importing the package anywhere in an app does.
  writeFileSync(join(work, 'setup.ts'), "import type {} from 'ai-chat-element';\n");

  const origin = new Map();
  const files = { ts: [], js: [] };
  compiled.forEach((snippet, index) => {
    const ext = snippet.ext === 'js' ? 'js' : snippet.ext === 'tsx' ? 'tsx' : 'ts';
    const name = `snippet-${index}.${ext}`;
    writeFileSync(join(work, name), snippet.source);
    origin.set(name, snippet);
    files[ext === 'js' ? 'js' : 'ts'].push(name);
  });

  const base = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    moduleDetection: 'force',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    jsx: 'react-jsx',
    noEmit: true,
    skipLibCheck: true,
    paths,
  };
  const programs = [
    { name: 'tsconfig.ts.json', files: files.ts, options: { ...base, strict: true, types: [] } },
    { name: 'tsconfig.js.json', files: files.js, options: { ...base, allowJs: true, checkJs: true, strict: false, types: ['node'] } },
  ];
  const problems = [];
  for (const program of programs) {
    if (program.files.length === 0) continue;
    writeFileSync(
      join(work, program.name),
      JSON.stringify({ compilerOptions: program.options, files: ['placeholders.d.ts', 'setup.ts', ...program.files] }, null, 2),
    );
    try {
      await sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(work, program.name), '--pretty', 'false']);
    } catch (error) {
      problems.push(...String(error.message).split('\n').map((line) => locate(line, origin)).filter(Boolean));
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  rmSync(work, { recursive: true, force: true });
}

/** Turns `snippet-3.tsx(4,7): error TS…` into `docs/frameworks.md:61: error TS…`. */
function locate(line, origin) {
  const match = /(snippet-\d+\.\w+)\((\d+),\d+\): (.*)$/.exec(line);
  if (!match) return /error TS/.test(line) ? line.trim() : '';
  const snippet = origin.get(match[1]);
  return `${snippet.file}:${snippet.line + snippet.offset + Number(match[2])}: ${match[3]}`;
}

// --- run (last, so every constant above is initialised) ----------------------

const DOCS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const linksOnly = process.argv.includes('--links-only');
const t = checks('docs');

for (const file of DOCS) await t.check(`${file}: every relative link resolves`, () => checkLinks(file));

if (!linksOnly) {
  const snippets = DOCS.flatMap((file) => snippetsOf(file));
  const manifest = readManifest();
  const compiled = [];
  for (const snippet of snippets) {
    const where = `${snippet.file}:${snippet.line} (${snippet.lang || 'no language'})`;
    const check = checkerFor(snippet, manifest, compiled);
    if (check) await t.check(where, check);
    else t.fail(where, new Error('no test runs this block: give it a language this script checks, or `<!-- checked by PATH -->` on the line above'));
  }
  await t.check(`type-check ${compiled.length} snippets against dist/types and dist/server`, () => typeCheck(compiled));
}
process.exitCode = t.done();
