import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import type { AiChat } from '../src/ai-chat.js';
import { part, scenario, shadow, until, type ScriptedChunk } from './helpers.js';

// Tool steps and sources for everyone (#14): axe with steps running, done and
// failed and a source list on screen; the live region says each step's end
// once and nothing while inputs stream; the steps and links stay readable in
// the dark theme; every new text exists in German and French.

const UI_STREAM = { 'x-vercel-ai-ui-message-stream': 'v1' };
const uiEvent = (value: Record<string, unknown>) => `data: ${JSON.stringify(value)}\n\n`;

/** A tool step's events: its start, its input in fragments, then its result or error (or nothing: still running). */
function step(id: string, name: string, input: Record<string, unknown>, end?: { output: unknown } | { errorText: string }): string[] {
  const json = JSON.stringify(input);
  const half = json.length >> 1;
  const events = [
    uiEvent({ type: 'tool-input-start', toolCallId: id, toolName: name }),
    uiEvent({ type: 'tool-input-delta', toolCallId: id, inputTextDelta: json.slice(0, half) }),
    uiEvent({ type: 'tool-input-delta', toolCallId: id, inputTextDelta: json.slice(half) }),
  ];
  if (!end) return events;
  events.push(uiEvent({ type: 'tool-input-available', toolCallId: id, toolName: name, input }));
  events.push(
    'output' in end
      ? uiEvent({ type: 'tool-output-available', toolCallId: id, output: end.output })
      : uiEvent({ type: 'tool-output-error', toolCallId: id, errorText: end.errorText }),
  );
  return events;
}

const text = (id: string, words: string) => [
  uiEvent({ type: 'text-start', id }),
  uiEvent({ type: 'text-delta', id, delta: words }),
  uiEvent({ type: 'text-end', id }),
];

/** One step done, one failed, one still running, some text and two sources; the answer is still streaming. */
const threeSteps = (): ScriptedChunk[] => [
  uiEvent({ type: 'start' }),
  ...step('c1', 'getOrder', { id: 7 }, { output: { status: 'shipped' } }),
  ...step('c2', 'searchDocs', { q: 'refund' }, { errorText: 'The search service is down.' }),
  ...step('c3', 'trackParcel', { parcel: 'X1' }),
  ...text('t1', 'Your order has shipped; tracking it now.'),
  uiEvent({ type: 'source-url', sourceId: 's1', url: 'https://example.com/orders', title: 'Order help' }),
  // No title: the link shows its URL.
  uiEvent({ type: 'source-url', sourceId: 's2', url: 'https://example.com/shipping' }),
];

const statuses = (el: AiChat) => [...shadow(el).querySelectorAll('[part~="tool-status"]')].map((node) => node.textContent);

/** An element whose answer shows three steps (done, failed, running) and two sources; the answer hangs open. */
async function stepsOnScreen(attributes: { theme?: string; lang?: string } = {}) {
  const flow = await scenario({ headers: UI_STREAM, chunks: threeSteps(), end: 'hang' });
  const el = await fixture<AiChat>(
    html`<ai-chat endpoint=${flow.url} theme=${attributes.theme ?? 'auto'} lang=${attributes.lang ?? 'en'}></ai-chat>`,
  );
  const sending = el.send('Where is my order?');
  await until(() => shadow(el).querySelectorAll('[part~="source"]').length === 2 && statuses(el).length === 3, 'three steps and two sources');
  await el.updateComplete;
  return { el, sending };
}

async function stop({ el, sending }: { el: AiChat; sending: Promise<unknown> }) {
  el.abort();
  await sending;
}

/** Any colour with alpha 0 (forced colours make transparent `rgba(255, 255, 255, 0)`). */
const transparent = (color: string) => color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(color);

/** The colour behind a node: its own background, or the nearest ancestor's that is not transparent. */
function backgroundBehind(node: Element): string {
  for (let at: Element | null = node; at; at = at.parentElement) {
    const background = getComputedStyle(at).backgroundColor;
    if (!transparent(background)) return background;
  }
  return getComputedStyle(document.body).backgroundColor;
}

