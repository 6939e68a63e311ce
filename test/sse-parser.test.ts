import { expect } from '@open-wc/testing';
import {
  createSseParser,
  SseLineTooLongError,
  type SseParserOptions,
} from '../src/stream/sse-parser.js';
import type { StreamEvent } from '../src/stream/types.js';

/** A string made of `prefix`, `repeat` × `count`, `suffix` (long-line vectors). */
interface StringRecipe {
  prefix?: string;
  repeat: string;
  count: number;
  suffix?: string;
}

interface ExpectedEvent {
  type: string;
  data?: string;
  data_generator?: StringRecipe;
  lastEventId: string;
}

interface Connection {
  stream_hex: string;
  expected: ExpectedEvent[];
}

/** One entry of test/data/sse-vectors.json (only the fields used here). */
interface Vector {
  name: string;
  category: string;
  stream_hex?: string;
  stream_generator?: StringRecipe;
  chunks_hex?: string[];
  expected: ExpectedEvent[];
  expected_outcome?: string;
  expected_last_event_id_after?: string;
  expected_reconnection_time?: number | null;
  connections?: Connection[];
}

/** What one run of the parser produced. */
interface Outcome {
  events: StreamEvent[];
  retries: number[];
  comments: string[];
  lastEventId: string;
  error?: unknown;
}

const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function generate(gen: StringRecipe): string {
  return (gen.prefix ?? '') + gen.repeat.repeat(gen.count) + (gen.suffix ?? '');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Cuts `bytes` at the given offsets (ascending). */
function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

function fixedChunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

/** A small linear congruential generator, so "random" chunkings repeat exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomChunks(bytes: Uint8Array, seed: number): Uint8Array[] {
  const next = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(next() * 64);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return chunks;
}

/**
 * Feeds each body in turn to one parser, calling end() after each, as a
 * client reconnecting with the same parser would.
 */
function runBodies(bodies: Uint8Array[][], options: Partial<SseParserOptions> = {}): Outcome {
  const outcome: Outcome = { events: [], retries: [], comments: [], lastEventId: '' };
  const parser = createSseParser({
    ...options,
    onEvent: (event) => outcome.events.push(event),
    onRetry: (ms) => outcome.retries.push(ms),
    onComment: (text) => outcome.comments.push(text),
  });
  try {
    for (const chunks of bodies) {
      for (const chunk of chunks) parser.feed(chunk);
      parser.end();
    }
  } catch (error) {
    outcome.error = error;
  }
  outcome.lastEventId = parser.lastEventId;
  return outcome;
}

function run(chunks: Uint8Array[], options: Partial<SseParserOptions> = {}): Outcome {
  return runBodies([chunks], options);
}

function feedText(...chunks: string[]): Outcome {
  return run(chunks.map((chunk) => encoder.encode(chunk)));
}

/** The vector's events in the parser's shape (`lastEventId` becomes `id`). */
function expectedEvents(expected: ExpectedEvent[]): StreamEvent[] {
  return expected.map((e) => ({
    event: e.type,
    data: e.data_generator ? generate(e.data_generator) : (e.data ?? ''),
    id: e.lastEventId,
  }));
}

/** Short, readable description of a difference, or '' when equal. */
function describeDifference(actual: StreamEvent[], expected: StreamEvent[]): string {
  const clip = (events: StreamEvent[]) =>
    JSON.stringify(events.map((e) => ({ ...e, data: e.data.length > 80 ? `${e.data.slice(0, 80)}…(${e.data.length})` : e.data })));
  if (actual.length !== expected.length) {
    return `${actual.length} events instead of ${expected.length}: ${clip(actual)} vs ${clip(expected)}`;
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a.event !== e.event || a.data !== e.data || a.id !== e.id) {
      return `event ${i} is ${clip([a])}, expected ${clip([e])}`;
    }
  }
  return '';
}

/** Every way of chunking a short stream the vectors ask for. */
function* chunkings(bytes: Uint8Array, vector: Vector): Generator<[string, Uint8Array[]]> {
  yield ['whole', [bytes]];
  yield ['every byte', fixedChunks(bytes, 1)];
  for (let cut = 0; cut <= bytes.length; cut++) yield [`split at ${cut}`, splitAt(bytes, [cut])];
  if (bytes.length <= 64) {
    for (let a = 1; a < bytes.length; a++) {
      for (let b = a + 1; b < bytes.length; b++) yield [`split at ${a},${b}`, splitAt(bytes, [a, b])];
    }
  }
  for (const seed of [1, 2, 3, 42, 2024]) yield [`random chunks (seed ${seed})`, randomChunks(bytes, seed)];
  if (vector.chunks_hex) yield ['the vector\'s own chunks', vector.chunks_hex.map(hexToBytes)];
}

