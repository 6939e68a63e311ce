import { expect, oneEvent } from '@open-wc/testing';
import { chatAt, lastBubble, scenario, wordStream } from './helpers.js';

/** The same scripted endpoint on the other loopback name: another origin than the page's. */
function otherOrigin(url: string): string {
  const cross = new URL(url, location.href);
  cross.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return cross.href;
}

describe('cross-origin endpoints', () => {
  it('answers from a server that allows the origin and no header but Content-Type, with the turn’s key in the body', async () => {
    const flow = await scenario({ ...wordStream(['Hello ', 'there.']), cors: 'plain' });
    const el = await chatAt(otherOrigin(flow.url));
    expect((await el.send('Hi'))?.content).to.equal('Hello there.');
    const [sent] = await flow.requests();
    expect(sent!.headers['idempotency-key']).to.equal(undefined);
    expect(JSON.parse(sent!.body).idempotencyKey).to.match(/^[0-9a-f-]{36}$/);
  });

  it('sends the turn’s key as a header cross-origin too with turn-headers, for a server that allows it', async () => {
    const flow = await scenario({ ...wordStream(['Hello ', 'there.']), cors: 'plain' });
    const el = await chatAt(otherOrigin(flow.url));
    el.setAttribute('turn-headers', '');
    expect(el.turnHeaders).to.equal(true);
    expect((await el.send('Hi'))?.content).to.equal('Hello there.');
    const [sent] = await flow.requests();
    expect(sent!.headers['idempotency-key']).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(sent!.body).idempotencyKey).to.equal(undefined);
  });

  it('says the browser refused the request and which headers to allow, and does not retry it', async () => {
    const flow = await scenario({ ...wordStream(['never shown']) });
    const el = await chatAt(otherOrigin(flow.url));
    el.headers = { Authorization: 'Bearer t' };
    let retries = 0;
    el.addEventListener('ai-chat-retry', () => (retries += 1));
    const failed = oneEvent(el, 'ai-chat-error');
    const message = await el.send('Hi');
    const { detail } = await failed;
    expect(detail.error.code).to.equal('cross-origin');
    expect(detail.error.params).to.deep.include({ origin: location.origin, headers: 'Authorization, Content-Type' });
    expect(message?.status).to.equal('error');
    const line = lastBubble(el).querySelector('[part="error"]')?.textContent ?? '';
    expect(line).to.contain('refused the cross-origin request');
    expect(line).to.contain('Authorization, Content-Type');
    expect(line).to.not.contain('connection');
    expect(retries).to.equal(0);
    // Only the probe reached the server: no preflighted POST, no retries.
    expect((await flow.requests()).map((sent) => sent.method)).to.deep.equal(['HEAD']);
  });
});
