import { expect, oneEvent } from '@open-wc/testing';
import { bubbleTexts, chatAt, input, lastBubble, openAiEvent, part, scenario, shadow, type, until, textOnly, wordStream } from './helpers.js';

const errorLine = (el: Parameters<typeof lastBubble>[0]) => lastBubble(el).querySelector('[part="error"]')?.textContent;

describe('failures', () => {
  it('shows an HTTP error with its status and the server message, and fires ai-chat-error', async () => {
    const flow = await scenario({
      status: 500,
      contentType: 'application/json',
      chunks: ['{"error":{"message":"The model is overloaded","type":"server_error"}}'],
    });
    const el = await chatAt(flow.url);
    const failed = oneEvent(el, 'ai-chat-error');
    const message = await el.send('Hello?');
    const { detail } = await failed;
    expect(detail.error).to.deep.include({
      code: 'http',
      status: 500,
      message: 'The server answered 500 Internal Server Error: The model is overloaded',
    });
    expect(detail.error.params.said).to.equal('The model is overloaded');
    expect(detail.message).to.equal(message);
    expect(message?.status).to.equal('error');
    expect(errorLine(el)).to.equal('The server answered 500 Internal Server Error: The model is overloaded');
    expect(el.status).to.equal('error');
    // The question stays in the transcript.
    expect(bubbleTexts(el)[0]).to.equal('Hello?');
  });

  it('styles only the error line of a failed answer, not its whole bubble', async () => {
    const flow = await scenario(wordStream(['Fine.']), { status: 400, contentType: 'text/plain', chunks: ['Bad request'] });
    const el = await chatAt(flow.url);
    await el.send('Hi');
    await el.send('Hello?');
    const bubble = lastBubble(el);
    const question = shadow(el).querySelector('.message.user')!;
    const answered = shadow(el).querySelector('.message.assistant.done')!;
    const line = bubble.querySelector('[part="error"]')!;
    // The failed bubble keeps the size and spacing of every other bubble;
    // the smaller, coloured text is the explanation line alone.
    expect(getComputedStyle(bubble).fontSize).to.equal(getComputedStyle(question).fontSize);
    for (const side of ['marginTop', 'marginBottom', 'paddingTop'] as const) {
      expect(getComputedStyle(bubble)[side], side).to.equal(getComputedStyle(answered)[side]);
    }
    expect(parseFloat(getComputedStyle(line).fontSize)).to.be.below(parseFloat(getComputedStyle(bubble).fontSize));
  });

  it('shows a plain-text error body and a bare status', async () => {
    const flow = await scenario(
      { status: 401, contentType: 'text/plain', chunks: ['Invalid app token'] },
      { status: 404, contentType: 'text/html', chunks: ['<!doctype html><h1>Not found</h1>'] },
    );
    const el = await chatAt(flow.url);
    await el.send('a');
    expect(errorLine(el)).to.equal('The server answered 401 Unauthorized: Invalid app token');
    await el.send('b');
    expect(errorLine(el)).to.equal('The server answered 404 Not Found.');
  });

  it('says when the server cannot be reached', async () => {
    // Port 9 (discard) is closed on loopback: the connection is refused.
    const el = await chatAt('http://127.0.0.1:9/chat');
    const failed = oneEvent(el, 'ai-chat-error');
    const message = await el.send('anyone there?');
    expect((await failed).detail.error.code).to.equal('unreachable');
    expect(message?.status).to.equal('error');
    expect(errorLine(el)).to.match(/could not reach the server/i);
  });

  it('keeps the text that arrived when the connection is cut mid-stream', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Half an '), openAiEvent('answer')], delay: 10, end: 'cut' });
    const el = await chatAt(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(message?.content).to.equal('Half an answer');
    expect(bubbleTexts(el)[1]).to.equal('Half an answer');
    expect(errorLine(el)).to.match(/connection was lost/i);
  });

  it('refuses a response that is neither an event stream nor JSON', async () => {
    const flow = await scenario({ contentType: 'text/html', chunks: ['<html><body>Login</body></html>'] });
    const el = await chatAt(flow.url);
    const failed = oneEvent(el, 'ai-chat-error');
    await el.send('go');
    const { detail } = await failed;
    expect(detail.error).to.deep.include({ code: 'not-a-stream', status: 200 });
    expect(errorLine(el)).to.equal('The server answered with text/html, not an event stream.');
  });

  it('refuses an HTML page sent as text/plain (a login page with 200) as it refuses text/html, never showing it as the answer', async () => {
    const page = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form>Password</form></body></html>';
    const flow = await scenario(
      { contentType: 'text/plain; charset=utf-8', chunks: ['\n  ', page.slice(0, 5), page.slice(5)], delay: 10 },
      { contentType: 'text/plain', chunks: ['<html>', '<body>Login</body></html>'], delay: 10 },
    );
    const el = await chatAt(flow.url);
    const deltas: string[] = [];
    el.addEventListener('ai-chat-delta', (event) => deltas.push(event.detail.delta));
    for (const question of ['go', 'again']) {
      const failed = oneEvent(el, 'ai-chat-error');
      const message = await el.send(question);
      expect((await failed).detail.error).to.deep.include({ code: 'not-a-stream', status: 200 });
      expect(message?.status).to.equal('error');
      expect(message?.content).to.equal('');
      expect(errorLine(el)).to.equal('The server answered with text/html, not an event stream.');
    }
    expect(deltas).to.deep.equal([]);
    // Not retried: the same page would come back.
    expect(await flow.requests()).to.have.length(2);
  });

  it('still streams a text/plain answer that merely mentions HTML', async () => {
    const flow = await scenario({ contentType: 'text/plain', chunks: ['Use ', '<html> as the root.'], delay: 10 });
    const el = await chatAt(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('done');
    expect(message?.content).to.equal('Use <html> as the root.');
  });

  it('reads a complete JSON answer', async () => {
    const flow = await scenario({
      contentType: 'application/json',
      chunks: [JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Not streamed, still shown.' } }] })],
    });
    const el = await chatAt(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('done');
    expect(bubbleTexts(el)[1]).to.equal('Not streamed, still shown.');
  });

  it('says the server sent no answer when a stream has nothing readable', async () => {
    const flow = await scenario({ chunks: [': just a comment\n\n', 'data: [DONE]\n\n'] });
    const el = await chatAt(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(errorLine(el)).to.equal('The server sent no answer.');
  });

  it('shows an error the server reports inside the stream, keeping the text before it', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Started '), 'data: {"error":{"message":"Rate limit reached"}}\n\n'] });
    const el = await chatAt(flow.url);
    const message = await el.send('go');
    expect(message?.status).to.equal('error');
    expect(message?.content).to.equal('Started ');
    expect(errorLine(el)).to.equal('Rate limit reached');
  });

  it('keeps the draft the reader typed while the failing answer streamed', async () => {
    const flow = await scenario({ chunks: [openAiEvent('Going… ')], delay: 150, end: 'cut' });
    const el = await chatAt(flow.url);
    type(el, 'first question');
    await el.updateComplete;
    part<HTMLButtonElement>(el, 'send-button')!.click();
    await until(() => el.status === 'connecting' || el.status === 'streaming', 'the request');
    type(el, 'my next question, half written');
    await until(() => el.status === 'error', 'the failure');
    await el.updateComplete;
    expect(input(el).value).to.equal('my next question, half written');
    expect(bubbleTexts(el)[0]).to.equal('first question');
  });

  it('a failed turn does not block the next one', async () => {
    const flow = await scenario(
      { status: 400, contentType: 'text/plain', chunks: ['Bad request'] },
      { chunks: [openAiEvent('Recovered.'), 'data: [DONE]\n\n'] },
    );
    const el = await chatAt(flow.url);
    expect((await el.send('one'))?.status).to.equal('error');
    expect((await el.send('two'))?.content).to.equal('Recovered.');
    expect(el.status).to.equal('idle');
    // The failed answer (empty) is not sent back as an assistant turn.
    const second = JSON.parse((await flow.requests())[1]!.body);
    expect(textOnly(second.messages)).to.deep.equal([
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
    ]);
  });
});
