// #18, attachments on the server: `file` parts of user messages, checked by
// `createChatHandler` against `files` and sent to the provider as images and
// documents. Run with `node --test test/server/handler-files.test.mjs`.
//
// The real handler (src/server, bundled by esbuild) runs behind node:http
// with the official `openai` and `@anthropic-ai/sdk` packages, which reach a
// fake provider on loopback through their `baseURL`; the fake records the
// body each SDK sent. The limits an integrator sets (`files`) are checked on
// `readChatInput` itself, the function the handler validates with, since
// that is where they act.

import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { snippetsOf } from '../../scripts/doc-snippets.mjs';
import { buildServer, SERVER_DIR } from '../runtimes/build-server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'node_modules/.cache/ai-chat-files-validate');
const FIXTURES = join(ROOT, 'test/fixtures');
const KEY = 'sk-test-files-0000';

/** A whole 1×1 PNG (68 bytes). */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const PNG_URL = `data:image/png;base64,${PNG_BASE64}`;
/** A one-page PDF with nothing on the page. */
const PDF_TEXT = [
  '%PDF-1.4',
  '1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj',
  '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj',
  '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 72 72]>> endobj',
  'trailer <</Root 1 0 R>>',
  '%%EOF',
  '',
].join('\n');
const PDF_BASE64 = Buffer.from(PDF_TEXT, 'latin1').toString('base64');
const PDF_URL = `data:application/pdf;base64,${PDF_BASE64}`;
/** The first bytes of a JPEG (SOI and a JFIF APP0 marker): what the handler reads of one. */
const JPEG_BASE64 = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).toString('base64');
const NOTES = 'Ship on Friday.\nÜbermorgen: review.';
const NOTES_URL = `data:text/plain;base64,${Buffer.from(NOTES).toString('base64')}`;

const png = (filename = 'shot.png') => ({ type: 'file', mediaType: 'image/png', filename, url: PNG_URL });
const pdf = (filename = 'tiny.pdf') => ({ type: 'file', mediaType: 'application/pdf', filename, url: PDF_URL });
/** A user message as the widget sends it: the text part, then the files. */
const ask = (text, ...files) => ({ id: `u-${text.length}`, role: 'user', content: text, parts: [{ type: 'text', text }, ...files] });

let server;
let validate;
let anthropicMapping;
/** The fake provider: its port, the queue of responses, and every request it got. */
const fake = { port: 0, queue: [], requests: [] };

async function load() {
  await buildServer();
  // The modules the handler validates and maps with, for the limits an integrator sets.
  await build({
    entryPoints: { validate: join(ROOT, 'src/server/validate.ts'), anthropic: join(ROOT, 'src/server/providers/anthropic.ts') },
    ...{ outdir: OUT, bundle: true, splitting: true, format: 'esm', platform: 'neutral', packages: 'external', logLevel: 'warning' },
  });
  const get = (file) => import(pathToFileURL(file).href);
  const [index, node] = await Promise.all([get(join(SERVER_DIR, 'index.js')), get(join(SERVER_DIR, 'node.js'))]);
  server = { ...index, ...node };
  validate = await get(join(OUT, 'validate.js'));
  anthropicMapping = await get(join(OUT, 'anthropic.js'));
}

/** The fake provider: answers each request with the next queued fixture, and records the body the SDK sent. */
function startFake() {
  return new Promise((resolve) => {
    const http = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      fake.requests.push({ path: req.url, body: JSON.parse(body || 'null') });
      const next = fake.queue.shift();
      if (!next) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'nothing queued', type: 'server_error' } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(await readFile(join(FIXTURES, next), 'utf8'));
    });
    http.listen(0, '127.0.0.1', () => {
      fake.port = http.address().port;
      resolve(http);
    });
  });
}

const servers = [];
let fakeServer;

/** A handler on its own loopback port. */
async function serve(options) {
  const vendor = options.provider === 'anthropic' ? 'anthropic' : 'openai/v1';
  const handler = server.createChatHandler({
    apiKey: KEY,
    baseURL: `http://127.0.0.1:${fake.port}/${vendor}`,
    model: options.provider === 'anthropic' ? 'claude-sonnet-4-0' : 'gpt-4.1-nano',
    logger: false,
    ...options,
  });
  const http = createServer(server.toNodeListener(handler));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  servers.push(http);
  return `http://127.0.0.1:${http.address().port}/`;
}