/** Checks one outcome against everything the vector states; returns problems. */
function checkOutcome(vector: Vector, how: string, outcome: Outcome, expected: StreamEvent[]): string[] {
  const problems: string[] = [];
  const where = `${vector.name} (${how})`;
  if (outcome.error) problems.push(`${where}: threw ${String(outcome.error)}`);
  const difference = describeDifference(outcome.events, expected);
  if (difference) problems.push(`${where}: ${difference}`);
  if (vector.expected_last_event_id_after !== undefined && outcome.lastEventId !== vector.expected_last_event_id_after) {
    problems.push(`${where}: lastEventId ${JSON.stringify(outcome.lastEventId)}, expected ${JSON.stringify(vector.expected_last_event_id_after)}`);
  }
  if (vector.expected_reconnection_time !== undefined) {
    const last = outcome.retries.length ? outcome.retries[outcome.retries.length - 1] : null;
    if (last !== vector.expected_reconnection_time) {
      problems.push(`${where}: reconnection time ${last}, expected ${vector.expected_reconnection_time}`);
    }
  }
  return problems;
}

/** A vector whose body a browser never parses (wrong MIME type, non-200 status). */
function isTransportOnly(vector: Vector): boolean {
  return vector.expected_outcome?.startsWith('fail-connection') ?? false;
}

function checkShortVector(vector: Vector): { runs: number; problems: string[] } {
  const bytes = hexToBytes(vector.stream_hex ?? '');
  const expected = expectedEvents(vector.expected);
  const problems: string[] = [];
  let runs = 0;
  for (const [how, chunks] of chunkings(bytes, vector)) {
    runs++;
    problems.push(...checkOutcome(vector, how, run(chunks), expected));
  }
  if (vector.connections) {
    // Reconnections through one parser: the last event ID carries over.
    for (const size of [1, 3, 1000]) {
      runs++;
      const bodies = vector.connections.map((c) => fixedChunks(hexToBytes(c.stream_hex), size));
      const all = expectedEvents(vector.connections.flatMap((c) => c.expected));
      problems.push(...checkOutcome(vector, `connections in ${size}-byte chunks`, runBodies(bodies), all));
    }
  }
  return { runs, problems };
}

/**
 * Long-line vectors are fed in the chunk sizes they name. The 1 MiB data
 * line is `data: ` plus 1 MiB, longer than the default 1 MiB line limit, so
 * they run with a 2 MiB limit; the unterminated-line policy vector keeps the
 * default and must throw instead of buffering 16 MiB.
 */
function checkLongVector(vector: Vector): { runs: number; problems: string[] } {
  const bytes = encoder.encode(generate(vector.stream_generator!));
  const expected = expectedEvents(vector.expected);
  const problems: string[] = [];
  if (vector.expected_outcome) {
    const outcome = run(fixedChunks(bytes, 65536));
    if (!(outcome.error instanceof SseLineTooLongError) || outcome.events.length > 0) {
      problems.push(`${vector.name}: expected SseLineTooLongError and no events, got ${String(outcome.error)}`);
    }
    return { runs: 1, problems };
  }
  const sizes = vector.name.includes('odd-chunks') ? [1001] : [16, 64, 1024, 65536];
  for (const size of sizes) {
    const outcome = run(fixedChunks(bytes, size), { maxLineLength: 2 * 1_048_576 });
    problems.push(...checkOutcome(vector, `${size}-byte chunks`, outcome, expected));
  }
  return { runs: sizes.length, problems };
}

