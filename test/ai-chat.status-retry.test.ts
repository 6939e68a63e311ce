import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { scenario, wordStream, type ScriptedResponse } from './helpers.js';

const failing = (status: number, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers,
  contentType: 'application/json',
  chunks: [JSON.stringify({ error: { message: `failed with ${status}` } })],
});

async function chat(url: string): Promise<AiChat> {
  return fixture<AiChat>(html`<ai-chat endpoint=${url} retry-delay="20"></ai-chat>`);
}

describe('retries by status', () => {
  it('does not retry a plain 500: the route ran once, and its error is shown', async () => {
    const flow = await scenario(failing(500), wordStream(['never shown']));
    const el = await chat(flow.url);
    let retries = 0;
    el.addEventListener('ai-chat-retry', () => (retries += 1));
    const message = await el.send('Hi');
    expect(message?.status).to.equal('error');
    expect(message?.error).to.equal('The server answered 500 Internal Server Error: failed with 500');
    expect(retries).to.equal(0);
    expect(await flow.requests()).to.have.length(1);
  });

  // Not 408 here: Chromium itself re-sends a request that got 408, so the widget never sees one.
  for (const status of [502, 503, 504, 429]) {
    it(`retries a ${status} and shows the answer of the next try`, async () => {
      const flow = await scenario(failing(status), wordStream(['Second ', 'try.']));
      const el = await chat(flow.url);
      let retries = 0;
      el.addEventListener('ai-chat-retry', () => (retries += 1));
      expect((await el.send('Hi'))?.content).to.equal('Second try.');
      expect(retries).to.equal(1);
      expect(await flow.requests()).to.have.length(2);
    });
  }

  it('waits for the Retry-After of a 429 before trying again', async () => {
    const flow = await scenario(failing(429, { 'retry-after': '1' }), wordStream(['Later.']));
    const el = await chat(flow.url);
    expect((await el.send('Hi'))?.content).to.equal('Later.');
    const [first, second] = await flow.requests();
    expect(second!.receivedAt - first!.receivedAt).to.be.at.least(950);
  });
});
