// The size budget of the script-tag bundle, enforced in CI: fails when
// dist/ai-chat.iife.js (lit, the stream reader, every format, markdown and
// the three built-in languages included) grows past BUDGET gzipped bytes.
//
//   node scripts/check-size.mjs [bundle.js] [--modules]
//
// `--modules` also prints where the bytes come from, per source file, read
// from the bundle's source map: minified bytes, and the gzip size of that
// file's share on its own (shares compress worse alone than together, so
// the gzip column adds up to more than the bundle). Then the same per
// folder (a package, or a folder of src/), scaled to the bundle's own
// compression so that the folders add up to the bundle's gzip size.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';

/**
 * A ratchet, not a goal. 49,140 B measured when set on 2026-12-04 (session
 * 9), up from 48,587 B: the fixes a review of session 8 asked for (a file's
 * "not saved" mark cleared again when a later save keeps its bytes, set on
 * the file shown after another tab's save, a new mark rebuilding only its
 * own message's DOM, not 2,000: about +135 B), and #17's fewer nodes (the
 * actions named by their aria-label, drawn by the styles: about +25 B; the
 * last 4 messages live instead of 10, what the reader opened carried into
 * a settled message: about +110 B; shelves far above the newest message
 * made anew with plain groups, so the browser does not check 400 groups on
 * every streaming frame: about +127 B; after two reviews, what the reader
 * opened found by message id, a rated answer's too and not a new
 * conversation's, the focus kept on an action whose message settles, and no
 * shelf made far while it holds the focus or a selection: about +156 B).
 * Session 8 had set
 * 48,587 B, up from 48,310 B, all for #17's long conversations: a settled
 * answer's markdown in its text box (about +50 B: 42 -> 41 nodes a plain
 * answer), the settled part kept while an answer streams (about +70 B), the
 * first save after a load reusing what storage held when it is in stored
 * form (about +110 B), a settled question's file note following a full
 * storage (about +20 B). Session 7 had set 48,310 B, up from 48,045 B: #17's shelves of groups and slots that keep their
 * place (+175 B), fewer nodes per settled message (+23 B), saves spaced by their cost (+45 B), a review's fixes (+26 B). Session 6 had gone from 45,134 B to 48,063 B: a review's fixes (an open editor kept by id across
 * another tab's save, another tab's unfinished answer kept aside as
 * interrupted, messages other tabs added kept through saves; +118 B), file sizes in each language's units and decimal
 * mark (French 1,3 Mo; +87 B), #18's actions on messages (Copy, Regenerate, 👍/👎,
 * Edit, versions ‹ 1/2 ›, their texts in three languages, the editor, focus
 * handling: about +1,900 B), saving versions and feedback and the per-message
 * JSON cache of the store (#18 and #17: about +530 B), duplicated tabs and
 * stale saved turns (#15: about +100 B). Session 5 had gone from 39,941 B
 * to 45,134 B: attachments (+2,337 B), inline citation markers (+1,128 B),
 * settled messages in content-visibility groups and the frame-budgeted list
 * (about +970 B), a second tab following an answer (about +520 B), flood
 * slicing and the inline bound (+329 B). Each of #13, #14 and #18 is over the
 * bytes its issue allows: see their notes and docs/performance.md. Before:
 * 36,700 B (session 3), 31,734 B at a45903f.
 */
const BUDGET = 49_140;
const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--')) ?? new URL('../dist/ai-chat.iife.js', import.meta.url).pathname;
const code = readFileSync(file, 'utf8');
const gzip = (text) => gzipSync(text, { level: 9 }).length;
const total = gzip(code);

if (args.includes('--modules')) {
  const lines = code.split('\n');
  const mappings = [];
  eachMapping(new TraceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))), (mapping) => mappings.push(mapping));
  mappings.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);
  const shares = new Map();
  mappings.forEach((mapping, index) => {
    const next = mappings[index + 1];
    const line = lines[mapping.generatedLine - 1];
    const end = next?.generatedLine === mapping.generatedLine ? next.generatedColumn : line.length;
    const source = (mapping.source ?? '(unmapped)').replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/');
    shares.set(source, (shares.get(source) ?? '') + line.slice(mapping.generatedColumn, end));
  });
  const rows = [...shares].map(([source, text]) => [source, text.length, gzip(text)]).sort((a, b) => b[1] - a[1]);
  const table = (heading, lines) => {
    console.log(`   min B  gzip B  ${heading}`);
    for (const [name, bytes, zipped] of lines) console.log(`${String(bytes).padStart(8)}${String(zipped).padStart(8)}  ${name}`);
  };
  table('source', rows);

  // `src/stream/formats/json.ts` → `src/stream/formats/`; `lit-html/directives/live.js` → `lit-html`,
  // `@lit/reactive-element/css-tag.js` → `@lit/reactive-element`.
  const folderOf = (source) => (source.startsWith('src/') ? source.replace(/[^/]*$/, '') : source.match(/^(@[^/]+\/)?[^/]+/)[0]);
  const scale = total / rows.reduce((sum, [, , zipped]) => sum + zipped, 0);
  const folders = new Map();
  for (const [source, bytes, zipped] of rows) {
    const [minified, scaled] = folders.get(folderOf(source)) ?? [0, 0];
    folders.set(folderOf(source), [minified + bytes, scaled + zipped * scale]);
  }
  console.log('');
  table(
    'folder (gzip scaled to the bundle)',
    [...folders].map(([folder, [bytes, scaled]]) => [folder, bytes, Math.round(scaled)]).sort((a, b) => b[2] - a[2]),
  );
}

const verdict = total <= BUDGET ? 'within' : 'OVER';
console.log(`size: ${file.replace(/^.*\/(dist\/)/, '$1')} ${Buffer.byteLength(code)} B, gzip ${total} B (${verdict} the ${BUDGET} B budget)`);
if (total > BUDGET) process.exit(1);