const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Posts `messages` to a fresh handler of `provider`; returns the response's status and body, and what the provider got. */
async function send(provider, messages, options = {}) {
  fake.queue = [provider === 'anthropic' ? 'anthropic.sse' : 'openai-chat.sse'];
  fake.requests = [];
  const url = await serve({ provider, ...options });
  const response = await post(url, { messages, stream: true });
  const text = await response.text();
  return { status: response.status, text, upstream: fake.requests.map((request) => request.body) };
}

/** Expects the handler to refuse `messages` with `status`, `type` and `message`, without calling the provider. */
async function refused(messages, status, type, message, options = {}) {
  for (const provider of ['openai', 'anthropic']) {
    const { status: got, text, upstream } = await send(provider, messages, options);
    assert.equal(got, status, `${provider}: ${text}`);
    const body = JSON.parse(text);
    assert.equal(body.error.type, type, provider);
    if (message instanceof RegExp) assert.match(body.error.message, message, provider);
    else assert.equal(body.error.message, message, provider);
    assert.equal(upstream.length, 0, `${provider}: the provider was not called`);
  }
}

before(async () => {
  await load();
  fakeServer = await startFake();
});
after(() => {
  for (const http of [...servers, fakeServer]) http.closeAllConnections?.(), http.close();
});

describe('files to OpenAI (Chat Completions, through the openai SDK)', () => {
  it('an image becomes an image_url part and a PDF a file part with file_data and filename, before the question', async () => {
    const { status, text, upstream } = await send('openai', [ask('What are these?', png(), pdf())]);
    assert.equal(status, 200, text);
    assert.match(text, /data: \[DONE\]/);
    assert.deepEqual(upstream[0].messages, [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: PNG_URL } },
          { type: 'file', file: { file_data: PDF_URL, filename: 'tiny.pdf' } },
          { type: 'text', text: 'What are these?' },
        ],
      },
    ]);
  });

  it('an https image goes as its URL, text as a text part holding it, and a file without a question alone', async () => {
    const link = { type: 'file', mediaType: 'image/webp', filename: 'cat.webp', url: 'https://files.example.com/u/cat.webp?sig=a%20b' };
    const notes = { type: 'file', mediaType: 'text/plain', filename: 'notes.txt', url: NOTES_URL };
    const { status, upstream } = await send('openai', [ask('Compare.', link, notes), ask('', png())]);
    assert.equal(status, 200);
    assert.deepEqual(upstream[0].messages, [
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: link.url } },
          { type: 'text', text: `Attached file “notes.txt” (text/plain):\n\n${NOTES}` },
          { type: 'text', text: 'Compare.' },
        ],
      },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: PNG_URL } }] },
    ]);
  });

  it('a PDF without a name gets one, since OpenAI wants a filename with file_data', async () => {
    const { upstream } = await send('openai', [ask('Read it.', { type: 'file', mediaType: 'application/pdf', url: PDF_URL })]);
    assert.deepEqual(upstream[0].messages[0].content[0], { type: 'file', file: { file_data: PDF_URL, filename: 'document.pdf' } });
  });

  it('a link to a PDF is refused with 415: Chat Completions fetches only images', async () => {
    const linked = { type: 'file', mediaType: 'application/pdf', filename: 'report.pdf', url: 'https://files.example.com/report.pdf' };
    const { status, text, upstream } = await send('openai', [ask('Summarise.', linked)]);
    assert.equal(status, 415);
    assert.deepEqual(JSON.parse(text).error, {
      type: 'file_url_not_supported',
      message: 'The file “report.pdf” cannot be sent as a link: OpenAI’s Chat Completions fetches only images from links. Attach the file itself.',
    });
    assert.equal(upstream.length, 0);
  });
});

