#!/usr/bin/env node
// Fails when a name that custom-elements.json documents is never used, by that
// name, in a test: an attribute, property, method, event, slot, CSS part, CSS
// custom property or custom state. Code and docs drifted apart once
// (`parseEvent` got `{ type }` while every doc said `{ event }`) because no
// test spoke the documented names; this keeps every documented name in a test.
//
// "Used" means used the way a user writes it, not merely mentioned: an
// attribute in markup, a selector or `setAttribute`; a property read or set as
// `.name` on a value whose type is the element (the type checker decides, so
// `console.debug` is not the `debug` property); a method called on it; an event name as a string; a slot in `slot="…"`;
// a part in `::part()`, `[part~=…]` or the tests' `part(el, '…')` helper; a
// custom property as `--ai-chat-…`; a state in `:state(…)`. Comments are
// removed first, and the type-only consumer under test/types/ does not count.
//
//   node scripts/check-api-coverage.mjs             # CI; prints each missing name
//   node scripts/check-api-coverage.mjs --verbose   # also the first test file using each name
//   node scripts/check-api-coverage.mjs --manifest /tmp/custom-elements.json   # another manifest
//
// Ends with `api-coverage: N passed, N failed`.

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT, checks } from '../test/packaging/harness.mjs';

const verbose = process.argv.includes('--verbose');
const TEST_DIR = join(ROOT, 'test');
/** Framework apps run apart; test/types only compiles names, it runs nothing. */
const SKIPPED_DIRS = new Set(['apps', 'types']);

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A name standing alone: not part of a longer kebab-case or camelCase word. */
const alone = (name) => `(?<![\\w-])${escape(name)}(?![\\w-])`;
const quoted = (name) => `['"\`]${escape(name)}['"\`]`;

/** For each documented kind: where to find the names, and the ways a test uses one. */
const KINDS = [
  {
    kind: 'attribute',
    names: (element) => element.attributes,
    usage: (name) => [
      // `max-retries="0"`, `endpoint=${url}`, lit's `?open=${…}`
      `(?<![\\w.-])\\??${escape(name)}=(?=["'$\\w])`,
      // a boolean attribute in the element's markup: `<ai-chat open>`
      `<ai-chat\\b[^>]*?\\s${escape(name)}(?=[\\s>/])`,
      `(?:set|get|has|remove|toggle)Attribute\\(\\s*${quoted(name)}`,
      `\\[${escape(name)}(?:[~|^$*]?=[^\\]]*)?\\]`,
    ],
    hint: 'set it in markup or with setAttribute',
  },
  {
    kind: 'property',
    names: (element) => publicMembers(element, 'field'),
    members: true,
    // lit's property binding in markup: `<ai-chat .suggestions=${list}>`
    usage: (name) => [`(?<![\\w$])\\.${escape(name)}=\\$\\{`],
    hint: 'read or set el.<name>',
  },
  {
    kind: 'method',
    names: (element) => publicMembers(element, 'method'),
    members: true,
    usage: () => [],
    hint: 'call el.<name>()',
  },
  {
    kind: 'event',
    names: (element) => element.events,
    usage: (name) => [quoted(name)],
    hint: "listen for '<name>'",
  },
  {
    kind: 'slot',
    names: (element) => element.slots?.filter((slot) => slot.name !== ''),
    usage: (name) => [
      `slot\\s*=\\s*["'\`]?${escape(name)}(?![\\w-])`,
      `setAttribute\\(\\s*['"\`]slot['"\`]\\s*,\\s*${quoted(name)}`,
    ],
    hint: 'put content in slot="<name>"',
  },
  {
    kind: 'CSS part',
    names: (element) => element.cssParts,
    usage: (name) => [
      `::part\\([^)]*${alone(name)}[^)]*\\)`,
      `\\[part[~|^$*]?=["']?${escape(name)}(?![\\w-])`,
      // test/helpers.ts: part(el, 'send-button')
      `\\bpart\\([^()]*,\\s*${quoted(name)}\\s*\\)`,
    ],
    hint: "select it with part(el, '<name>') or ::part(<name>)",
  },
  {
    kind: 'CSS property',
    names: (element) => element.cssProperties,
    usage: (name) => [alone(name)],
    hint: 'set it and measure the style it changes',
  },
  {
    kind: 'custom state',
    names: (element) => element.cssStates,
    usage: (name) => [`:state\\(\\s*${escape(name)}\\s*\\)`, `:--${escape(name)}(?![\\w-])`],
    hint: 'match :state(<name>)',
  },
];

