#!/usr/bin/env node
// docs/api.md, the one API reference, generated from custom-elements.json
// (which scripts/check-manifest.mjs keeps current with the JSDoc).
//
//   node scripts/api-docs.mjs --write            # regenerate docs/api.md
//   node scripts/api-docs.mjs --check            # fail when docs/api.md is out of date (CI)
//   node scripts/api-docs.mjs --print            # print the tables
//   node scripts/api-docs.mjs --write OTHER.md   # another file
//
// The tables go between `<!-- api:start -->` and `<!-- api:end -->`, each on
// its own line; the text around them is kept. A file without the markers is
// written whole, with a title.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const START = '<!-- api:start -->';
const END = '<!-- api:end -->';

const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
const markdown = render(manifest);

const DEFAULT_TARGET = 'docs/api.md';
/** What a new file holds around the tables. */
const NEW_FILE = `# API reference

Generated from \`custom-elements.json\` by \`scripts/api-docs.mjs\`; do not edit by hand.
The manifest is generated from the JSDoc in \`src/ai-chat.ts\` (\`npm run manifest\`).

${START}
${END}
`;

const [mode, target = DEFAULT_TARGET] = process.argv.slice(2);
if (mode === '--print') {
  process.stdout.write(markdown);
} else if (mode === '--write' || mode === '--check') {
  // A relative path is taken from the project root, so the script works from any folder.
  const file = isAbsolute(target) ? target : join(ROOT, target);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  let after;
  try {
    after = splice(before, markdown);
  } catch (error) {
    console.error(`api-docs: ${error.message}`);
    process.exit(1);
  }
  if (mode === '--write') {
    if (after !== before) writeFileSync(file, after);
    console.log(`${target}: ${after === before ? 'already current' : 'updated'}`);
  } else if (after !== before) {
    console.log(`${target}: the API tables are out of date; run: node scripts/api-docs.mjs --write ${target}`);
    console.log('api-docs: 0 passed, 1 failed');
    process.exitCode = 1;
  } else {
    console.log('api-docs: 1 passed, 0 failed');
  }
} else {
  console.error(`usage: node scripts/api-docs.mjs --write [FILE] | --check [FILE] | --print   (FILE: ${DEFAULT_TARGET})`);
  process.exitCode = 2;
}

/**
 * Puts `tables` between the markers of `text` (a new file gets a title first).
 * A file with text but no markers is refused rather than overwritten: the
 * README once held the tables, and an old `--write README.md` must not wipe it.
 */
function splice(text, tables) {
  const hasMarkers = text.includes(START) && text.includes(END);
  if (!hasMarkers && text.trim() !== '') {
    throw new Error(`${target} has no ${START} … ${END} markers; the API reference is ${DEFAULT_TARGET}`);
  }
  const template = hasMarkers ? text : NEW_FILE;
  const start = template.indexOf(START);
  const end = template.indexOf(END);
  if (end < start) throw new Error(`${END} comes before ${START}`);
  return `${template.slice(0, start + START.length)}\n\n${tables}\n${template.slice(end)}`;
}

function render({ modules }) {
  const out = [];
  for (const module of modules ?? []) {
    for (const element of module.declarations ?? []) {
      if (!element.customElement) continue;
      out.push(renderElement(element));
    }
  }
  return out.join('\n');
}

function renderElement(element) {
  const tag = element.tagName ?? element.name;
  const members = (element.members ?? []).filter(
    (member) => (!member.privacy || member.privacy === 'public') && !member.name.startsWith('#') && !member.static,
  );
  const fields = members.filter((member) => member.kind === 'field');
  const methods = members.filter((member) => member.kind === 'method');
  const statics = (element.members ?? []).filter((member) => member.static && member.privacy !== 'private');
  const attributes = element.attributes ?? [];
  const sections = [];

  // One row per attribute, with its property; then the properties that have no attribute.
  const rows = attributes.map((attribute) => {
    const field = fields.find((member) => member.name === attribute.fieldName);
    return [
      code(attribute.name),
      attribute.fieldName ? code(attribute.fieldName) : '—',
      type(attribute.type ?? field?.type),
      value(attribute.default ?? field?.default),
      text(attribute.description ?? field?.description),
    ];
  });
  for (const field of fields) {
    if (attributes.some((attribute) => attribute.fieldName === field.name)) continue;
    rows.push([
      '—',
      `${code(field.name)}${field.readonly ? ' (read-only)' : ''}`,
      type(field.type),
      value(field.default),
      text(field.description),
    ]);
  }
  sections.push(`### \`<${tag}>\` attributes and properties\n\n${table(['attribute', 'property', 'type', 'default', 'description'], rows)}`);

  if (methods.length || statics.length) {
    const signature = (method) =>
      code(
        `${method.static ? `${element.name}.` : ''}${method.name}(${(method.parameters ?? [])
          .map((parameter) => `${parameter.name}${parameter.optional || parameter.default ? '?' : ''}`)
          .join(', ')})${method.return?.type?.text ? `: ${method.return.type.text}` : ''}`,
      );
    sections.push(
      `### Methods\n\n${table(
        ['method', 'description'],
        [...methods, ...statics].map((method) => [signature(method), text(method.description)]),
      )}`,
    );
  }
  if (element.events?.length) {
    sections.push(
      `### Events\n\nEvery event bubbles and is composed.\n\n${table(
        ['event', 'type', 'description'],
        element.events.map((event) => [code(event.name), type(event.type), text(event.description)]),
      )}`,
    );
  }
  const simple = (title, head, items, name = (item) => code(item.name || '(default)')) => {
    if (!items?.length) return;
    sections.push(`### ${title}\n\n${table([head, 'description'], items.map((item) => [name(item), text(item.description)]))}`);
  };
  simple('Slots', 'slot', element.slots);
  simple('CSS parts', 'part', element.cssParts, (item) => code(`::part(${item.name})`));
  if (element.cssProperties?.length) {
    sections.push(
      `### CSS custom properties\n\n${table(
        ['property', 'default', 'description'],
        element.cssProperties.map((item) => [code(item.name), value(item.default), text(item.description)]),
      )}`,
    );
  }
  simple('Custom states', 'state', element.cssStates, (item) => code(`:state(${item.name})`));
  return `${sections.join('\n\n')}\n`;
}

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join(
    '\n',
  );
}

/** One line, pipes escaped: a table cell. */
function text(description = '') {
  return description.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|').trim() || '—';
}

function code(source) {
  return `\`${source.replaceAll('|', '\\|')}\``;
}

function type(typeObject) {
  return typeObject?.text ? code(typeObject.text) : '—';
}

function value(source) {
  return source === undefined || source === '' ? '—' : code(source);
}
