import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import type { ChatMessage } from '../src/types.js';
import type { RequestMessage } from '../src/types.js';
import { bubbleTexts, input, part, scenario, shadow, sleep, type, until, wordStream } from './helpers.js';
import { fillStorageBut } from './fill-storage.js';
import { loadCorpus } from './xss-kit.js';
import { setup } from './handler-helpers.js';

/** A whole 1×1 PNG (68 bytes). */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const PNG_BYTES = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
const png = (name = 'shot.png') => new File([PNG_BYTES], name, { type: 'image/png' });
const text = (name = 'notes.txt', body = 'Ship on Friday.') => new File([body], name, { type: 'text/plain' });
const sized = (name: string, bytes: number, mediaType = 'image/png') => new File([new Uint8Array(bytes)], name, { type: mediaType });

const filesOf = (files: File[]) => {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
};

/** Picks files the way the browser's file dialog hands them over: `files` set on the real input, then `change`. */
async function pick(el: AiChat, ...files: File[]): Promise<void> {
  const picker = shadow(el).querySelector<HTMLInputElement>('input[type=file]')!;
  picker.files = filesOf(files).files;
  picker.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

const chips = (el: AiChat) => [...shadow(el).querySelectorAll<HTMLElement>('[part~="attachments"] [part~="attachment"]')];
const chipTexts = (el: AiChat) => chips(el).map((chip) => `${chip.querySelector('.name')!.textContent} ${chip.querySelector('.note')!.textContent}`);
const notes = (el: AiChat) => [...shadow(el).querySelectorAll('[part~="file-error"]')].map((note) => note.textContent!.trim());
const sendButton = (el: AiChat) => part<HTMLButtonElement>(el, 'send-button')!;
const lastUserParts = async (flow: { requests(): Promise<Array<{ body: string }>> }, index = 0) => {
  const requests = await until(async () => ((await flow.requests()).length > index ? flow.requests() : undefined), 'the request');
  const messages = (JSON.parse(requests[index]!.body) as { messages: RequestMessage[] }).messages;
  return messages.filter((message) => message.role === 'user').at(-1)!.parts;
};
/** Whether an object URL still gives its bytes (a revoked one fails to fetch). */
const alive = (url: string) => fetch(url).then(() => true, () => false);

describe('attachments: turning them on', () => {
  it('shows nothing without accept, and drops and pastes attach nothing', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere"></ai-chat>`);
    expect(part(el, 'attach-button')).to.equal(null);
    expect(shadow(el).querySelector('input[type=file]')).to.equal(null);
    const drop = new DragEvent('drop', { dataTransfer: filesOf([png()]), bubbles: true, cancelable: true, composed: true });
    part(el, 'panel')!.dispatchEvent(drop);
    await el.updateComplete;
    expect(drop.defaultPrevented).to.equal(false);
    expect(chips(el)).to.have.length(0);
  });

  it('puts a labelled paperclip in the composer that opens a real file input', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*,.pdf"></ai-chat>`);
    const button = part<HTMLButtonElement>(el, 'attach-button')!;
    expect(button.getAttribute('aria-label')).to.equal('Attach files');
    expect(part(el, 'composer')!.contains(button)).to.equal(true);
    const picker = shadow(el).querySelector<HTMLInputElement>('input[type=file]')!;
    expect(picker.multiple).to.equal(true);
    expect(picker.accept).to.equal('image/*,.pdf');
    let opened = false;
    picker.addEventListener('click', (event) => ((opened = true), event.preventDefault()));
    button.click();
    expect(opened).to.equal(true);
    expect(el.maxFileSize).to.equal(5_000_000);
    expect(el.maxFiles).to.equal(4);
    el.accept = undefined;
    await el.updateComplete;
    expect(part(el, 'attach-button')).to.equal(null);
    el.accept = '.md';
    await el.updateComplete;
    expect(shadow(el).querySelector<HTMLInputElement>('input[type=file]')!.accept).to.equal('.md');
  });

  it('names the button in German and French', async () => {
    const de = await fixture<AiChat>(html`<ai-chat lang="de" accept="image/*"></ai-chat>`);
    expect(part(de, 'attach-button')!.getAttribute('aria-label')).to.equal('Dateien anhängen');
    const fr = await fixture<AiChat>(html`<ai-chat lang="fr" accept="image/*"></ai-chat>`);
    expect(part(fr, 'attach-button')!.getAttribute('aria-label')).to.equal('Joindre des fichiers');
    de.maxFiles = fr.maxFiles = 1;
    for (const el of [de, fr]) await pick(el, png(), sized('big.png', 5_000_001), new File(['x'], 'a.txt', { type: 'text/plain' }), png('two.png'));
    expect(notes(de)).to.deep.equal([
      '„big.png“ wurde nicht angehängt: sie ist größer als 5 MB.',
      '„a.txt“ wurde nicht angehängt: Dateien dieser Art werden nicht angenommen.',
      '„two.png“ wurde nicht angehängt: höchstens 1 Datei pro Nachricht.',
    ]);
    expect(notes(fr)).to.deep.equal([
      '« big.png » n’a pas été joint : il dépasse 5 Mo.',
      '« a.txt » n’a pas été joint : ce type de fichier n’est pas accepté.',
      '« two.png » n’a pas été joint : 1 fichier au plus par message.',
    ]);
    expect(chips(de)[0]!.querySelector('[part~="remove-file"]')!.getAttribute('aria-label')).to.equal('shot.png entfernen');
    // Sizes in each language's units.
    expect(chipTexts(fr)).to.deep.equal(['shot.png 68 o']);
    expect(chipTexts(de)).to.deep.equal(['shot.png 68 B']);
  });
});

