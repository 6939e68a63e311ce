import { expect } from '@open-wc/testing';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  ChatStreamController,
  DEFAULT_POLICY,
  type AnswerSink,
  type RetryNotice,
  type StreamClock,
  type StreamDependencies,
  type StreamPolicy,
} from '../src/stream/chat-stream-controller.js';
import type { ChatRequest } from '../src/types.js';
import { DONE, openAiEvent, scenario, until, type ScriptedResponse } from './helpers.js';

/** The least a reactive controller needs from its host. */
function host(): ReactiveControllerHost {
  return {
    addController: (_: ReactiveController) => undefined,
    removeController: (_: ReactiveController) => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
  };
}

/** A clock that only moves when the test fires one of its timers. */
class ManualClock implements StreamClock {
  time = 0;
  #next = 1;
  readonly timers = new Map<number, { ms: number; callback: () => void }>();
  /** Every duration ever armed, in order. */
  readonly armed: number[] = [];
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    this.armed.push(ms);
    const id = this.#next++;
    this.timers.set(id, { ms, callback });
    return id;
  };
  clearTimeout = (id: unknown) => void this.timers.delete(id as number);
  /** The durations of the timers now pending, in the order they were armed. */
  pending = () => [...this.timers.values()].map((timer) => timer.ms);
  /** Runs the first pending timer of `ms`, as if that much time had passed. */
  fire(ms: number): void {
    const entry = [...this.timers].find(([, timer]) => timer.ms === ms);
    if (!entry) throw new Error(`no ${ms} ms timer pending (pending: ${this.pending().join(', ')})`);
    this.timers.delete(entry[0]);
    this.time += ms;
    entry[1].callback();
  }
}

const request = (url: string): ChatRequest => ({
  url,
  headers: {},
  body: { messages: [{ id: 'm1', role: 'user', content: 'go', parts: [{ type: 'text', text: 'go' }] }], stream: true },
  withCredentials: false,
});

/** A sink that records what it is told. */
function recorder(extra: Partial<AnswerSink> = {}) {
  const seen = { text: '', notices: [] as RetryNotice[], offline: 0 };
  const sink: AnswerSink = {
    onText: (delta) => (seen.text += delta),
    onRetry: (notice) => seen.notices.push(notice),
    onOffline: () => (seen.offline += 1),
    ...extra,
  };
  return { seen, sink };
}

const policy = (overrides: Partial<StreamPolicy>): StreamPolicy => ({ ...DEFAULT_POLICY, ...overrides });

const status = (code: number, headers: Record<string, string> = {}): ScriptedResponse => ({
  status: code,
  headers,
  contentType: 'application/json',
  chunks: [JSON.stringify({ error: { message: 'busy' } })],
});
const answer = (text: string): ScriptedResponse => ({ chunks: [openAiEvent(text), DONE] });

function controllerWith(dependencies: StreamDependencies) {
  return new ChatStreamController(host(), dependencies);
}

