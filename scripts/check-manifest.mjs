#!/usr/bin/env node
// Fails when custom-elements.json is stale or incomplete.
//
// 1. Regenerates the manifest into a temp folder with
//    @custom-elements-manifest/analyzer (custom-elements-manifest.config.mjs)
//    and compares it with the committed file, byte for byte.
// 2. Checks that every attribute, public property and method, event, slot,
//    CSS part, CSS custom property and custom state of each element has a
//    description, and every attribute and property a type: docs/api.md's
//    tables (scripts/api-docs.mjs) are generated from it.
//
//   node scripts/check-manifest.mjs         # check (CI)
//   npm run manifest                        # regenerate after changing the JSDoc
//
// Ends with `manifest: N passed, N failed`.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, checks, sh } from '../test/packaging/harness.mjs';

const COMMITTED = join(ROOT, 'custom-elements.json');
const ANALYZER = join(ROOT, 'node_modules/@custom-elements-manifest/analyzer/cem.js');

const t = checks('manifest');
const out = mkdtempSync(join(tmpdir(), 'ai-chat-manifest-'));
let fresh;

try {
  await t.check('the analyzer regenerates the manifest', async () => {
    if (!existsSync(ANALYZER)) throw new Error('@custom-elements-manifest/analyzer is not installed (npm ci)');
    // The analyzer joins --outdir to the working directory, so pass it relative.
    await sh(process.execPath, [ANALYZER, 'analyze', '--quiet', '--outdir', relative(ROOT, out)], { cwd: ROOT });
    fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
  });

  if (fresh !== undefined) {
    await t.check('custom-elements.json is current (else: npm run manifest, and commit it)', () => {
      if (!existsSync(COMMITTED)) throw new Error('custom-elements.json is missing');
      const committed = readFileSync(COMMITTED, 'utf8');
      if (committed === fresh) return;
      throw new Error(`custom-elements.json differs from what the JSDoc produces:\n${firstDifference(committed, fresh)}`);
    });

    await t.check('every public part of each element has a description (and a type where it has one)', () => {
      const gaps = findGaps(JSON.parse(fresh));
      if (gaps.length) throw new Error(`${gaps.length} gaps in the JSDoc:\n${gaps.join('\n')}`);
    });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exitCode = t.done();

/** What a reader of the API tables would miss: one line per gap. */
function findGaps(manifest) {
  const gaps = [];
  for (const module of manifest.modules ?? []) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.customElement) continue;
      const where = `<${declaration.tagName ?? declaration.name}> (${module.path})`;
      if (!declaration.tagName) gaps.push(`${where}: no @tag`);
      if (!declaration.summary && !declaration.description) gaps.push(`${where}: no class description or @summary`);
      const described = (kind, items, needsType = false) => {
        for (const item of items ?? []) {
          if (!item.description?.trim()) gaps.push(`${where}: ${kind} "${item.name}" has no description`);
          if (needsType && !item.type?.text) gaps.push(`${where}: ${kind} "${item.name}" has no type`);
        }
      };
      described('attribute', declaration.attributes, true);
      const members = (declaration.members ?? []).filter(
        (member) => !member.privacy || member.privacy === 'public',
      );
      described('property', members.filter((member) => member.kind === 'field' && !member.name.startsWith('#')), true);
      described('method', members.filter((member) => member.kind === 'method' && !member.name.startsWith('#')));
      described('event', declaration.events);
      described('slot', declaration.slots);
      described('CSS part', declaration.cssParts);
      described('CSS property', declaration.cssProperties);
      described('CSS state', declaration.cssStates);
    }
  }
  return gaps;
}

function firstDifference(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  const line = left.findIndex((text, index) => text !== right[index]);
  const at = line === -1 ? Math.min(left.length, right.length) : line;
  const show = (lines) => lines.slice(Math.max(0, at - 2), at + 3).join('\n');
  return `first difference at line ${at + 1}\n--- committed\n${show(left)}\n+++ generated\n${show(right)}`;
}
