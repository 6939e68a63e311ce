import { expect } from '@open-wc/testing';
import { accepts, checkFiles, dataBytes, formatSize } from '../src/attachments.js';
import { recentHistory } from '../src/request.js';
import type { ChatMessage } from '../src/types.js';

const file = (name: string, type: string, size = 10) => ({ name, type, size });

describe('attachments: the checks', () => {
  it('matches accept as <input type=file> does: media types, family wildcards, extensions, any case', () => {
    expect(accepts('image/png', file('a.png', 'image/png'))).to.equal(true);
    expect(accepts('image/png', file('a.jpg', 'image/jpeg'))).to.equal(false);
    expect(accepts('image/*', file('a.webp', 'image/webp'))).to.equal(true);
    expect(accepts('image/*', file('image.pdf', 'application/pdf'))).to.equal(false);
    expect(accepts('.PDF, .md', file('notes.md', ''))).to.equal(true);
    expect(accepts('.pdf,.md', file('Report.Pdf', 'application/pdf'))).to.equal(true);
    expect(accepts('.pdf', file('pdf', 'application/pdf'))).to.equal(false);
    expect(accepts(' IMAGE/PNG ,text/plain', file('a.txt', 'text/plain'))).to.equal(true);
    expect(accepts('', file('a.png', 'image/png'))).to.equal(false);
    expect(accepts(' , ', file('a.png', 'image/png'))).to.equal(false);
  });

  it('refuses by type, then size, then count, in order, counting files already held', () => {
    const files = [
      file('a.png', 'image/png', 5),
      file('b.exe', 'application/x-msdownload', 5),
      file('c.png', 'image/png', 11),
      file('d.png', 'image/png', 10),
      file('e.png', 'image/png', 1),
    ];
    const { accepted, rejected } = checkFiles(files, { accept: 'image/*', maxFileSize: 10, maxFiles: 3, held: 1 });
    expect(accepted.map((f) => f.name)).to.deep.equal(['a.png', 'd.png']);
    expect(rejected.map(({ file: f, reason }) => `${f.name}:${reason}`)).to.deep.equal(['b.exe:type', 'c.png:size', 'e.png:count']);
  });

  it('writes sizes the way a reader reads them', () => {
    expect(formatSize(68)).to.equal('68 B');
    expect(formatSize(12_345)).to.equal('12 KB');
    expect(formatSize(5_000_000)).to.equal('5 MB');
    expect(formatSize(1_250_000)).to.equal('1.3 MB');
    // French units and decimal mark.
    expect(formatSize(1_250_000, ['o', 'ko', 'Mo'], ',')).to.equal('1,3 Mo');
    expect(formatSize(68, ['o', 'ko', 'Mo'], ',')).to.equal('68 o');
  });

  it('counts a data: URL by its decoded bytes, a link as nothing', () => {
    expect(dataBytes(`data:text/plain;base64,${btoa('hello')}`)).to.equal(5);
    expect(dataBytes(`data:text/plain;base64,${btoa('hell')}`)).to.equal(4);
    expect(dataBytes(`data:text/plain;base64,${btoa('hel')}`)).to.equal(3);
    expect(dataBytes('https://files.example/a.png')).to.equal(0);
  });
});

describe('attachments: the history budget', () => {
  const ask = (id: string, text: string, url?: string): ChatMessage => ({
    id,
    role: 'user',
    content: text,
    status: 'done',
    ...(url ? { parts: [{ type: 'text', text }, { type: 'file', mediaType: 'image/png', filename: 'shot.png', url }] } : {}),
  });
  const answer = (id: string): ChatMessage => ({ id, role: 'assistant', content: 'Seen.', status: 'done' });
  const screenshot = (bytes: number) => `data:image/png;base64,${'A'.repeat(Math.ceil(bytes / 3) * 4)}`;

  it('keeps a screenshot (1.5 MB) in the next question: files count apart from the text', () => {
    const conversation = [ask('u1', 'What is this?', screenshot(1_500_000)), answer('a1'), ask('u2', 'And the colour?')];
    expect(recentHistory(conversation, 100).messages.map((m) => m.id)).to.deep.equal(['u1', 'a1', 'u2']);
  });

  it('leaves out older messages once the files of the request would pass 20,000,000 bytes', () => {
    const conversation = [
      ask('u1', 'one', screenshot(8_000_000)),
      answer('a1'),
      ask('u2', 'two', screenshot(8_000_000)),
      answer('a2'),
      ask('u3', 'three', screenshot(8_000_000)),
    ];
    expect(recentHistory(conversation, 100).messages.map((m) => m.id)).to.deep.equal(['a1', 'u2', 'a2', 'u3']);
  });

  it('still leaves out text over the text budget', () => {
    const conversation = [ask('u1', 'x'.repeat(600_000)), answer('a1'), ask('u2', 'y'.repeat(400_000), screenshot(1_000_000))];
    expect(recentHistory(conversation, 100).messages.map((m) => m.id)).to.deep.equal(['a1', 'u2']);
  });
});
