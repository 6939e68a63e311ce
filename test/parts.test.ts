import { expect } from '@open-wc/testing';
import type { Extraction } from '../src/stream/formats/index.js';
import { createPartsBuilder, parseToolInput, type ChatPart, type PartDelta } from '../src/stream/parts.js';
import { loadCorpus } from './xss-kit.js';

/** A result that carries only these deltas. */
const result = (...parts: PartDelta[]): Extraction => ({ parts });
const tool = (key: string, more: Omit<Extract<PartDelta, { type: 'tool' }>, 'type' | 'key'> = {}): PartDelta => ({
  type: 'tool',
  key,
  ...more,
});
const source = (url: string, title: string | null = null): PartDelta => ({ type: 'source', url, title });

/** Folds results in order; returns the builder and, per result, what it reported as changed. */
function fold(...results: Extraction[]) {
  const builder = createPartsBuilder();
  const changed = results.map((r) => builder.add(r).map((part) => ({ ...part })));
  return { builder, parts: builder.parts, changed };
}

describe('parts builder: text and reasoning', () => {
  it('merges consecutive deltas of a kind into one part, in order of arrival', () => {
    const { parts } = fold({ reasoning: 'Let me ' }, { reasoning: 'think.' }, { text: 'Hel' }, { text: 'lo' });
    expect(parts).to.deep.equal([
      { type: 'reasoning', text: 'Let me think.' },
      { type: 'text', text: 'Hello' },
    ]);
  });

  it('a result without parts is its reasoning, then its text; empty pieces add nothing', () => {
    const { parts } = fold({ text: 'A', reasoning: 'r' }, { text: '' }, { done: true });
    expect(parts).to.deep.equal([
      { type: 'reasoning', text: 'r' },
      { type: 'text', text: 'A' },
    ]);
  });

  it('a tool call closes the text run: text after it is a new part; a source does not', () => {
    const { parts } = fold(
      { text: 'Checking' },
      result(tool('0', { id: 'c1', name: 'weather', input: { city: 'Paris' } })),
      { text: 'It is ' },
      result(source('https://a.example/', 'A')),
      { text: 'sunny.' },
    );
    expect(parts.map((p) => p.type)).to.deep.equal(['text', 'tool', 'text', 'source']);
    expect(parts[2]).to.deep.equal({ type: 'text', text: 'It is sunny.' });
  });

  it('reports a new text part as added, but not the deltas that extend it', () => {
    const { changed } = fold({ text: 'a' }, { text: 'b' }, result(tool('0', { name: 't' })), { text: 'c' });
    expect(changed.map((c) => c.map((p) => p.type))).to.deep.equal([['text'], [], ['tool'], ['text']]);
  });
});