describe('attachments: before sending', () => {
  it('lists each picked file with its name and size, a thumbnail for an image, and a Remove button that revokes it', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*,text/plain"></ai-chat>`);
    await pick(el, png(), text());
    expect(chipTexts(el)).to.deep.equal(['shot.png 68 B', 'notes.txt 15 B']);
    const thumbnail = chips(el)[0]!.querySelector('img')!;
    expect(thumbnail.src).to.match(/^blob:/);
    expect(chips(el)[1]!.querySelector('img')).to.equal(null);
    expect(await alive(thumbnail.src)).to.equal(true);
    const remove = chips(el)[0]!.querySelector<HTMLButtonElement>('[part~="remove-file"]')!;
    expect(remove.getAttribute('aria-label')).to.equal('Remove shot.png');
    remove.click();
    await el.updateComplete;
    expect(chipTexts(el)).to.deep.equal(['notes.txt 15 B']);
    expect(await alive(thumbnail.src)).to.equal(false);
    expect(shadow(el).activeElement).to.equal(input(el));
  });

  it('revokes the thumbnails when the element leaves the page; the files stay listed', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*"></ai-chat>`);
    await pick(el, png());
    const thumbnail = chips(el)[0]!.querySelector('img')!.src;
    const parent = el.parentElement!;
    el.remove();
    // Revoked once the task that removed it is over (a move puts it back within the task).
    await new Promise((resolve) => setTimeout(resolve));
    expect(await alive(thumbnail)).to.equal(false);
    parent.append(el);
    await el.updateComplete;
    expect(chipTexts(el)).to.deep.equal(['shot.png 68 B']);
  });

  it('keeps the thumbnails when the element is only moved (a framework reordering the page)', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*"></ai-chat>`);
    await pick(el, png());
    const thumbnail = chips(el)[0]!.querySelector('img')!.src;
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    try {
      elsewhere.append(el);
      await el.updateComplete;
      expect(await alive(thumbnail)).to.equal(true);
      expect(chips(el)[0]!.querySelector('img')!.src).to.equal(thumbnail);
    } finally {
      elsewhere.remove();
    }
  });

  it('says why each refused file was not attached (type, size, count), and keeps the draft', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/png" max-file-size="100" max-files="2"></ai-chat>`);
    type(el, 'My draft');
    await pick(el, png('a.png'), new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' }), sized('big.png', 101), png('b.png'), png('c.png'));
    expect(chipTexts(el)).to.deep.equal(['a.png 68 B', 'b.png 68 B']);
    expect(notes(el)).to.deep.equal([
      '“tool.exe” was not attached: this type of file is not accepted.',
      '“big.png” was not attached: it is larger than 100 B.',
      '“c.png” was not attached: at most 2 files per message.',
    ]);
    expect(input(el).value).to.equal('My draft');
    await pick(el, png('d.png'));
    expect(notes(el)).to.deep.equal(['“d.png” was not attached: at most 2 files per message.']);
  });

  it('passes axe with files listed and a refusal shown', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*"></ai-chat>`);
    await pick(el, png(), new File(['x'], 'a.txt', { type: 'text/plain' }));
    expect(chips(el)).to.have.length(1);
    expect(notes(el)).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('passes axe in the dark theme with a sent question holding its files, one of them not saved', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*" theme="dark"></ai-chat>`);
    el.messages = [
      {
        id: 'q',
        role: 'user',
        content: 'Look',
        status: 'done',
        parts: [
          { type: 'text', text: 'Look' },
          { type: 'file', mediaType: 'image/png', filename: 'shot.png', url: `data:image/png;base64,${PNG_BASE64}` },
          { type: 'file', mediaType: 'application/pdf', filename: 'report.pdf', url: '' },
        ],
      },
    ];
    await pick(el, png('next.png'));
    expect(shadow(el).querySelectorAll('.message.user [part~="attachment"]')).to.have.length(2);
    await expect(el).to.be.accessible();
  });
});