describe('files to Anthropic (Messages API, through @anthropic-ai/sdk)', () => {
  it('an image becomes an image block and a PDF a document block (titled with its name), each base64, before the question', async () => {
    const { status, text, upstream } = await send('anthropic', [ask('What are these?', png(), pdf())]);
    assert.equal(status, 200, text);
    assert.match(text, /message_stop/);
    assert.deepEqual(upstream[0].messages, [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF_BASE64 }, title: 'tiny.pdf' },
          { type: 'text', text: 'What are these?' },
        ],
      },
    ]);
  });

  it('links go as url sources, text as a plain-text document, and no empty text block', async () => {
    const image = { type: 'file', mediaType: 'image/jpeg', url: 'https://files.example.com/a.jpg' };
    const report = { type: 'file', mediaType: 'application/pdf', filename: 'r.pdf', url: 'https://files.example.com/r.pdf' };
    const notes = { type: 'file', mediaType: 'text/plain', filename: 'notes.txt', url: NOTES_URL };
    const { status, upstream } = await send('anthropic', [ask('', image, report, notes)]);
    assert.equal(status, 200);
    assert.deepEqual(upstream[0].messages, [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'url', url: image.url } },
          { type: 'document', source: { type: 'url', url: report.url }, title: 'r.pdf' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: NOTES }, title: 'notes.txt' },
        ],
      },
    ]);
  });

  it('a question with files after tool results joins their turn, after them', async () => {
    const call = { type: 'dynamic-tool', toolCallId: 'toolu_1', toolName: 'lookup', state: 'output-available', input: {}, output: 'ok' };
    const messages = [ask('Look it up.'), { role: 'assistant', content: '', parts: [call] }, ask('And this?', png())];
    const { status, upstream } = await send('anthropic', messages);
    assert.equal(status, 200);
    assert.deepEqual(upstream[0].messages.at(-1), {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
        { type: 'text', text: 'And this?' },
      ],
    });
  });

  it('a type the Messages API cannot read, or a link to text, is refused with 415 when the limits let it through', () => {
    const refusal = (file) => {
      try {
        anthropicMapping.toAnthropicRequest([{ role: 'user', content: 'See.', parts: [file] }]);
      } catch (error) {
        return { status: error.status, type: error.type, message: error.message };
      }
      return undefined;
    };
    assert.deepEqual(refusal({ type: 'file', mediaType: 'image/svg+xml', filename: 'logo.svg', url: 'data:image/svg+xml;base64,PHN2Zy8+' }), {
      status: 415,
      type: 'file_not_supported',
      message: 'The file “logo.svg” (image/svg+xml) is not a kind of file Anthropic reads: images (PNG, JPEG, GIF, WebP), PDF and plain text.',
    });
    assert.deepEqual(refusal({ type: 'file', mediaType: 'text/plain', url: 'https://files.example.com/a.txt' }), {
      status: 415,
      type: 'file_not_supported',
      message: 'A text/plain file cannot be sent as a link: Anthropic fetches only images and PDFs from links. Attach the file itself.',
    });
  });
});

describe('messages without files map exactly as before', () => {
  const conversation = [
    { id: 's', role: 'system', content: 'Be brief.', parts: [{ type: 'text', text: 'Be brief.' }] },
    ask('Name a holiday.'),
    { id: 'a', role: 'assistant', content: 'Midsummer.', parts: [{ type: 'text', text: 'Midsummer.' }] },
    // The widget's request carries a model's own files too; they are not sent back to it.
    { id: 'a2', role: 'assistant', content: 'A picture:', parts: [{ type: 'text', text: 'A picture:' }, { type: 'file', mediaType: 'image/svg+xml', url: 'data:image/svg+xml;base64,PHN2Zy8+' }] },
    { role: 'user', content: 'Another.' },
  ];

  it('OpenAI: {role, content} strings', async () => {
    const { status, upstream } = await send('openai', conversation);
    assert.equal(status, 200);
    assert.deepEqual(upstream[0].messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Name a holiday.' },
      { role: 'assistant', content: 'Midsummer.' },
      { role: 'assistant', content: 'A picture:' },
      { role: 'user', content: 'Another.' },
    ]);
  });

  it('Anthropic: {role, content} strings, the system prompt apart', async () => {
    const { status, upstream } = await send('anthropic', conversation);
    assert.equal(status, 200);
    assert.equal(upstream[0].system, 'Be brief.');
    assert.deepEqual(upstream[0].messages, [
      { role: 'user', content: 'Name a holiday.' },
      { role: 'assistant', content: 'Midsummer.' },
      { role: 'assistant', content: 'A picture:' },
      { role: 'user', content: 'Another.' },
    ]);
  });
});

