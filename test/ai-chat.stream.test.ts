import { expect, oneEvent } from '@open-wc/testing';
import { bubbleTexts, chatAt, DONE, lastBubble, openAiEvent, scenario, until, wordStream } from './helpers.js';

/** Cuts `text` into pieces at the given byte offsets of its UTF-8 encoding, as base64 chunks. */
function splitBytes(text: string, offsets: number[], delay = 10) {
  const bytes = new TextEncoder().encode(text);
  const cuts = [0, ...offsets, bytes.length];
  return cuts.slice(1).map((end, i) => {
    const piece = bytes.slice(cuts[i], end);
    return { base64: btoa(String.fromCharCode(...piece)), delay };
  });
}

describe('streaming an answer', () => {
  it('shows the answer growing token by token, then done', async () => {
    const flow = await scenario(wordStream(['Hello', ', ', 'wor', 'ld', '!'], 60));
    const el = await chatAt(flow.url);
    const sending = el.send('Hi');
    // Part of the answer is on screen before the stream has ended.
    await until(() => bubbleTexts(el)[1]?.startsWith('Hello'), 'the first token');
    expect(bubbleTexts(el)[1]).to.not.equal('Hello, world!');
    expect(lastBubble(el).getAttribute('aria-busy')).to.equal('true');
    const answer = await sending;
    expect(answer?.status).to.equal('done');
    expect(answer?.content).to.equal('Hello, world!');
    expect(bubbleTexts(el)).to.deep.equal(['Hi', 'Hello, world!']);
    expect(lastBubble(el).getAttribute('aria-busy')).to.equal('false');
    expect(el.status).to.equal('idle');
  });

  it('reads events split at odd byte offsets, across chunks', async () => {
    const body = openAiEvent('Split ') + openAiEvent('every') + openAiEvent(' way.') + DONE;
    const flow = await scenario({ chunks: splitBytes(body, [1, 7, 23, 50, 51, 52, 90, 131, body.length - 3]) });
    const el = await chatAt(flow.url);
    const answer = await el.send('go');
    expect(answer?.content).to.equal('Split every way.');
  });

  it('reassembles multi-byte UTF-8 characters cut between chunks', async () => {
    const text = 'Grüße 👋🏽 日本語 — café';
    const body = openAiEvent(text) + DONE;
    const bytes = new TextEncoder().encode(body);
    // Cut inside the 4-byte emoji, inside a 3-byte CJK character and inside ü.
    const emoji = body.indexOf('👋');
    const prefix = (s: string) => new TextEncoder().encode(s).length;
    const offsets = [prefix(body.slice(0, body.indexOf('ü'))) + 1, prefix(body.slice(0, emoji)) + 2, prefix(body.slice(0, body.indexOf('本'))) + 1];
    expect(offsets.every((o) => o > 0 && o < bytes.length)).to.equal(true);
    const flow = await scenario({ chunks: splitBytes(body, offsets) });
    const el = await chatAt(flow.url);
    expect((await el.send('go'))?.content).to.equal(text);
  });

  it('accepts CRLF and CR line ends, comments and heartbeat pings', async () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const flow = await scenario({
      chunks: [': connected\n\n', crlf(openAiEvent('one ')), ': ping\r\n\r\n', openAiEvent('two ').replace(/\n/g, '\r'), crlf(openAiEvent('three')), crlf(DONE)],
      delay: 10,
    });
    const el = await chatAt(flow.url);
    expect((await el.send('go'))?.content).to.equal('one two three');
  });

  it('understands {"content": …} events too', async () => {
    const flow = await scenario({ chunks: ['data: {"content":"plain "}\n\n', 'data: {"content":"shape"}\n\n', DONE] });
    const el = await chatAt(flow.url);
    expect((await el.send('go'))?.content).to.equal('plain shape');
  });

  it('treats a stream that closes without [DONE] as finished', async () => {
    const flow = await scenario({ chunks: [openAiEvent('No '), openAiEvent('marker.')] });
    const el = await chatAt(flow.url);
    const answer = await el.send('go');
    expect(answer?.status).to.equal('done');
    expect(answer?.content).to.equal('No marker.');
  });

  it('stops reading at [DONE] even when the server keeps the connection open', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Finished.'), DONE], end: 'hang' });
    const el = await chatAt(flow.url);
    const answer = await el.send('go');
    expect(answer?.status).to.equal('done');
    expect((await flow.requests())[0]!.completed).to.equal(false);
  });

  it('skips a malformed event and keeps streaming', async () => {
    const flow = await scenario({
      chunks: [openAiEvent('Before '), 'data: {"choices":[{"delta":{"content":\n\n', 'data: {"choices":[{"delta":{"content":{"x":1}}}]}\n\n', openAiEvent('after.'), DONE],
    });
    const el = await chatAt(flow.url);
    const answer = await el.send('go');
    expect(answer?.content).to.equal('Before after.');
    expect(bubbleTexts(el)[1]).to.not.contain('[object Object]');
  });

  it('renders model text as text, never as HTML', async () => {
    const flow = await scenario({ chunks: [openAiEvent('<img src=x onerror="window.__pwned=1"><b>bold</b>'), DONE] });
    const el = await chatAt(flow.url);
    await el.send('go');
    const content = lastBubble(el).querySelector('.content')!;
    expect(content.querySelector('img, b')).to.equal(null);
    expect(content.textContent).to.equal('<img src=x onerror="window.__pwned=1"><b>bold</b>');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('fires ai-chat-delta for each piece of text with the growing message', async () => {
    const flow = await scenario(wordStream(['a', 'b', 'c']));
    const el = await chatAt(flow.url);
    const deltas: string[] = [];
    const contents: string[] = [];
    el.addEventListener('ai-chat-delta', (event) => {
      deltas.push(event.detail.delta);
      contents.push(event.detail.message.content);
    });
    const done = oneEvent(el, 'ai-chat-done');
    await el.send('go');
    expect(deltas).to.deep.equal(['a', 'b', 'c']);
    expect(contents).to.deep.equal(['a', 'ab', 'abc']);
    expect((await done).detail.message.content).to.equal('abc');
  });
});