describe('attachments: sending', () => {
  it('sends the files as file parts (data: URLs) beside the text, shows them in the question, and clears the draft', async () => {
    const flow = await scenario(wordStream(['A', ' pixel.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*,text/plain"></ai-chat>`);
    await pick(el, png(), text());
    const thumbnail = chips(el)[0]!.querySelector('img')!.src;
    type(el, 'What is this?');
    const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
    sendButton(el).click();
    await done;
    expect(await lastUserParts(flow)).to.deep.equal([
      { type: 'text', text: 'What is this?' },
      { type: 'file', mediaType: 'image/png', filename: 'shot.png', url: `data:image/png;base64,${PNG_BASE64}` },
      { type: 'file', mediaType: 'text/plain', filename: 'notes.txt', url: `data:text/plain;base64,${btoa('Ship on Friday.')}` },
    ]);
    await el.updateComplete;
    expect(input(el).value).to.equal('');
    expect(chips(el)).to.have.length(0);
    expect(await alive(thumbnail)).to.equal(false);
    const question = shadow(el).querySelector('.message.user')!;
    const sent = [...question.querySelectorAll('[part~="attachment"]')];
    expect(sent.map((chip) => chip.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['shot.png image/png', 'notes.txt text/plain']);
    expect(sent[0]!.querySelector('img')!.getAttribute('src')).to.equal(`data:image/png;base64,${PNG_BASE64}`);
    expect(sent[1]!.querySelector('img')).to.equal(null);
    expect(bubbleTexts(el)).to.deep.equal(['What is this?', 'A pixel.']);
  });

  it('sends files without text', async () => {
    const flow = await scenario(wordStream(['Seen.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    expect(sendButton(el).disabled).to.equal(true);
    await pick(el, png());
    expect(sendButton(el).disabled).to.equal(false);
    sendButton(el).click();
    const parts = await lastUserParts(flow);
    expect(parts.map((p) => p.type)).to.deep.equal(['file']);
  });

  it('previews an SVG only as an image, never inline', async () => {
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__svgRan=1"><script>window.__svgRan=1</script></svg>';
    await pick(el, new File([svg], 'logo.svg', { type: 'image/svg+xml' }));
    sendButton(el).click();
    await lastUserParts(flow);
    await el.updateComplete;
    const question = shadow(el).querySelector('.message.user')!;
    expect(question.querySelector('svg')).to.equal(null);
    expect(question.querySelector('img')!.getAttribute('src')).to.match(/^data:image\/svg\+xml;base64,/);
    await sleep(50);
    expect((window as unknown as { __svgRan?: number }).__svgRan).to.equal(undefined);
  });

  it('keeps a screenshot in the next request (files do not count against the 900 KB of text)', async () => {
    const flow = await scenario(wordStream(['Seen.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    await pick(el, sized('screen.png', 1_200_000));
    type(el, 'Look');
    const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
    sendButton(el).click();
    await done;
    await el.send('And now?');
    const second = JSON.parse((await flow.requests())[1]!.body) as { messages: RequestMessage[] };
    expect(second.messages.map((m) => m.content)).to.deep.equal(['Look', 'Seen.', 'And now?']);
    expect(second.messages[0]!.parts.map((p) => p.type)).to.deep.equal(['text', 'file']);
  });

  it('shows hostile file names as text: nothing runs, no markup is made', async () => {
    const corpus = await loadCorpus();
    const calls: unknown[] = [];
    (window as unknown as { __xss: (id: unknown) => void }).__xss = (id) => calls.push(id);
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*" max-files="200"></ai-chat>`);
    const names = corpus.map((payload) => payload.payload.slice(0, 200));
    await pick(el, ...names.map((name) => png(name)));
    expect(chips(el).map((chip) => chip.querySelector('.name')!.textContent)).to.deep.equal(names);
    const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
    sendButton(el).click();
    await done;
    await el.updateComplete;
    const question = shadow(el).querySelector('.message.user')!;
    expect([...question.querySelectorAll('.name')].map((name) => name.textContent)).to.deep.equal(names);
    for (const node of question.querySelectorAll('*')) {
      // The widget's own elements (chips, thumbnails, the Edit action), nothing made from a name.
      expect(['span', 'img', 'div', 'button'], node.localName).to.include(node.localName);
      for (const attribute of node.attributes) expect(attribute.name.startsWith('on'), attribute.name).to.equal(false);
    }
    await sleep(100);
    expect(calls).to.deep.equal([]);
  });
});

describe('attachments: drop and paste', () => {
  it('attaches dropped files through the same checks', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*"></ai-chat>`);
    const transfer = filesOf([png('dropped.png'), text()]);
    const over = new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true, composed: true });
    input(el).dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true);
    const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true, composed: true });
    input(el).dispatchEvent(drop);
    await el.updateComplete;
    expect(drop.defaultPrevented).to.equal(true);
    expect(chipTexts(el)).to.deep.equal(['dropped.png 68 B']);
    expect(notes(el)).to.deep.equal(['“notes.txt” was not attached: this type of file is not accepted.']);
  });

  it('attaches a pasted image; pasted text stays text', async () => {
    const el = await fixture<AiChat>(html`<ai-chat endpoint="/nowhere" accept="image/*"></ai-chat>`);
    type(el, 'Before');
    const paste = new ClipboardEvent('paste', { clipboardData: filesOf([png('pasted.png')]), bubbles: true, cancelable: true, composed: true });
    input(el).dispatchEvent(paste);
    await el.updateComplete;
    expect(paste.defaultPrevented).to.equal(true);
    expect(chipTexts(el)).to.deep.equal(['pasted.png 68 B']);
    expect(input(el).value).to.equal('Before');
    const words = new DataTransfer();
    words.setData('text/plain', 'words');
    const textPaste = new ClipboardEvent('paste', { clipboardData: words, bubbles: true, cancelable: true, composed: true });
    input(el).dispatchEvent(textPaste);
    expect(textPaste.defaultPrevented).to.equal(false);
  });
});

describe('attachments: upload', () => {
  it('sends the URL the page stored the file at, showing progress on the chip', async () => {
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    let finish!: () => void;
    el.upload = async (file, { onProgress }) => {
      onProgress(0.5);
      await new Promise<void>((resolve) => (finish = resolve));
      return `https://files.example/${encodeURIComponent(file.name)}`;
    };
    await pick(el, png());
    type(el, 'Stored');
    sendButton(el).click();
    const progress = await until(() => chips(el)[0]?.querySelector('progress'), 'the progress bar');
    expect(progress.value).to.equal(0.5);
    expect(part(el, 'stop-button')).to.not.equal(null);
    finish();
    expect(await lastUserParts(flow)).to.deep.equal([
      { type: 'text', text: 'Stored' },
      { type: 'file', mediaType: 'image/png', filename: 'shot.png', url: 'https://files.example/shot.png' },
    ]);
  });

  it('Stop aborts the upload and keeps the draft and the files; nothing is sent', async () => {
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    const signals: AbortSignal[] = [];
    el.upload = (_file, { signal }) => {
      signals.push(signal);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    await pick(el, png());
    type(el, 'Keep me');
    sendButton(el).click();
    await until(() => part(el, 'stop-button'), 'Stop');
    part<HTMLButtonElement>(el, 'stop-button')!.click();
    await until(() => part(el, 'send-button'), 'Send again');
    expect(signals[0]!.aborted).to.equal(true);
    expect(input(el).value).to.equal('Keep me');
    // Escape stops an upload as it stops an answer.
    sendButton(el).click();
    await until(() => signals.length === 2, 'the second upload');
    input(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true, cancelable: true }));
    await until(() => part(el, 'send-button'), 'Send again');
    expect(signals[1]!.aborted).to.equal(true);
    expect(chipTexts(el)).to.deep.equal(['shot.png 68 B']);
    expect(notes(el)).to.deep.equal([]);
    expect(await flow.requests()).to.have.length(0);
  });

  it('removing a file aborts its upload; the rest is sent', async () => {
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    const signals = new Map<string, AbortSignal>();
    el.upload = (file, { signal }) => {
      signals.set(file.name, signal);
      if (file.name === 'fast.png') return Promise.resolve('https://files.example/fast.png');
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    await pick(el, png('slow.png'), png('fast.png'));
    sendButton(el).click();
    await until(() => signals.size === 2, 'both uploads');
    chips(el)[0]!.querySelector<HTMLButtonElement>('[part~="remove-file"]')!.click();
    expect(signals.get('slow.png')!.aborted).to.equal(true);
    const parts = await lastUserParts(flow);
    expect(parts).to.deep.equal([{ type: 'file', mediaType: 'image/png', filename: 'fast.png', url: 'https://files.example/fast.png' }]);
  });

  it('a failed upload keeps the draft and the files, and says so', async () => {
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*"></ai-chat>`);
    el.upload = () => Promise.reject(new Error('storage is down'));
    await pick(el, png());
    type(el, 'Still here');
    sendButton(el).click();
    await until(() => notes(el).length, 'the failure');
    expect(notes(el)).to.deep.equal(['“shot.png” could not be uploaded.']);
    expect(input(el).value).to.equal('Still here');
    expect(chipTexts(el)).to.deep.equal(['shot.png 68 B']);
    expect(sendButton(el).disabled).to.equal(false);
    expect(await flow.requests()).to.have.length(0);
  });
});

/** The file chips of the questions sent, as their text reads. */
const sentChips = (el: AiChat) =>
  [...shadow(el).querySelectorAll('.message.user [part~="attachment"]')].map((chip) => chip.textContent!.replace(/\s+/g, ' ').trim());

describe('attachments: persist', () => {
  const key = () => `test-files-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  afterEach(() => {
    for (const stored of Object.keys(localStorage)) if (stored.startsWith('ai-chat:test-') || stored === 'filler') localStorage.removeItem(stored);
  });

  it('keeps a small file whole, and a large one as its name with a visible "Not saved"', async () => {
    const name = key();
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*" persist=${name}></ai-chat>`);
    await pick(el, png('small.png'));
    sendButton(el).click();
    await until(() => el.messages.at(-1)?.status === 'done', 'the answer');
    await pick(el, sized('large.png', 1_100_000));
    const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
    sendButton(el).click();
    await done;
    await el.updateComplete;
    expect(sentChips(el)).to.deep.equal(['small.png image/png', 'large.png Not saved']);
    const stored = JSON.parse(localStorage.getItem(`ai-chat:${name}`)!) as { messages: Array<{ parts?: Array<{ url?: string; filename?: string }> }> };
    const files = stored.messages.flatMap((m) => m.parts ?? []).filter((p) => p.filename);
    expect(files.map((f) => [f.filename, f.url!.slice(0, 22)])).to.deep.equal([
      ['small.png', 'data:image/png;base64,'],
      ['large.png', ''],
    ]);
    el.remove();
    const restored = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*" persist=${name}></ai-chat>`);
    expect(sentChips(restored)).to.deep.equal(['small.png image/png', 'large.png Not saved']);
    // The file not saved is not sent again; the one saved is.
    await restored.send('Next');
    const next = JSON.parse((await flow.requests()).at(-1)!.body) as { messages: RequestMessage[] };
    expect(next.messages.flatMap((m) => m.parts).filter((p) => p.type === 'file').map((p) => 'filename' in p && p.filename)).to.deep.equal(['small.png']);
  });

  it('with storage full, saves the conversation without the files’ bytes: the save does not fail', async () => {
    const name = key();
    // Fill the quota but for a few kilobytes (Chromium: about 5 MB of UTF-16 per origin).
    fillStorageBut(20_000);
    try {
      const flow = await scenario(wordStream(['Ok.']));
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*" persist=${name}></ai-chat>`);
      await pick(el, sized('shot.png', 200_000));
      type(el, 'Saved anyway');
      const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
      sendButton(el).click();
      await done;
      await el.updateComplete;
      expect(sentChips(el)).to.deep.equal(['shot.png Not saved']);
      const saved = JSON.parse(localStorage.getItem(`ai-chat:${name}`)!) as { messages: Array<{ content: string }> };
      expect(saved.messages.map((m) => m.content)).to.deep.equal(['Saved anyway', 'Ok.']);
    } finally {
      localStorage.removeItem('filler');
    }
  });
});

describe('attachments: persist, a question far up', () => {
  it('a settled question whose file a full storage left unsaved says so', async () => {
    const name = `test-files-far-${Date.now()}`;
    const file = { type: 'file' as const, mediaType: 'image/png', filename: 'far.png', url: `data:image/png;base64,${'A'.repeat(300_000)}` };
    // 12 messages: the question with the file is settled (built once as plain DOM), more than 10 from the end.
    const messages: ChatMessage[] = Array.from({ length: 6 }, (_, i) => [
      { id: `u${i}`, role: 'user' as const, content: `Q${i}`, status: 'done' as const, ...(i === 0 ? { parts: [{ type: 'text' as const, text: 'Q0' }, file] } : {}) },
      { id: `a${i}`, role: 'assistant' as const, content: `A${i}`, status: 'done' as const },
    ]).flat();
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*" persist=${name}></ai-chat>`);
    el.messages = messages;
    await until(() => shadow(el).querySelectorAll('.message').length === 12, 'every message shown');
    const note = () => shadow(el).querySelector('.message.user .chip .note')!.textContent;
    expect(note()).to.equal('image/png');
    // Room for the conversation's text, not for the file's bytes.
    fillStorageBut(50_000);
    try {
      expect((await el.send('More'))?.status).to.equal('done');
      await el.updateComplete;
      expect(localStorage.getItem(`ai-chat:${name}`)).to.contain('"url":""');
      expect(note()).to.equal('Not saved');
    } finally {
      localStorage.removeItem('filler');
      localStorage.removeItem(`ai-chat:${name}`);
    }
  });

  it('a file newly left unsaved rebuilds only its own message: the settled ones above stay as they were', async () => {
    const name = `test-files-mark-${Date.now()}`;
    const messages: ChatMessage[] = Array.from({ length: 20 }, (_, i) => [
      { id: `u${i}`, role: 'user' as const, content: `Q${i}`, status: 'done' as const },
      { id: `a${i}`, role: 'assistant' as const, content: `A **${i}**`, status: 'done' as const },
    ]).flat();
    const flow = await scenario(wordStream(['Ok.']));
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} accept="image/*" persist=${name}></ai-chat>`);
    el.messages = messages;
    await until(() => shadow(el).querySelectorAll('.message').length === 40, 'every message shown');
    const first = shadow(el).querySelector('.group .message')!;
    try {
      // Over the 1 MB a message keeps: saved without its bytes, storage free or not.
      await pick(el, sized('large.png', 1_100_000));
      const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
      sendButton(el).click();
      await done;
      await el.updateComplete;
      expect(sentChips(el).at(-1)).to.equal('large.png Not saved');
      expect(first.isConnected && shadow(el).querySelector('.group .message') === first).to.equal(true);
    } finally {
      localStorage.removeItem(`ai-chat:${name}`);
    }
  });
});

describe('attachments: against the real handler', () => {
  it('a real 1×1 PNG reaches OpenAI as an image_url part beside the question', async () => {
    const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${server.url} accept="image/png"></ai-chat>`);
    await pick(el, png());
    type(el, 'What colour is this pixel?');
    const done = new Promise((resolve) => el.addEventListener('ai-chat-done', resolve, { once: true }));
    sendButton(el).click();
    await done;
    expect(el.messages.at(-1)!.status).to.equal('done');
    const sent = (await server.log()).upstream[0]!.body as { messages: Array<{ role: string; content: unknown }> };
    const question = sent.messages.filter((message) => message.role === 'user').at(-1)!;
    expect(question.content).to.deep.equal([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
      { type: 'text', text: 'What colour is this pixel?' },
    ]);
  });

  it('a file the handler refuses (SVG) ends the answer with its reason; the question keeps its file', async () => {
    const server = await setup({ provider: 'openai', upstream: { fixture: 'openai-chat.sse' } });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${server.url} accept="image/*"></ai-chat>`);
    await pick(el, new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'logo.svg', { type: 'image/svg+xml' }));
    const failed = new Promise((resolve) => el.addEventListener('ai-chat-error', resolve, { once: true }));
    sendButton(el).click();
    await failed;
    await el.updateComplete;
    expect(el.messages.at(-1)!.error).to.contain('logo.svg');
    expect(shadow(el).querySelector('.message.user .name')!.textContent).to.equal('logo.svg');
    expect((await server.log()).upstream).to.have.length(0);
  });
});