/** WCAG contrast ratio of two opaque `rgb()` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const linear = rgb.match(/[\d.]+/g)!.slice(0, 3).map((v) => ((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))(Number(v) / 255));
    return 0.2126 * linear[0]! + 0.7152 * linear[1]! + 0.0722 * linear[2]!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Every piece of a step and of the source list a reader reads, with its text colour and the colour behind it. */
function readablePieces(el: AiChat): Array<[string, string, string]> {
  const root = shadow(el);
  for (const details of root.querySelectorAll<HTMLDetailsElement>('[part~="tool"]')) details.open = true;
  const pieces = [
    ...['tool-name', 'tool-status', 'tool-input', 'tool-output'].map((name) => [name, root.querySelector(`[part~="${name}"]`)] as const),
    ['step label', root.querySelector('[part~="tool"] .tool-label')] as const,
    ['source link', root.querySelector('[part~="source"] a')] as const,
    ['source number', root.querySelector('[part~="source"]')] as const,
  ];
  return pieces.map(([what, node]) => {
    expect(node, what).to.exist;
    return [what, getComputedStyle(node!).color, backgroundBehind(node!)];
  });
}

function expectReadable(el: AiChat, label: string) {
  for (const [what, color, background] of readablePieces(el)) {
    expect(transparent(color), `${label}: ${what} has a colour`).to.equal(false);
    expect(contrast(color, background), `${label}: ${what} ${color} on ${background}`).to.be.at.least(4.5);
  }
}

