import { expect } from '@open-wc/testing';

// Shared by the XSS tests of the markdown renderer (test/markdown-xss.test.ts)
// and of the whole element (test/ai-chat.xss.test.ts).

/** One entry of test/data/xss-corpus.json (see test/data/README.md). */
export interface Payload {
  id: number | string;
  payload: string;
  split: number;
  category: string;
  trigger: string;
  vector: string;
}

declare global {
  interface Window {
    __xss?: (id: unknown) => void;
  }
}

/*
 * Our own payloads: `javascript:` in every markdown link form, obfuscated by
 * case, entities, escapes and white space, in every block that holds inline
 * content, and pairs of chunks that are harmless alone but dangerous joined
 * (`split` cuts them there). `X` is replaced by the canary call.
 */
const OWN: [payload: string, split?: number | string][] = [
  // Inline links
  ['[a](javascript:X)'],
  ['[a](JaVaScRiPt:X)'],
  ['[a](  javascript:X  )'],
  ['[a](<javascript:X>)'],
  ['[a](javascript:X "title")'],
  ["[a](javascript:X 'title')"],
  ['[a](javascript:X (title))'],
  ['[a](java%73cript:X)'],
  ['[a](&#x6A;avascript:X)'],
  ['[a](&#106;avascript:X)'],
  ['[a](&#0000106;avascript:X)'],
  ['[a](javascript&#58;X)'],
  ['[a](javascript&colon;X)'],
  ['[a](java&Tab;script:X)'],
  ['[a](java&NewLine;script:X)'],
  ['[a](<java\tscript:X>)'],
  ['[a](<java\nscript:X>)'],
  ['[a](javascript\\:X)'],
  ['[a](\u0001javascript:X)'],
  ['[a](\u2028javascript:X)'],
  ['[a](vbscript:X)'],
  ['[a](data:text/html,<script>X</script>)'],
  ['[a](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoMSk8L3NjcmlwdD4=)'],
  ['[a](file:///etc/passwd)'],
  ['[*a* **b**](javascript:X)'],
  ['[a [b](javascript:X)](https://example.com/)'],
  ['[![i](https://example.com/i.png)](javascript:X)'],
  ['[a](javascript:X//https://example.com/)'],
  ['[a](javascript:%77indow.__xss(0))'],
  // Reference links and definitions
  ['[a][r]\n\n[r]: javascript:X'],
  ['[r]\n\n[r]: <javascript:X>'],
  ['[r][]\n\n[r]: javascript:X "t"'],
  ['[R]\n\n[r]: JAVASCRIPT:X'],
  ['[r]: &#106;avascript:X\n\n[r]'],
  ['![i][r]\n\n[r]: javascript:X'],
  ['[a][r]\n\n[r]: data:text/html,<script>X</script>'],
  // Autolinks and bare text
  ['<javascript:X>'],
  ['<JAVASCRIPT:X>'],
  ['<vbscript:X>'],
  ['<data:text/html,X>'],
  ['<javascript&#58;X>'],
  ['javascript:X https://example.com/'],
  ['<https://example.com/"onclick="X">'],
  // Images
  ['![a](javascript:X)'],
  ['![a](data:image/svg+xml,<svg onload=X>)'],
  ['![a](http://example.com/i.png)'],
  ['![a" onerror="X](https://example.com/i.png)'],
  ['![a](https://example.com/i.png"onerror="X)'],
  // Attribute and title injection
  ['[a](https://example.com/ "\\" onmouseover=X")'],
  ['[a](https://example.com/"onclick="X)'],
  ['```js" onload="X\ncode\n```'],
  ['```\n</code><img src=x onerror=X>\n```'],
  // In every block that holds inline content
  ['- [a](javascript:X)\n- [ ] [b](javascript:X)'],
  ['> [a](javascript:X)'],
  ['# [a](javascript:X)'],
  ['**[a](javascript:X)**'],
  ['`[a](javascript:X)`'],
  ['| a |\n|---|\n| [b](javascript:X) |'],
  ['[a](https://example.com/)<img src=x onerror=X>'],
  // Harmless apart, dangerous joined
  ['[a](java' + 'script:X)', 8],
  ['[a](javascript' + ':X)', 14],
  ['<scr' + 'ipt>X</script>', 4],
  ['<img src=x one' + 'rror=X>', 14],
  ['[a][r]\n\n[r]: java' + 'script:X', 17],
  ['[a](&#10' + '6;avascript:X)', 8],
  ['[a](java&' + 'Tab;script:X)', 9],
  ['![a](javascript' + ':X)', 15],
  ['<javascript' + ':X>', 11],
  ['| a |\n|---|\n| [x](java' + 'script:X) |', 22],
  ['<a href="java' + 'script:X">x</a>', 13],
  ['<svg><a xlink:href="javascript:X"><text>x</text></a>' + '</svg>', 52],
  ['```\n</code></pre><script>' + 'X</script>\n```', 24],
];

