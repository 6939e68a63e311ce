import { expect } from '@open-wc/testing';
import { render } from 'lit';
import { createMarkdownStream } from '../src/render/markdown.js';
import { markdownStyles } from '../src/render/markdown.styles.js';
import { renderMarkdown } from '../src/render/render-markdown.js';
import { assertSafe, frames, interact, loadCorpus, own, schemeOf, type Payload } from './xss-kit.js';

const corpus = await loadCorpus();

describe('markdown XSS corpus', () => {
  const calls: unknown[] = [];
  const clicked: string[] = [];
  const hosts: HTMLElement[] = [];
  const onMessage = (event: MessageEvent) => {
    if ((event.data as { __xss?: unknown } | null)?.__xss !== undefined) calls.push(event.data);
  };

  /** Records what a click would open, then stops it: no test navigates. */
  const onClick = (event: Event) => {
    const link = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (link) clicked.push(link.getAttribute('href') ?? '');
    event.preventDefault();
  };

  before(() => {
    window.addEventListener('click', onClick, { capture: true });
    // Images in payloads point at made-up hosts: the page must fetch none.
    const csp = document.createElement('meta');
    csp.httpEquiv = 'Content-Security-Policy';
    csp.content = "img-src 'none'";
    document.head.append(csp);
  });

  beforeEach(() => {
    calls.length = 0;
    clicked.length = 0;
    window.__xss = (id: unknown) => void calls.push(id);
    window.addEventListener('message', onMessage);
  });

  afterEach(() => {
    window.removeEventListener('message', onMessage);
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
    const show = () => render(renderMarkdown(stream.snapshot(), { allowImages }), root);
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
    for (const href of clicked) expect(['http', 'https', 'mailto'], `${where}: clicked ${href}`).to.include(schemeOf(href));
    expect(calls, `${where}: canary called`).to.deep.equal([]);
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
});