/** A finished answer that cites a source: its marker is a link after the cited words. */
async function citationOnScreen(theme = 'auto'): Promise<HTMLAnchorElement> {
  const text = 'The sky is blue.';
  const annotation = { type: 'url_citation', url_citation: { url: 'https://example.com/sky', title: 'Sky', start_index: 0, end_index: 15 } };
  const flow = await scenario({
    chunks: [
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`,
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { annotations: [annotation] }, finish_reason: 'stop' }] })}\n\n`,
      'data: [DONE]\n\n',
    ],
  });
  const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} theme=${theme}></ai-chat>`);
  await el.send('Why is the sky blue?');
  await el.updateComplete;
  return shadow(el).querySelector<HTMLAnchorElement>('[part~="citation"] a')!;
}

function expectCitationReadable(link: HTMLAnchorElement, label: string) {
  const color = getComputedStyle(link).color;
  expect(transparent(color), `${label}: citation has a colour`).to.equal(false);
  expect(contrast(color, backgroundBehind(link)), `${label}: citation ${color}`).to.be.at.least(4.5);
}

describe('tool steps and sources: accessibility', () => {
  describe('axe', () => {
    for (const theme of ['light', 'dark'] as const) {
      it(`passes with steps running, done and failed and a source list, closed and open (${theme})`, async () => {
        const shown = await stepsOnScreen({ theme });
        const { el } = shown;
        try {
          expect(statuses(el)).to.deep.equal(['Done', 'Failed', 'Running']);
          await expect(el).to.be.accessible();
          for (const details of shadow(el).querySelectorAll<HTMLDetailsElement>('[part~="tool"]')) details.open = true;
          await expect(el).to.be.accessible();
        } finally {
          await stop(shown);
        }
      });
    }

    for (const theme of ['light', 'dark'] as const) {
      it(`passes with a citation marker after the cited words (${theme})`, async () => {
        const link = await citationOnScreen(theme);
        expect(link.textContent).to.equal('1');
        await expect((link.getRootNode() as ShadowRoot).host).to.be.accessible();
        expectCitationReadable(link, theme);
      });
    }

    it('names the source list, and numbers its links in order', async () => {
      const shown = await stepsOnScreen();
      try {
        const list = part(shown.el, 'sources')!;
        expect(list.localName).to.equal('ol');
        expect(list.getAttribute('aria-label')).to.equal('Sources');
        const links = [...list.querySelectorAll('a')].map((a) => a.textContent!.trim());
        expect(links).to.deep.equal(['Order help', 'https://example.com/shipping']);
      } finally {
        await stop(shown);
      }
    });
  });

  describe('live region', () => {
    const liveRegion = (el: AiChat) => shadow(el).querySelector('[role="status"]')!;

    /** Everything the live region said while `run` ran, in order (empty resets left out). */
    async function announcements(el: AiChat, run: () => Promise<unknown>): Promise<string[]> {
      const said: string[] = [];
      const observer = new MutationObserver(() => said.push(liveRegion(el).textContent!.trim()));
      observer.observe(liveRegion(el), { childList: true, characterData: true, subtree: true });
      try {
        await run();
        await el.updateComplete;
        // Mutation records are delivered in a microtask after the last render.
        await Promise.resolve();
      } finally {
        observer.disconnect();
      }
      return said.filter(Boolean);
    }

    it("says each state a step reaches once (running, then done or failed), and nothing while its input streams", async () => {
      // Every event in a frame of its own, so that each state is rendered.
      const flow = await scenario({
        headers: UI_STREAM,
        delay: 25,
        chunks: [
          uiEvent({ type: 'start' }),
          ...step('c1', 'getOrder', { id: 7, fields: ['status', 'eta'] }, { output: { status: 'shipped' } }),
          ...step('c2', 'searchDocs', { q: 'refund policy' }, { errorText: 'The search service is down.' }),
          ...text('t1', 'Shipped; no refund page found.'),
          'data: [DONE]\n\n',
        ],
      });
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
      const states: string[] = [];
      el.addEventListener('ai-chat-part', ({ detail: { part: p } }) => p.type === 'tool' && states.push(`${p.name}:${p.state}`));
      const said = await announcements(el, () => el.send('Where is my order, and can I get a refund?'));
      // The steps went through every state on screen...
      expect(states).to.deep.equal([
        'getOrder:input-streaming',
        'getOrder:input-available',
        'getOrder:output-available',
        'searchDocs:input-streaming',
        'searchDocs:input-available',
        'searchDocs:output-error',
      ]);
      // ...and the live region said each state once (not each input fragment), then the answer.
      // States reached in one frame are said together ("… Done. Tool … Running"), as on a
      // loaded machine where two events 25 ms apart can share a frame.
      expect(said.flatMap((text) => text.split('. '))).to.deep.equal([
        'Tool getOrder: Running',
        'Tool getOrder: Done',
        'Tool searchDocs: Running',
        'Tool searchDocs: Failed',
        'Answer: Shipped; no refund page found.',
      ]);
    });

    it('says the next step of the same tool too, though its words are the same', async () => {
      const flow = await scenario({
        headers: UI_STREAM,
        delay: 25,
        chunks: [
          uiEvent({ type: 'start' }),
          ...step('c1', 'getOrder', { id: 7 }, { output: 'shipped' }),
          ...step('c2', 'getOrder', { id: 8 }, { output: 'packed' }),
          ...text('t1', 'One shipped, one packed.'),
          'data: [DONE]\n\n',
        ],
      });
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
      const said = await announcements(el, () => el.send('Where are my orders?'));
      expect(said).to.deep.equal([
        'Tool getOrder: Running',
        'Tool getOrder: Done',
        'Tool getOrder: Running',
        'Tool getOrder: Done',
        'Answer: One shipped, one packed.',
      ]);
    });

    it('says steps that end between two renders together, none replacing another unheard; a tool-only answer ends on its steps', async () => {
      const flow = await scenario({
        headers: UI_STREAM,
        chunks: [
          [
            uiEvent({ type: 'start' }),
            ...step('c1', 'getOrder', { id: 7 }, { output: 'shipped' }),
            ...step('c2', 'searchDocs', { q: 'refund' }, { errorText: 'down' }),
            uiEvent({ type: 'finish' }),
            'data: [DONE]\n\n',
          ].join(''),
        ],
      });
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
      const said = await announcements(el, () => el.send('Where is my order?'));
      expect(said.at(-1)).to.equal('Tool getOrder: Done. Tool searchDocs: Failed');
      expect(said.join(' ')).to.not.include('Answer:');
    });

    it("says a step's end in the element's language", async () => {
      const flow = await scenario({
        headers: UI_STREAM,
        delay: 25,
        chunks: [uiEvent({ type: 'start' }), ...step('c1', 'getOrder', { id: 7 }, { output: 'ok' }), ...text('t1', 'Gut.'), 'data: [DONE]\n\n'],
      });
      const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url} lang="de"></ai-chat>`);
      const said = await announcements(el, () => el.send('Wo ist meine Bestellung?'));
      expect(said).to.deep.equal(['Werkzeug getOrder: Läuft', 'Werkzeug getOrder: Fertig', 'Antwort: Gut.']);
    });
  });

  describe('colours', () => {
    it('keeps steps and sources readable in the light theme, theme="dark", and the dark system scheme', async () => {
      for (const theme of ['light', 'dark'] as const) {
        const shown = await stepsOnScreen({ theme });
        try {
          expectReadable(shown.el, `theme="${theme}"`);
        } finally {
          await stop(shown);
        }
      }
      await emulateMedia({ colorScheme: 'dark' });
      const shown = await stepsOnScreen();
      try {
        // The dark scheme is in force: the panel is the dark theme's background.
        expect(getComputedStyle(part(shown.el, 'panel')!).backgroundColor).to.equal('rgb(21, 23, 28)');
        expectReadable(shown.el, 'prefers-color-scheme: dark');
      } finally {
        await stop(shown);
        await emulateMedia({ colorScheme: 'light' });
      }
    });

    it('keeps steps and sources readable with forced colours, where the runner can emulate them', async function () {
      // Neither the stock emulateMedia command under the puppeteer launcher
      // (it passes colour scheme and reduced motion only; forcedColors is
      // Playwright's) nor puppeteer's emulateMediaFeatures (it refuses
      // forced-colors) can turn forced colours on; CDP's
      // Emulation.setEmulatedMedia can, from a runner plugin that answers
      // `emulate-forced-colors`. Without one, this is skipped.
      const emulate = (active: boolean) => executeServerCommand<boolean, { active: boolean }>('emulate-forced-colors', { active }).catch(() => false);
      if (!(await emulate(true)) || !matchMedia('(forced-colors: active)').matches) this.skip();
      try {
        const shown = await stepsOnScreen();
        try {
          expectReadable(shown.el, 'forced-colors: active');
        } finally {
          await stop(shown);
        }
        expectCitationReadable(await citationOnScreen(), 'forced-colors: active');
      } finally {
        await emulate(false);
      }
    });
  });

  describe('languages', () => {
    const expected = {
      de: { statuses: ['Fertig', 'Fehlgeschlagen', 'Läuft'], labels: ['Eingabe', 'Ergebnis'], sources: 'Quellen' },
      fr: { statuses: ['Terminé', 'Échec', 'En cours'], labels: ['Entrée', 'Résultat'], sources: 'Sources' },
    };
    for (const [lang, want] of Object.entries(expected)) {
      it(`shows a step's state, its labels and the source list's name in ${lang}`, async () => {
        const shown = await stepsOnScreen({ lang });
        try {
          const root = shadow(shown.el);
          expect(statuses(shown.el)).to.deep.equal(want.statuses);
          const labels = [...root.querySelectorAll('[part~="tool"]')][0]!.querySelectorAll('.tool-label');
          expect([...labels].map((label) => label.textContent)).to.deep.equal(want.labels);
          expect(part(shown.el, 'sources')!.getAttribute('aria-label')).to.equal(want.sources);
        } finally {
          await stop(shown);
        }
      });
    }
  });
});