describe('ChatStreamController: retry policy on an injected clock', () => {
  it('backs off exponentially with the injected random source: 500, 1000, 2000 ms, then gives up', async () => {
    const flow = await scenario(status(503));
    const clock = new ManualClock();
    const stream = controllerWith({ clock, random: () => 0.5 });
    const { seen, sink } = recorder();
    const running = stream.run(request(flow.url), sink, policy({ retryDelay: 1000, maxRetries: 3, idleTimeout: 0 }));
    for (const delay of [500, 1000, 2000]) {
      await until(() => clock.pending().includes(delay), `the ${delay} ms backoff`);
      expect(stream.status).to.equal('retrying');
      clock.fire(delay);
    }
    const outcome = await running;
    expect(seen.notices.map((n) => [n.attempt, n.delay, n.error.code, n.error.status])).to.deep.equal([
      [1, 500, 'http', 503],
      [2, 1000, 'http', 503],
      [3, 2000, 'http', 503],
    ]);
    expect(outcome).to.deep.include({ status: 'error' });
    expect(outcome.status === 'error' && outcome.error.code).to.equal('http');
    expect(await flow.requests()).to.have.length(4);
  });

  it('never waits less than Retry-After, in seconds or as an HTTP date read on the injected clock', async () => {
    const flow = await scenario(
      status(429, { 'retry-after': '5' }),
      status(503, { 'retry-after': 'Sun, 22 Nov 2026 10:00:07 GMT' }),
      answer('ok'),
    );
    const clock = new ManualClock();
    clock.time = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
    const stream = controllerWith({ clock, random: () => 0 });
    const { seen, sink } = recorder();
    const running = stream.run(request(flow.url), sink, policy({ retryDelay: 1000, idleTimeout: 0 }));
    await until(() => clock.pending().includes(5000), 'the Retry-After wait');
    clock.fire(5000);
    // 5 s have passed on the clock: the date is 2 s away.
    await until(() => clock.pending().includes(2000), 'the HTTP-date wait');
    clock.fire(2000);
    expect(await running).to.deep.equal({ status: 'done' });
    expect(seen.notices.map((n) => n.delay)).to.deep.equal([5000, 2000]);
    expect(seen.text).to.equal('ok');
  });

  it('obeys a server retry: field within 1–60 s: 0 becomes 1 s, 2500 stays 2.5 s', async () => {
    const flow = await scenario(
      { chunks: ['retry: 0\n\n'], end: 'cut' },
      { chunks: ['retry: 2500\n\n'], end: 'cut' },
      answer('back'),
    );
    const clock = new ManualClock();
    const stream = controllerWith({ clock, random: () => 0 });
    const { seen, sink } = recorder();
    const running = stream.run(request(flow.url), sink, policy({ retryDelay: 10, idleTimeout: 0 }));
    await until(() => clock.pending().includes(1000), 'the clamped 1 s wait');
    clock.fire(1000);
    await until(() => clock.pending().includes(2500), 'the 2.5 s wait');
    clock.fire(2500);
    expect(await running).to.deep.equal({ status: 'done' });
    expect(seen.notices.map((n) => [n.delay, n.error.code])).to.deep.equal([
      [1000, 'connection-lost'],
      [2500, 'connection-lost'],
    ]);
  });

  it('waits offline without spending an attempt or arming a backoff, then goes on', async () => {
    const flow = await scenario({ chunks: [], end: 'cut' }, { chunks: [], end: 'cut' }, answer('Online again.'));
    const clock = new ManualClock();
    let offline = true;
    let backOnline!: () => void;
    const stream = controllerWith({
      clock,
      random: () => 0,
      connectivity: {
        isOffline: () => offline,
        whenOnline: () => new Promise<void>((resolve) => (backOnline = resolve)),
      },
    });
    const { seen, sink } = recorder();
    const running = stream.run(request(flow.url), sink, policy({ maxRetries: 1, retryDelay: 100, idleTimeout: 0 }));
    await until(() => seen.offline === 1, 'the offline wait');
    expect(stream.status).to.equal('retrying');
    expect(clock.pending(), 'no backoff timer while offline').to.deep.equal([]);
    expect(seen.notices).to.deep.equal([]);
    offline = false;
    backOnline();
    // The wait spent nothing: the one allowed retry is still there.
    await until(() => clock.pending().includes(0), 'the backoff after the second failure');
    clock.fire(0);
    expect(await running).to.deep.equal({ status: 'done' });
    expect(seen.notices.map((n) => n.attempt)).to.deep.equal([1]);
    expect(await flow.requests()).to.have.length(3);
  });
});

