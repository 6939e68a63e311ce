import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { StreamEvent } from '../src/stream/types.js';
import { scenario, type ScriptedChunk } from './helpers.js';

interface Vector {
  name: string;
  category: string;
  stream_hex?: string;
  stream_generator?: unknown;
  connections?: unknown;
  expected: Array<{ type: string; data: string; lastEventId: string }>;
}

const hexToBase64 = (hex: string) => btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));

/** Awkward pieces: 1, 2, 3, 5, 8, … bytes, cutting CRLF pairs and UTF-8 sequences alike. */
function awkward(hex: string): ScriptedChunk[] {
  const chunks: ScriptedChunk[] = [];
  const sizes = [1, 2, 3, 5, 8, 13];
  for (let offset = 0, i = 0; offset < hex.length; i++) {
    const size = sizes[i % sizes.length]! * 2;
    chunks.push({ base64: hexToBase64(hex.slice(offset, offset + size)), delay: 1 });
    offset += size;
  }
  return chunks;
}

describe('the event-stream vectors, served over HTTP into parseEvent', () => {
  let vectors: Vector[] = [];
  before(async () => {
    const all = (await (await fetch(new URL('./data/sse-vectors.json', import.meta.url))).json()) as Vector[];
    // Transport outcomes (wrong MIME type, error statuses), generated megabyte
    // lines and multi-connection vectors are covered by the parser's own tests.
    vectors = all.filter((v) => v.category !== 'http' && v.stream_generator === undefined && v.connections === undefined);
  });

  it('dispatches exactly the events a browser does, whole and in awkward chunks', async function () {
    this.timeout(180_000);
    expect(vectors.length).to.be.at.least(60);
    const el = await fixture<AiChat>(html`<ai-chat no-markdown max-retries="0"></ai-chat>`);
    let seen: StreamEvent[] = [];
    el.parseEvent = (event) => {
      seen.push({ ...event });
      return { text: '.' };
    };
    const failures: string[] = [];
    for (const vector of vectors) {
      const hex = vector.stream_hex ?? '';
      for (const [how, chunks] of [
        ['whole', hex ? [{ base64: hexToBase64(hex) }] : []],
        ['awkward chunks', awkward(hex)],
      ] as const) {
        seen = [];
        const flow = await scenario({ chunks: [...chunks] });
        el.endpoint = flow.url;
        el.clear();
        await el.send('go');
        const got = seen.map(({ event, data, id }) => ({ type: event, data, lastEventId: id }));
        if (JSON.stringify(got) !== JSON.stringify(vector.expected)) {
          failures.push(`${vector.name} (${how}): got ${JSON.stringify(got).slice(0, 200)}`);
        }
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});