describe('painting', () => {
  it('updates the DOM at most once per animation frame, however many events arrive', async () => {
    // 400 events in 8 bursts: many events land within one frame.
    const bursts = Array.from({ length: 8 }, (_, b) => ({
      text: Array.from({ length: 50 }, (_, i) => openAiEvent(`${b * 50 + i} `)).join(''),
      delay: 20,
    }));
    const flow = await scenario({ chunks: [...bursts, DONE] });
    const el = await chatAt(flow.url);
    let frame = 0;
    let counting = true;
    const tick = () => {
      frame += 1;
      if (counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const framesWithMutations: number[] = [];
    const observer = new MutationObserver(() => framesWithMutations.push(frame));
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
    const answer = await el.send('go');
    counting = false;
    observer.disconnect();
    expect(answer?.content.split(' ').filter(Boolean)).to.have.length(400);
    const perFrame = new Map<number, number>();
    for (const f of framesWithMutations) perFrame.set(f, (perFrame.get(f) ?? 0) + 1);
    expect(Math.max(...perFrame.values())).to.equal(1);
    // And the batching is real: far fewer paints than events.
    expect(framesWithMutations.length).to.be.below(100);
  });

  it('follows the newest text, unless the reader has scrolled up', async () => {
    const words = Array.from({ length: 120 }, (_, i) => `line ${i}\n`);
    const flow = await scenario(wordStream(words, 8));
    const el = await chatAt(flow.url);
    el.style.setProperty('--ai-chat-height', '240px');
    const transcript = el.shadowRoot!.querySelector<HTMLElement>('.transcript')!;
    const atBottom = () => transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;

    await el.send('first');
    expect(transcript.scrollHeight).to.be.above(transcript.clientHeight * 2);
    expect(atBottom()).to.equal(true);

    const second = el.send('second');
    await until(() => bubbleTexts(el)[3]?.includes('line 20'), 'the second answer to start');
    transcript.scrollTop = 0;
    transcript.dispatchEvent(new Event('scroll'));
    await second;
    expect(transcript.scrollTop).to.equal(0);
  });
});