const manifestAt = process.argv.indexOf('--manifest');
const manifestPath = manifestAt > 0 ? process.argv[manifestAt + 1] : join(ROOT, 'custom-elements.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const elements = manifest.modules.flatMap((module) =>
  (module.declarations ?? []).filter((declaration) => declaration.customElement),
);
/** The element classes, and the classes they inherit documented members from. */
const elementClasses = new Set(
  elements.flatMap((element) => [
    element.name,
    ...(element.members ?? []).map((member) => member.inheritedFrom?.name).filter(Boolean),
  ]),
);
const testPaths = testFiles(TEST_DIR);
const tests = testPaths.map((path) => ({ path: relative(ROOT, path), code: withoutComments(path) }));
const memberUses = elementMemberUses(testPaths);

const t = checks('api-coverage');
console.log(`::: documented names of custom-elements.json, used in ${tests.length} test files`);
await t.check('custom-elements.json documents at least one element', () => {
  if (elements.length === 0) throw new Error('no custom element in custom-elements.json (npm run manifest)');
});
for (const { kind, names, members, usage, hint } of KINDS) {
  const documented = elements.flatMap((element) => (names(element) ?? []).map((item) => ({ element, name: item.name })));
  await t.check(`every documented ${kind} is used in a test (${documented.length})`, () => {
    const missing = documented.filter(({ name }) => {
      const patterns = usage(name).map((source) => new RegExp(source));
      const user =
        (members ? memberUses.get(name) : undefined) ??
        tests.find(({ code }) => patterns.some((pattern) => pattern.test(code)));
      if (user && verbose) console.log(`       ${kind} "${name}": ${user.path}`);
      return !user;
    });
    if (missing.length === 0) return;
    const lines = missing.map(({ element, name }) => `<${element.tagName}> ${kind} "${name}": no test uses it (${hint.replaceAll('<name>', name)})`);
    throw new Error(`${missing.length} of ${documented.length} never used in test/:\n${lines.join('\n')}`);
  });
}
process.exitCode = t.done();

/** Public, non-static-internal members of one kind, as the API tables list them. */
function publicMembers(element, kind) {
  return (element.members ?? []).filter(
    (member) => member.kind === kind && (!member.privacy || member.privacy === 'public') && !member.name.startsWith('#'),
  );
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // Installed packages (test/apps, test/backends) are nobody's test of this element.
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || (SKIPPED_DIRS.has(entry.name) && dir === TEST_DIR) ? [] : testFiles(path);
    }
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file as TypeScript prints it without comments, so a name in a comment is not a use. */
function withoutComments(path) {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(source);
}

/**
 * Member name → the first test file that reads, writes or calls that member
 * of a documented element class (or a class it inherits members from), as
 * TypeScript resolves it. A subclass in a test (`class extends AiChat {}`)
 * resolves to the same declarations.
 */
function elementMemberUses(paths) {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  const program = ts.createProgram(paths, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const uses = new Map();
  for (const path of paths) {
    const source = program.getSourceFile(path);
    if (!source) continue;
    const visit = (node) => {
      if (ts.isPropertyAccessExpression(node)) {
        for (const declaration of checker.getSymbolAtLocation(node.name)?.declarations ?? []) {
          const owner = declaration.parent;
          if (ts.isClassLike(owner) && owner.name && elementClasses.has(owner.name.text)) {
            if (!uses.has(node.name.text)) uses.set(node.name.text, { path: relative(ROOT, path) });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}