describe('files the handler refuses (default limits), before any provider call', () => {
  it('415 for a type outside the accepted ones', async () => {
    const svg = { type: 'file', mediaType: 'image/svg+xml', filename: 'logo.svg', url: 'data:image/svg+xml;base64,PHN2Zy8+' };
    await refused(
      [ask('Look.', svg)],
      415,
      'file_type_not_accepted',
      'The file “logo.svg” is image/svg+xml; this chat accepts image/png, image/jpeg, image/webp, image/gif, application/pdf, text/plain.',
    );
  });

  it('415 for bytes that are not the type they claim; a renamed JPEG goes on as a JPEG', async () => {
    const fakePng = { type: 'file', mediaType: 'image/png', filename: 'shot.png', url: `data:image/png;base64,${Buffer.from('<html>hi</html>').toString('base64')}` };
    await refused([ask('Look.', fakePng)], 415, 'file_type_mismatch', 'The file “shot.png” is not a valid image/png file.');
    const latin1 = { type: 'file', mediaType: 'text/plain', filename: 'old.txt', url: `data:text/plain;base64,${Buffer.from([0x66, 0xfc, 0x72]).toString('base64')}` };
    await refused([ask('Read.', latin1)], 415, 'file_type_mismatch', 'The file “old.txt” is not UTF-8 text.');

    const renamed = { type: 'file', mediaType: 'image/png', filename: 'photo.png', url: `data:image/png;base64,${JPEG_BASE64}` };
    const { status, upstream } = await send('openai', [ask('Look.', renamed)]);
    assert.equal(status, 200);
    assert.deepEqual(upstream[0].messages[0].content[0], { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${JPEG_BASE64}` } });
  });

  it('413 for a file over 5,000,000 bytes', async () => {
    // Just over the limit, starting like a PNG; the body limit is raised so that the file's own limit answers.
    const big = Buffer.alloc(5_000_001);
    Buffer.from(PNG_BASE64, 'base64').copy(big);
    const file = { type: 'file', mediaType: 'image/png', filename: 'big.png', url: `data:image/png;base64,${big.toString('base64')}` };
    await refused([ask('Look.', file)], 413, 'file_too_large', 'The file “big.png” is 5,000,001 bytes; files of at most 5,000,000 bytes are accepted.', {
      maxBodyBytes: 8_000_000,
    });
  });

  it('413 for more than 4 files in one message', async () => {
    await refused([ask('Look.', png('1.png'), png('2.png'), png('3.png'), png('4.png'), png('5.png'))], 413, 'too_many_files', 'A message may carry at most 4 files; `messages[0].parts` has 5.');
  });

  it('400 for a url that is not base64 data or an https link', async () => {
    const at = '`messages[0].parts[1].url`';
    const scheme = `${at} must be a data: URL with base64 data, or an https: URL of at most 8192 characters.`;
    for (const url of ['http://files.example.com/a.png', 'javascript:alert(1)', 'blob:https://chat.example.com/1b2c', 'file:///etc/passwd', 'shot.png']) {
      await refused([ask('Look.', { type: 'file', mediaType: 'image/png', url })], 400, 'invalid_request', scheme);
    }
    await refused([ask('Look.', { type: 'file', mediaType: 'image/png', url: 'data:image/png,%89PNG' })], 400, 'invalid_request', `${at} must hold base64 data (data:<type>;base64,<data>).`);
    for (const data of ['iVBO!w0K', 'iVBORw0', 'iV=BORw0', '====']) {
      await refused([ask('Look.', { type: 'file', mediaType: 'image/png', url: `data:image/png;base64,${data}` })], 400, 'invalid_request', `${at} does not hold valid base64 data.`);
    }
    await refused([ask('Look.', { type: 'file', mediaType: 'image/png', filename: 'none.png', url: 'data:image/png;base64,' })], 400, 'invalid_request', 'The file “none.png” is empty.');
    await refused([ask('Look.', { type: 'file', mediaType: 'image', url: PNG_URL })], 400, 'invalid_request', '`messages[0].parts[1].mediaType` must be a media type such as image/png.');
    await refused([ask('Look.', png('x'.repeat(1001)))], 400, 'invalid_request', '`messages[0].parts[1].filename` is longer than 1000 characters.');
  });

  it('a file name in a message is text without control characters, and short', async () => {
    const name = `evil\u0000\u001b[31m\u2028${'x'.repeat(200)}.svg`;
    const { text } = await send('openai', [ask('Look.', { type: 'file', mediaType: 'image/svg+xml', filename: name, url: 'data:image/svg+xml;base64,PHN2Zy8+' })]);
    const { message } = JSON.parse(text).error;
    assert.match(message, /^The file “evil\[31mx{72}…” is image\/svg\+xml;/);
  });
});

describe('the limits an integrator sets (`files`, read by readChatInput)', () => {
  const request = (messages) =>
    new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
  /** What readChatInput makes of `messages` under `files`: the messages, or the refusal. */
  async function read(files, messages) {
    const limits = { maxMessages: 200, maxBodyBytes: 1_000_000, bodyTimeoutMs: 5_000, files: validate.fileLimits(files) };
    try {
      return { messages: (await validate.readChatInput(request(messages), limits, 'm', ['m'])).messages };
    } catch (error) {
      return { status: error.status, type: error.type, message: error.message };
    }
  }

  it('defaults: the six types, 5,000,000 bytes a file, 4 a message, 20,000,000 a request, and a body limit with room for them', () => {
    assert.deepEqual(validate.fileLimits(undefined), {
      accept: ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/pdf', 'text/plain'],
      maxBytes: 5_000_000,
      maxFiles: 4,
      maxTotalBytes: 20_000_000,
    });
    assert.equal(validate.defaultBodyBytes(validate.fileLimits(undefined)), 1_000_000 + 26_666_668);
    assert.equal(validate.defaultBodyBytes(validate.fileLimits(false)), 1_000_000);
    assert.equal(validate.defaultBodyBytes(validate.fileLimits({ maxTotalBytes: 3 })), 1_000_004);
  });

  it('a validated message keeps its text and file parts; a message without files stays {role, content}', async () => {
    const { messages } = await read(undefined, [ask('What are these?', png(), pdf()), { role: 'user', content: 'Hi', parts: [{ type: 'text', text: 'Hi' }] }]);
    assert.deepEqual(messages, [
      { role: 'user', content: 'What are these?', parts: [{ type: 'text', text: 'What are these?' }, png(), pdf()] },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('`files: false` refuses every file with 415', async () => {
    assert.deepEqual(await read(false, [ask('Look.', png())]), { status: 415, type: 'files_not_accepted', message: 'This chat does not accept files.' });
    assert.deepEqual((await read(false, [ask('Just text.')])).messages, [{ role: 'user', content: 'Just text.' }]);
  });

  it('`accept` takes exact types and families, case-insensitively', async () => {
    const files = { accept: ['IMAGE/*', 'application/json'] };
    const webp = { type: 'file', mediaType: 'image/webp', url: `data:image/webp;base64,${Buffer.from('RIFF\0\0\0\0WEBPVP8 ').toString('base64')}` };
    const json = { type: 'file', mediaType: 'application/json; charset=utf-8', filename: 'a.json', url: `data:application/json;base64,${Buffer.from('{}').toString('base64')}` };
    const read1 = await read(files, [ask('Look.', webp, json)]);
    assert.deepEqual(read1.messages[0].parts.slice(1), [webp, { type: 'file', mediaType: 'application/json', filename: 'a.json', url: json.url }]);
    assert.deepEqual(await read(files, [ask('Read.', pdf('a.pdf'))]), {
      status: 415,
      type: 'file_type_not_accepted',
      message: 'The file “a.pdf” is application/pdf; this chat accepts image/*, application/json.',
    });
  });

  it('`maxBytes`, `maxFiles` and `maxTotalBytes` (files of earlier messages count)', async () => {
    assert.deepEqual(await read({ maxBytes: 67 }, [ask('Look.', png())]), {
      status: 413,
      type: 'file_too_large',
      message: 'The file “shot.png” is 68 bytes; files of at most 67 bytes are accepted.',
    });
    assert.equal((await read({ maxBytes: 68 }, [ask('Look.', png())])).messages.length, 1);
    assert.deepEqual(await read({ maxFiles: 1 }, [ask('Look.', png(), png())]), {
      status: 413,
      type: 'too_many_files',
      message: 'A message may carry at most 1 files; `messages[0].parts` has 2.',
    });
    const twoTurns = [ask('One.', png()), { role: 'assistant', content: 'A dot.' }, ask('Two.', png())];
    assert.equal((await read({ maxTotalBytes: 136 }, twoTurns)).messages.length, 3);
    assert.deepEqual(await read({ maxTotalBytes: 135 }, twoTurns), {
      status: 413,
      type: 'files_too_large',
      message: 'The files of this conversation add up to more than 135 bytes, the most one request may carry.',
    });
    // Links weigh nothing here (the provider fetches them) but count as files.
    const link = { type: 'file', mediaType: 'image/png', url: 'https://files.example.com/a.png' };
    assert.equal((await read({ maxTotalBytes: 1, maxFiles: 2 }, [ask('Look.', link, link)])).messages.length, 1);
  });

  it('a wrong `files` option fails at start-up, naming it', () => {
    for (const [files, message] of [
      [{ accept: ['.png'] }, /`files.accept` takes media types such as image\/png or image\/\*, not "\.png"/],
      [{ accept: 'image/png' }, /`files.accept` must be an array/],
      [{ maxBytes: 0 }, /`files.maxBytes` must be a positive whole number/],
      [{ maxFiles: 1.5 }, /`files.maxFiles` must be a positive whole number/],
      [{ maxTotalBytes: -1 }, /`files.maxTotalBytes` must be a positive whole number/],
      [true, /`files` must be an object or false/],
    ]) {
      assert.throws(() => validate.fileLimits(files), { name: 'TypeError', message });
    }
  });
});

describe('a body of attachments on a slow link (readChatInput’s deadline)', () => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Reads a body of `pieces` pieces of `size` bytes, one every 50 ms, within a 200 ms `bodyTimeoutMs`. */
  async function upload(pieces, size) {
    const text = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(pieces * size) }] });
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    const body = new ReadableStream({
      async pull(controller) {
        await sleep(50);
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(offset, (offset += size)));
      },
    });
    const request = new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' });
    const started = Date.now();
    try {
      await validate.readChatInput(request, { maxMessages: 200, maxBodyBytes: 1_000_000, bodyTimeoutMs: 200 }, 'm', ['m']);
      return { status: 200, elapsedMs: Date.now() - started };
    } catch (error) {
      return { status: error.status, elapsedMs: Date.now() - started };
    }
  }

  it('a body that keeps coming at 240 KB/s is read, though it takes longer than bodyTimeoutMs', async () => {
    const { status, elapsedMs } = await upload(10, 12_000);
    assert.equal(status, 200);
    assert.ok(elapsedMs > 400, `took ${elapsedMs} ms`);
  });

  it('one that trickles at 20 KB/s gets 408, once its bytes have earned no more time', async () => {
    // 200 ms, plus 20 ms for each 1,000-byte piece read: the deadline passes after 250 ms, before 400.
    const { status, elapsedMs } = await upload(40, 1_000);
    assert.equal(status, 408);
    assert.ok(elapsedMs >= 250 && elapsedMs < 1500, `took ${elapsedMs} ms`);
  });
});

describe('docs/backend.md: its attachment examples are what the handler sends', () => {
  const blocks = snippetsOf('docs/backend.md').filter((snippet) => snippet.checkedBy === 'test/server/handler-files.test.mjs');
  const [request, openAiMessages, anthropicMessages] = blocks;

  it('has the three checked examples', () => {
    assert.equal(blocks.length, 3);
  });

  it('the request becomes the Chat Completions and Messages API messages it shows', async () => {
    for (const [provider, expected] of [
      ['openai', openAiMessages],
      ['anthropic', anthropicMessages],
    ]) {
      const { status, upstream } = await send(provider, JSON.parse(request.code).messages);
      assert.equal(status, 200, provider);
      assert.deepEqual(upstream[0].messages, JSON.parse(expected.code), provider);
    }
  });
});


describe('`files` and the body limit, set on createChatHandler', () => {
  it('`files.accept` and `files: false` are the handler’s', async () => {
    const imagesOnly = { files: { accept: ['image/*'] } };
    await refused([ask('Read.', pdf('a.pdf'))], 415, 'file_type_not_accepted', 'The file “a.pdf” is application/pdf; this chat accepts image/*.', imagesOnly);
    await refused([ask('Look.', png())], 415, 'files_not_accepted', 'This chat does not accept files.', { files: false });
    assert.equal((await send('openai', [ask('Just text.')], { files: false })).status, 200);
  });

  it('the default body limit admits the default largest file; with `files: false` it is 1,000,000 bytes', async () => {
    const big = Buffer.alloc(5_000_000);
    Buffer.from(PNG_BASE64, 'base64').copy(big);
    const url = `data:image/png;base64,${big.toString('base64')}`;
    const { status, upstream } = await send('anthropic', [ask('Look.', { type: 'file', mediaType: 'image/png', url })]);
    assert.equal(status, 200);
    assert.equal(upstream[0].messages[0].content[0].source.data.length, url.length - 'data:image/png;base64,'.length);
    const { status: refusedStatus, text } = await send('openai', [{ role: 'user', content: 'x'.repeat(1_000_000) }], { files: false });
    assert.equal(refusedStatus, 413);
    assert.equal(JSON.parse(text).error.type, 'request_too_large');
  });

  it('a wrong `files` option fails createChatHandler', () => {
    assert.throws(() => server.createChatHandler({ provider: 'mock', files: { maxFiles: 0 } }), { name: 'TypeError', message: /`files.maxFiles`/ });
  });
});
