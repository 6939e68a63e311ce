import { expect } from '@open-wc/testing';
import { render } from 'lit';
import { resolveStrings } from '../src/i18n.js';
import { createMarkdownStream } from '../src/render/markdown.js';
import { markdownStyles } from '../src/render/markdown.styles.js';
import { renderMarkdown } from '../src/render/render-markdown.js';
import { assertSafe, forbidImageFetches, frames, interact, loadCorpus, own, PayloadWatch, type Payload } from './xss-kit.js';

/** The code blocks' button texts, as the element passes them. */
const labels = resolveStrings('en');

const corpus = await loadCorpus();

describe('markdown XSS corpus', () => {
  const watch = new PayloadWatch();
  const hosts: HTMLElement[] = [];

  before(() => {
    window.addEventListener('click', watch.onClick, { capture: true });
    forbidImageFetches();
  });

  beforeEach(() => {
    watch.arm();
    window.addEventListener('message', watch.onMessage);
  });

  afterEach(() => {
    window.removeEventListener('message', watch.onMessage);
    delete window.__xss;
    for (const host of hosts.splice(0)) host.remove();
  });

  function mount(): ShadowRoot {
    const host = document.createElement('div');
    document.body.append(host);
    hosts.push(host);
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [markdownStyles.styleSheet!];
    return root;
  }

  async function run(entry: Payload, split: boolean, allowImages: boolean): Promise<void> {
    const where = `${entry.id} ${split ? 'split' : 'whole'}${allowImages ? ' +images' : ''}`;
    const root = mount();
    const stream = createMarkdownStream();
    const show = () => render(renderMarkdown(stream.snapshot(), { allowImages, labels }), root);
    if (split) {
      stream.append(entry.payload.slice(0, entry.split));
      show();
      assertSafe(root, where + ' (first chunk)');
      stream.append(entry.payload.slice(entry.split));
    } else {
      stream.append(entry.payload);
    }
    show();
    stream.end();
    show();
    assertSafe(root, where);
    interact(root);
    // A serialise-and-parse round trip must not wake anything up either (mXSS).
    const copy = document.createElement('div');
    copy.innerHTML = root.innerHTML; // test-only: the round trip the mXSS payloads aim at
    document.body.append(copy);
    hosts.push(copy);
    assertSafe(copy, where + ' (round trip)');
    interact(copy);
    await frames(2);
    watch.assertQuiet(where);
  }

  for (const [name, list] of [
    ['shared corpus', corpus],
    ['own payloads', own],
  ] as const) {
    describe(name, () => {
      it(`has its payloads (${list.length})`, () => {
        expect(list.length).to.be.at.least(name === 'own payloads' ? 50 : 124);
      });
      for (const entry of list) {
        for (const split of [false, true]) {
          it(`#${entry.id} ${split ? 'split' : 'whole'}: ${entry.vector}`, async () => {
            await run(entry, split, false);
            await run(entry, split, true);
          });
        }
      }
    });
  }

  it('the checks do catch a dangerous DOM (control)', () => {
    const root = mount();
    const a = document.createElement('a');
    a.setAttribute('href', 'java&#x09;script:alert(1)');
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    root.append(a);
    expect(() => assertSafe(root, 'control')).to.throw(/href/);
    a.remove();
    const div = document.createElement('div');
    div.setAttribute('onclick', 'x');
    root.append(div);
    expect(() => assertSafe(root, 'control')).to.throw(/onclick/);
  });

  it('the watch does catch a canary call and a dangerous click (control)', () => {
    const control = new PayloadWatch();
    control.arm();
    control.assertQuiet('control');
    window.__xss!('control');
    expect(() => control.assertQuiet('control')).to.throw(/canary called/);
    control.arm();
    control.clicked.push('java&#x09;script:alert(1)');
    expect(() => control.assertQuiet('control')).to.throw(/clicked/);
    // Leave the canary to this file's own watch.
    watch.arm();
  });
});