export const own: Payload[] = OWN.map(([text, split], i) => {
  const id = `own-${i + 1}`;
  const payload = text.replace(/X/g, `window.__xss('${id}')`);
  // Cut inside the scheme by default: the hardest place for a checker.
  const at = split ?? Math.max(1, payload.indexOf('script') >= 0 ? payload.indexOf('script') : payload.length >> 1);
  return { id, payload, split: Number(at), category: 'own', trigger: 'click', vector: JSON.stringify(text) };
});

/** The shared public corpus (124 payloads; see test/data/README.md). */
export async function loadCorpus(): Promise<Payload[]> {
  return (await (await fetch(new URL('./data/xss-corpus.json', import.meta.url))).json()) as Payload[];
}

const ALLOWED_TAGS = new Set([
  ...['div', 'span', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'input', 'blockquote', 'hr', 'br'],
  ...['pre', 'code', 'button', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'em', 'strong', 'del', 'a', 'img'],
  // A citation marker.
  'sup',
]);
const ALLOWED_ATTRIBUTES = new Set([
  ...['class', 'href', 'target', 'rel', 'src', 'alt', 'referrerpolicy', 'loading'],
  ...['type', 'disabled', 'aria-label', 'aria-live', 'start'],
  // A citation marker's: `part="citation"`, and its source's title as the link's title.
  ...['part', 'title'],
]);
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background', 'data', 'cite'];
const FORBIDDEN = 'script, iframe, object, embed, frame, frameset, base, form, meta, link, style, svg, math, template';

/** The scheme a browser would see, found independently of the code under test. */
export function schemeOf(value: string): string | undefined {
  const decoder = document.createElement('textarea');
  decoder.innerHTML = value; // test-only oracle: the HTML parser decodes every entity
  // eslint-disable-next-line no-control-regex
  const cleaned = decoder.value.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+/, '');
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase();
}

export function assertSafe(root: ParentNode, where: string): void {
  expect(root.querySelector(FORBIDDEN), `${where}: forbidden element`).to.equal(null);
  for (const el of root.querySelectorAll('*')) {
    expect(ALLOWED_TAGS.has(el.localName), `${where}: <${el.localName}>`).to.equal(true);
    for (const { name, value } of el.attributes) {
      expect(name.startsWith('on'), `${where}: ${name} on <${el.localName}>`).to.equal(false);
      expect(['srcdoc', 'formaction', 'style'].includes(name), `${where}: ${name}`).to.equal(false);
      expect(ALLOWED_ATTRIBUTES.has(name), `${where}: attribute ${name}`).to.equal(true);
      if (URL_ATTRIBUTES.includes(name)) {
        const allowed = name === 'src' ? ['https'] : ['http', 'https', 'mailto'];
        expect(allowed, `${where}: ${name}=${value}`).to.include(schemeOf(value));
      }
    }
    if (el.localName === 'a') {
      expect(el.getAttribute('target')).to.equal('_blank');
      expect(el.getAttribute('rel')).to.equal('noopener noreferrer');
    }
  }
}

/**
 * What payloads managed to do: canary calls (`window.__xss(id)`, or a message
 * posted with `__xss`) and the links a click would open. Each test file adds
 * `onMessage` and `onClick` as listeners in its own hooks.
 */
export class PayloadWatch {
  readonly calls: unknown[] = [];
  readonly clicked: string[] = [];

  readonly onMessage = (event: MessageEvent) => {
    if ((event.data as { __xss?: unknown } | null)?.__xss !== undefined) this.calls.push(event.data);
  };

  /** Records what a click would open, then stops it: no test navigates. */
  readonly onClick = (event: Event) => {
    const link = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (link) this.clicked.push(link.getAttribute('href') ?? '');
    event.preventDefault();
  };

  /** Before a run: nothing recorded, and the canary set. */
  arm(): void {
    this.calls.length = 0;
    this.clicked.length = 0;
    window.__xss = (id: unknown) => void this.calls.push(id);
  }

  /** After a run: no canary called, and every click would have opened an allowed scheme. */
  assertQuiet(where: string): void {
    for (const href of this.clicked) expect(['http', 'https', 'mailto'], `${where}: clicked ${href}`).to.include(schemeOf(href));
    expect(this.calls, `${where}: canary called`).to.deep.equal([]);
  }
}

/** Images in payloads point at made-up hosts: the page must fetch none. */
export function forbidImageFetches(): void {
  const csp = document.createElement('meta');
  csp.httpEquiv = 'Content-Security-Policy';
  csp.content = "img-src 'none'";
  document.head.append(csp);
}

export const frames = (n: number) =>
  new Promise<void>((resolve) => {
    const step = () => (--n <= 0 ? setTimeout(resolve, 0) : requestAnimationFrame(step));
    requestAnimationFrame(step);
  });

/** Every interaction a payload might wait for: hover, focus and click on every element. */
export function interact(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('*')) {
    for (const type of ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove']) {
      el.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true }));
    }
    el.focus();
    el.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    el.click();
  }
}