describe('parts builder: tool calls', () => {
  it('joins fragments per key; the input is the raw string while it streams, parsed JSON once complete', () => {
    const builder = createPartsBuilder();
    builder.add(result(tool('0', { id: 'call_1', name: 'search', args: '{"q":' })));
    const part = builder.parts[0] as Extract<ChatPart, { type: 'tool' }>;
    expect(part).to.deep.include({ id: 'call_1', name: 'search', input: '{"q":', state: 'input-streaming' });
    builder.add(result(tool('0', { args: '"tigers"' }), tool('0', { args: '}' })));
    expect(part.input).to.equal('{"q":"tigers"}');
    const changed = builder.add(result(tool('0', { state: 'input-available' })));
    expect(part).to.deep.include({ input: { q: 'tigers' }, state: 'input-available' });
    expect(changed).to.deep.equal([part]);
  });

  it('keeps calls with different keys apart, in order of their first fragment', () => {
    const { parts } = fold(
      result(tool('0', { id: 'a', name: 'one', args: '{"x":' }), tool('1', { id: 'b', name: 'two', args: '{}' })),
      result(tool('0', { args: '1}' }), tool('0', { state: 'input-available' }), tool('1', { state: 'input-available' })),
    );
    expect(parts.map((p) => p.type === 'tool' && [p.id, p.name, p.input])).to.deep.equal([
      ['a', 'one', { x: 1 }],
      ['b', 'two', {}],
    ]);
  });

  it('an input that never parses stays the raw string', () => {
    const { parts } = fold(
      result(tool('0', { name: 't', args: '{"city": "Par' })),
      result(tool('0', { state: 'input-available' })),
    );
    expect(parts[0]).to.deep.include({ input: '{"city": "Par', state: 'input-available' });
    expect(parseToolInput('not json')).to.equal('not json');
    expect(parseToolInput('null')).to.equal(null);
  });

  it('a whole input (an object) completes the call at once', () => {
    const { parts, changed } = fold(result(tool('k', { name: 'weather', input: { city: 'Detroit' } })));
    expect(parts).to.deep.equal([
      { type: 'tool', id: null, name: 'weather', input: { city: 'Detroit' }, state: 'input-available' },
    ]);
    expect(changed[0]).to.have.length(1);
  });

  it('reports each state change once, and never goes back', () => {
    const { changed, parts } = fold(
      result(tool('c', { id: 'c', name: 't' })),
      result(tool('c', { args: '{}' })),
      result(tool('c', { input: {} })),
      result(tool('c', { output: 'ok' })),
      result(tool('c', { input: { late: true } })),
    );
    expect(changed.map((c) => c.map((p) => p.type === 'tool' && p.state))).to.deep.equal([
      ['input-streaming'],
      [],
      ['input-available'],
      ['output-available'],
      [],
    ]);
    expect(parts[0]).to.deep.include({ state: 'output-available', output: 'ok' });
  });

  it('a failed call is output-error with its message', () => {
    const { parts } = fold(result(tool('c', { id: 'c', name: 't', input: {} })), result(tool('c', { errorText: 'boom' })));
    expect(parts[0]).to.deep.include({ state: 'output-error', errorText: 'boom' });
  });

  it('an output joins its call by id when its key differs (a result block, a tool message)', () => {
    const { parts } = fold(
      result(tool('1', { id: 'srvtoolu_1', name: 'web_search', args: '{"query":"x"}' })),
      result(tool('1', { state: 'input-available' })),
      result(tool('2', { id: 'srvtoolu_1', output: [{ url: 'https://a.example/' }] })),
    );
    expect(parts).to.have.length(1);
    expect(parts[0]).to.deep.include({ name: 'web_search', input: { query: 'x' }, state: 'output-available' });
  });

  it('a fragment that names another id under a used key starts a new call (a key reused by a later message)', () => {
    const { parts } = fold(
      result(tool('0', { id: 'first', name: 'a', input: {} })),
      result(tool('0', { id: 'second', name: 'b', args: '{"n":2}' })),
      result(tool('0', { state: 'input-available' })),
    );
    expect(parts.map((p) => p.type === 'tool' && [p.id, p.input, p.state])).to.deep.equal([
      ['first', {}, 'input-available'],
      ['second', { n: 2 }, 'input-available'],
    ]);
  });

  it('end() completes the inputs still streaming, once, and reports them', () => {
    const builder = createPartsBuilder();
    builder.add(result(tool('0', { name: 'a', args: '[1,' }), tool('1', { name: 'b', input: 'whole' })));
    builder.add(result(tool('0', { args: '2]' })));
    const ended = builder.end();
    expect(ended.map((p) => p.type === 'tool' && [p.name, p.input])).to.deep.equal([['a', [1, 2]]]);
    expect(builder.end()).to.deep.equal([]);
  });
});

describe('parts builder: sources and files', () => {
  it('keeps sources once per URL, in order of first appearance, with a null title when none', () => {
    const { parts } = fold(
      result(source('https://b.example/', 'B'), source('https://a.example/')),
      result(source('https://b.example/', 'B again')),
    );
    expect(parts).to.deep.equal([
      { type: 'source', url: 'https://b.example/', title: 'B' },
      { type: 'source', url: 'https://a.example/', title: null },
    ]);
  });

  it('drops a source whose URL is not http(s): javascript:, data:, relative, disguised schemes', () => {
    const unsafe = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      '\u0001javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      '/relative',
      '//evil.example/',
      '',
    ];
    const { parts } = fold(result(...unsafe.map((url) => source(url, 'x')), source('HTTP://ok.example/', 'ok')));
    expect(parts).to.deep.equal([{ type: 'source', url: 'HTTP://ok.example/', title: 'ok' }]);
  });

  it('keeps files with data:, http: or https: URLs only', () => {
    const file = (url: string): PartDelta => ({ type: 'file', mediaType: 'image/png', url });
    const { parts } = fold(
      result(file('data:image/png;base64,AAAA'), file('javascript:alert(1)'), file('https://a.example/x.png')),
    );
    expect(parts.map((p) => p.type === 'file' && p.url)).to.deep.equal([
      'data:image/png;base64,AAAA',
      'https://a.example/x.png',
    ]);
  });
});

describe('parts builder: hostile content is data', () => {
  it('keeps every XSS corpus payload verbatim in tool names, inputs, outputs and source titles, and drops it as a URL', async () => {
    const corpus = await loadCorpus();
    for (const { payload } of corpus) {
      const { parts } = fold(
        result(tool('0', { id: payload, name: payload, args: payload })),
        result(tool('0', { output: payload })),
        result(source('https://x.example/', payload), source(payload, payload)),
        result({ type: 'file', mediaType: payload, url: payload }),
      );
      expect(parts[0], payload).to.deep.equal({
        type: 'tool',
        id: payload,
        name: payload,
        input: payload,
        output: payload,
        state: 'output-available',
      });
      // The source with the payload as its URL, and the file, are dropped: no payload starts with http(s): or data:.
      expect(parts.slice(1), payload).to.deep.equal([{ type: 'source', url: 'https://x.example/', title: payload }]);
    }
  });
});