describe('ChatStreamController: time-outs on an injected clock', () => {
  it('arms the idle time-out while waiting on the network, and never while a piece is being read', async () => {
    const flow = await scenario({ chunks: [openAiEvent('a'), openAiEvent('b'), DONE], delay: 30 });
    const clock = new ManualClock();
    const stream = controllerWith({ clock });
    const armedDuringText: number[][] = [];
    const timesArmed: number[] = [];
    const { sink } = recorder({
      onText: () => {
        armedDuringText.push(clock.pending());
        timesArmed.push(clock.armed.length);
      },
    });
    const running = stream.run(request(flow.url), sink, policy({ idleTimeout: 700, firstTokenTimeout: 0 }));
    // Waiting for the response: armed.
    expect(clock.pending()).to.deep.equal([700]);
    expect(await running).to.deep.equal({ status: 'done' });
    expect(armedDuringText).to.deep.equal([[], []]);
    // Armed afresh at the request and again at the headers, before any body.
    expect(timesArmed[0]).to.equal(2);
    expect(clock.pending(), 'every timer is cleared at the end').to.deep.equal([]);
  });

  it('a silent server fails as idle once the idle time-out fires', async () => {
    const flow = await scenario({ chunks: [], end: 'hang' });
    const clock = new ManualClock();
    const stream = controllerWith({ clock });
    const running = stream.run(request(flow.url), recorder().sink, policy({ idleTimeout: 300, maxRetries: 0 }));
    await until(() => clock.pending().includes(300), 'the idle timer');
    clock.fire(300);
    const outcome = await running;
    expect(outcome.status === 'error' && outcome.error).to.deep.include({
      code: 'idle',
      message: 'The server went silent for 0.3 s.',
    });
  });

  it('arms the answer time-out once per answer, across attempts, and fails as timeout when it fires', async () => {
    const flow = await scenario(status(503), { chunks: [openAiEvent('slow')], end: 'hang' });
    const clock = new ManualClock();
    const stream = controllerWith({ clock, random: () => 0 });
    const { seen, sink } = recorder();
    const running = stream.run(request(flow.url), sink, policy({ timeout: 9000, idleTimeout: 0, retryDelay: 1 }));
    expect(clock.pending()).to.deep.equal([9000, DEFAULT_POLICY.firstTokenTimeout]);
    await until(() => clock.pending().includes(0), 'the backoff');
    clock.fire(0);
    await until(() => seen.text === 'slow', 'the text of the second attempt');
    expect(clock.pending().filter((ms) => ms === 9000)).to.have.length(1);
    clock.fire(9000);
    const outcome = await running;
    expect(outcome.status === 'error' && outcome.error.code).to.equal('timeout');
    expect(clock.pending()).to.deep.equal([]);
  });

  it('fails an answer whose first token does not come in first-token-timeout, pings or not; not retried', async () => {
    const pings = Array.from({ length: 100 }, () => ({ text: ': ping\n\n', delay: 20 }));
    const flow = await scenario({ chunks: pings, end: 'hang' });
    const clock = new ManualClock();
    const stream = controllerWith({ clock });
    const running = stream.run(request(flow.url), recorder().sink, policy({ firstTokenTimeout: 5000, idleTimeout: 1000 }));
    // Pings re-arm the idle timer; they do not touch the first-token one.
    await until(() => clock.armed.filter((ms) => ms === 1000).length >= 4, 'three pings to re-arm the idle timer');
    expect(clock.pending()).to.include(5000);
    clock.fire(5000);
    const outcome = await running;
    expect(outcome.status === 'error' && outcome.error).to.deep.include({
      code: 'first-token',
      message: 'The server sent no answer within 5 s.',
    });
    expect(await flow.requests()).to.have.length(1);
  });

  it('clears the first-token time-out at the first text', async () => {
    const flow = await scenario({ chunks: [': ping\n\n', openAiEvent('Hi')], end: 'hang' });
    const clock = new ManualClock();
    const stream = controllerWith({ clock });
    const { seen, sink } = recorder();
    const running = stream.run(request(flow.url), sink, policy({ firstTokenTimeout: 5000, idleTimeout: 0 }));
    expect(clock.pending()).to.deep.equal([5000]);
    await until(() => seen.text === 'Hi', 'the first text');
    expect(clock.pending()).to.deep.equal([]);
    stream.abort();
    expect(await running).to.deep.equal({ status: 'aborted' });
  });

  it('has a finite default wait for the first token', () => {
    expect(DEFAULT_POLICY.firstTokenTimeout).to.be.within(30_000, 300_000);
  });
});

describe('ChatStreamController: real time, real network', () => {
  it('does not blame the server for slow reading: a big piece read slowly is not an idle stall', async () => {
    // One write of ~60 kB (a buffering proxy), then the end marker. Reading
    // it takes far longer than idle-timeout because the sink is slow; the
    // server was never silent while bytes waited.
    const events = Array.from({ length: 400 }, (_, i) => openAiEvent(`${i} `.padEnd(120, '.'))).join('');
    const flow = await scenario({ chunks: [events, DONE] });
    const stream = new ChatStreamController(host());
    const { seen, sink } = recorder({
      onText: (delta) => {
        seen.text += delta;
        const end = performance.now() + 2;
        while (performance.now() < end); // a slow frame
      },
    });
    const started = performance.now();
    const outcome = await stream.run(request(flow.url), sink, policy({ idleTimeout: 200, maxRetries: 0 }));
    expect(performance.now() - started, 'reading took longer than idle-timeout').to.be.above(400);
    expect(outcome).to.deep.equal({ status: 'done' });
    expect(seen.text.startsWith('0 ')).to.equal(true);
  });

  it('ends a stream of keep-alive pings after first-token-timeout instead of typing forever', async () => {
    const pings = Array.from({ length: 200 }, () => ({ text: ': ping\n\n', delay: 50 }));
    const flow = await scenario({ chunks: pings, end: 'hang' });
    const stream = new ChatStreamController(host());
    const started = performance.now();
    const outcome = await stream.run(request(flow.url), recorder().sink, policy({ firstTokenTimeout: 400, idleTimeout: 200 }));
    const elapsed = performance.now() - started;
    expect(outcome.status === 'error' && outcome.error.code).to.equal('first-token');
    expect(elapsed).to.be.within(400, 3000);
    await until(async () => (await flow.requests())[0]?.clientClosed, 'the connection to close');
  });
});