describe('createSseParser', () => {
  let vectors: Vector[] = [];

  before(async () => {
    const response = await fetch(new URL('./data/sse-vectors.json', import.meta.url));
    vectors = (await response.json()) as Vector[];
  });

  it('passes every vector, split every way', () => {
    expect(vectors.length).to.be.greaterThan(0);
    const problems: string[] = [];
    let checked = 0;
    let runs = 0;
    for (const vector of vectors) {
      if (isTransportOnly(vector)) continue;
      const result = vector.stream_generator ? checkLongVector(vector) : checkShortVector(vector);
      checked++;
      runs += result.runs;
      problems.push(...result.problems);
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, 25).join('\n');
      throw new Error(`${problems.length} problems in ${runs} runs over ${checked} vectors:\n${shown}`);
    }
    expect(checked).to.be.greaterThan(60);
  });

  describe('byte order mark', () => {
    it('drops one BOM at the start only, even when split', () => {
      const bom = [0xef, 0xbb, 0xbf];
      const body = concat(
        new Uint8Array(bom),
        encoder.encode('data:1\n\n'),
        new Uint8Array(bom),
        encoder.encode('data:2\n\ndata:3\n\n'),
      );
      expect(run([body]).events.map((e) => e.data)).to.deep.equal(['1', '3']);
      expect(run(fixedChunks(body, 1)).events.map((e) => e.data)).to.deep.equal(['1', '3']);
    });

    it('keeps a second BOM as part of the first field name', () => {
      const body = hexToBytes('efbbbfefbbbf' + '646174613a310a0a'); // BOM BOM "data:1\n\n"
      expect(run([body]).events).to.deep.equal([]);
    });
  });

  describe('line ends', () => {
    it('treats CR at the end of a chunk and LF at the start of the next as one line end', () => {
      const outcome = feedText('data: A\r\n', 'data: B\r', '\n', 'data: C\r\n', '\n');
      expect(outcome.events).to.deep.equal([{ event: 'message', data: 'A\nB\nC', id: '' }]);
    });

    it('keeps waiting for an LF across empty chunks after a CR', () => {
      const outcome = feedText('data: A\r', '', '\ndata: B\r', '', '\r');
      expect(outcome.events).to.deep.equal([{ event: 'message', data: 'A\nB', id: '' }]);
    });

    it('ends a line at a lone CR followed by text in the next chunk', () => {
      const outcome = feedText('data: A\r', 'data: B\r', '\r');
      expect(outcome.events).to.deep.equal([{ event: 'message', data: 'A\nB', id: '' }]);
    });

    it('dispatches as soon as the blank line ends, not at end()', () => {
      const events: StreamEvent[] = [];
      const parser = createSseParser({ onEvent: (e) => events.push(e) });
      parser.feed(encoder.encode('data: a\n'));
      expect(events).to.have.length(0);
      parser.feed(encoder.encode('\r'));
      expect(events).to.deep.equal([{ event: 'message', data: 'a', id: '' }]);
    });
  });

  describe('fields', () => {
    it('reads a bare `data` line as an empty data line', () => {
      expect(feedText('data\n\n').events).to.deep.equal([{ event: 'message', data: '', id: '' }]);
      expect(feedText('data\ndata\n\n').events).to.deep.equal([{ event: 'message', data: '\n', id: '' }]);
      expect(feedText('data:\ndata: x\n\n').events).to.deep.equal([{ event: 'message', data: '\nx', id: '' }]);
    });

    it('removes exactly one leading space, and only a space', () => {
      const outcome = feedText('event:  a b\ndata:  two\ndata:\tthree\n\n');
      expect(outcome.events).to.deep.equal([{ event: ' a b', data: ' two\n\tthree', id: '' }]);
    });

    it('applies an event type to one event only, even a block without data', () => {
      const outcome = feedText('event: ping\n\nevent: a\ndata: 1\n\ndata: 2\n\n');
      expect(outcome.events.map((e) => e.event)).to.deep.equal(['a', 'message']);
    });

    it('says which events carried an id: field of their own (a NUL id, an id-only block and end() reset it)', () => {
      const owned: Array<[string, boolean]> = [];
      const parser = createSseParser({ onEvent: (event, carriesId) => owned.push([event.data, carriesId]) });
      parser.feed(encoder.encode('id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\nid: 3\n\ndata: e\n\nid: 4\ndata: cut'));
      parser.end();
      parser.feed(encoder.encode('data: f\n\n'));
      expect(owned).to.deep.equal([
        ['a', true],
        ['b', false],
        ['c', false],
        ['d', true],
        ['e', false],
        ['f', false],
      ]);
    });

    it('keeps the last event ID across events and ignores ids containing NUL', () => {
      const outcome = feedText('id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\n');
      expect(outcome.events.map((e) => e.id)).to.deep.equal(['1', '1', '1', '']);
    });

    it('accepts retry values of ASCII digits only', () => {
      const outcome = feedText(
        'retry: 1000x\nretry: -1\nretry: 1e3\nretry:  200\nretry: +5\nretry: 1.5\nretry:\nretry\n',
        'retry: 03000\nretry: 0\n\n',
      );
      expect(outcome.retries).to.deep.equal([3000, 0]);
      expect(outcome.events).to.deep.equal([]);
    });

    it('delivers comments to onComment and never as events', () => {
      const outcome = feedText(': ping\n\n:\n:data: x\n\n:\0\r\n');
      expect(outcome.comments).to.deep.equal([' ping', '', 'data: x', '\0']);
      expect(outcome.events).to.deep.equal([]);
    });

    it('works without onRetry and onComment', () => {
      const events: StreamEvent[] = [];
      const parser = createSseParser({ onEvent: (e) => events.push(e) });
      parser.feed(encoder.encode(': ping\nretry: 10\ndata: x\n\n'));
      expect(events).to.deep.equal([{ event: 'message', data: 'x', id: '' }]);
    });
  });

  describe('end of the body', () => {
    it('does not dispatch an unfinished final block', () => {
      expect(feedText('data: a\n\ndata: b\n').events.map((e) => e.data)).to.deep.equal(['a']);
      expect(feedText('data: a\n\ndata: b').events.map((e) => e.data)).to.deep.equal(['a']);
    });

    it('does not commit an id from an unfinished final block', () => {
      expect(feedText('id: 1\ndata: a\n\nid: 2\ndata: b\n').lastEventId).to.equal('1');
    });

    it('starts the next body afresh but keeps the last committed event ID', () => {
      // The cut block's id 8 never committed, so the reconnect asked for
      // events after 7 and the new body's events carry 7.
      const outcome = runBodies([
        [encoder.encode('id: 7\ndata: a\n\nid: 8\ndata: cut')],
        [hexToBytes('efbbbf'), encoder.encode('data: b\n\n')],
      ]);
      expect(outcome.events).to.deep.equal([
        { event: 'message', data: 'a', id: '7' },
        { event: 'message', data: 'b', id: '7' },
      ]);
    });
  });

  describe('lastEventId', () => {
    it('changes when a block ends, also a block without data', () => {
      const parser = createSseParser({ onEvent: () => {} });
      expect(parser.lastEventId).to.equal('');
      parser.feed(encoder.encode('id: 7\n'));
      expect(parser.lastEventId).to.equal('');
      parser.feed(encoder.encode('\n'));
      expect(parser.lastEventId).to.equal('7');
      parser.feed(encoder.encode('id\n\n'));
      expect(parser.lastEventId).to.equal('');
    });
  });

  describe('limits', () => {
    it('throws SseLineTooLongError for an unterminated line fed in pieces, before buffering it all', () => {
      const limit = 1000;
      const parser = createSseParser({ onEvent: () => {}, maxLineLength: limit });
      const piece = encoder.encode('x'.repeat(64));
      let fed = 0;
      let error: unknown;
      try {
        while (fed < 100 * limit) {
          parser.feed(piece);
          fed += piece.length;
        }
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(SseLineTooLongError);
      expect((error as SseLineTooLongError).limit).to.equal(limit);
      expect(fed).to.be.lessThan(limit + piece.length);
      expect(() => parser.feed(encoder.encode('\n\n'))).to.throw(SseLineTooLongError);
    });

    it('accepts a line exactly as long as the limit', () => {
      const outcome = run([encoder.encode(`data: ${'x'.repeat(10)}\n\n`)], { maxLineLength: 16 });
      expect(outcome.error).to.equal(undefined);
      expect(outcome.events).to.have.length(1);
      const tooLong = run([encoder.encode(`data: ${'x'.repeat(11)}\n\n`)], { maxLineLength: 16 });
      expect(tooLong.error).to.be.instanceOf(SseLineTooLongError);
    });

    it('throws when the data of one event outgrows the limit', () => {
      const outcome = run([encoder.encode('data: 12345\n'.repeat(10))], { maxLineLength: 20 });
      expect(outcome.error).to.be.instanceOf(SseLineTooLongError);
      expect(outcome.events).to.deep.equal([]);
    });

    it('reads a 1 MiB line fed in 64-byte chunks (linear: no rescanning of the buffered line)', () => {
      // The whole line, "data: " included, is exactly the default limit.
      const payload = 'x'.repeat(1_048_576 - 'data: '.length);
      const outcome = run(fixedChunks(encoder.encode(`data: ${payload}\n\n`), 64));
      expect(outcome.error).to.equal(undefined);
      expect(outcome.events).to.have.length(1);
      expect(outcome.events[0]!.data === payload).to.equal(true);
    });

    it('reads 100,000 short lines in one chunk', () => {
      const outcome = run([encoder.encode(`${'data: x\n'.repeat(100_000)}\n`)]);
      expect(outcome.events).to.have.length(1);
      expect(outcome.events[0]!.data.length).to.equal(2 * 100_000 - 1);
    });
  });
});
