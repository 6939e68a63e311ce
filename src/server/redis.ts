import { ResumeStoreFullError, type ResumeStore } from './resume.js';
import type { SseFrame } from './sse.js';

/**
 * A {@link ResumeStore} on Redis, for several instances behind one endpoint:
 * a resume, a second tab's follow or a `DELETE` may reach any instance.
 *
 * Each answer is a Redis stream (one entry per event, its id the event id)
 * plus a record of who asked what; a per-answer pub/sub channel tells
 * readers on other instances that an event arrived, and one channel carries
 * cancels to the instance that runs the provider. Bounded: finished answers
 * expire after `ttlMs`; answers still being written are kept alive by the
 * instance writing them (and expire `ttlMs` after it dies); at most
 * `maxAnswers` answers, past which finished ones are evicted first and then
 * new answers get 503; at most `maxAnswerSize` of one answer.
 *
 * @example
 * import { redisResumeStore } from 'ai-chat-element/server/redis';
 * const handler = createChatHandler({ provider: 'openai', model, resumeStore: redisResumeStore({ url: process.env.REDIS_URL }) });
 */
export interface RedisResumeStoreOptions {
  /** `redis://…` for a client of its own, made with `redis` (node-redis) or else `ioredis`, whichever is installed. */
  url?: string;
  /** A connected client instead of `url`: node-redis v4/v5 (`createClient()`) or `ioredis`. The store duplicates it once for pub/sub. */
  client?: RedisClientLike;
  /** Prefix of every key and channel. Default `ai-chat:`. */
  prefix?: string;
  /** How long a finished answer is kept for a late resume, in ms; also how long an answer outlives the instance writing it. Default 5 minutes. */
  ttlMs?: number;
  /** Most answers kept, being written or finished. Default 1000. */
  maxAnswers?: number;
  /** Most event text kept for one answer, in UTF-16 code units; past it the answer ends with `answer_too_long`. Default 4 Mi. */
  maxAnswerSize?: number;
  /** `Retry-After` of the 503 when the store is full, in seconds. Default 5. */
  retryAfterSeconds?: number;
  /**
   * A command that takes longer fails, so a Redis that hangs is treated as
   * down (one that is gone fails at once). Long enough that a busy instance
   * is slowed, not failed. Default 10 000 ms.
   */
  commandTimeoutMs?: number;
}

/** The two client shapes the store speaks to: node-redis (`sendCommand`) and ioredis (`call`). */
export type RedisClientLike =
  | { sendCommand(args: string[]): Promise<unknown>; duplicate(): unknown }
  | { call(command: string, ...args: string[]): Promise<unknown>; duplicate(): unknown };

/** A {@link ResumeStore} that can also close the connections it opened. */
export interface RedisResumeStore extends ResumeStore {
  /** Closes the pub/sub connection, and the client when the store made it from `url`. */
  close(): Promise<void>;
}

interface Connection {
  command(args: string[]): Promise<unknown>;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}

type Dispatch = (channel: string, message: string) => void;
type AnyClient = Record<string, (...args: never[]) => unknown>;
const call = (target: unknown, method: string, ...args: unknown[]) => (target as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);

/** Wraps either client; `own` when the store created it from a URL and closes it. */
async function connect(client: unknown, own: boolean, dispatch: Dispatch): Promise<Connection> {
  const quiet = () => undefined;
  // ioredis first: it has a `sendCommand` too, of another shape.
  if (typeof (client as AnyClient).call === 'function') {
    const subscriber = call(client, 'duplicate');
    call(subscriber, 'on', 'error', quiet);
    call(subscriber, 'on', 'message', dispatch);
    // Without an offline queue, ioredis refuses a subscribe sent before it is connected.
    const ready = () =>
      (subscriber as { status: string }).status === 'ready' ? Promise.resolve() : new Promise((resolve) => call(subscriber, 'once', 'ready', resolve));
    return {
      command: ([name, ...args]) => call(client, 'call', name, ...args) as Promise<unknown>,
      subscribe: async (channel) => {
        await ready();
        await call(subscriber, 'subscribe', channel);
      },
      unsubscribe: async (channel) => void (await call(subscriber, 'unsubscribe', channel)),
      close: async () => {
        for (const each of [subscriber, ...(own ? [client] : [])]) call(each, 'disconnect');
      },
    };
  }
  if (typeof (client as AnyClient).sendCommand === 'function') {
    // node-redis: a subscribed connection takes only (un)subscribe, so pub/sub gets a duplicate.
    const subscriber = call(client, 'duplicate');
    call(subscriber, 'on', 'error', quiet);
    const connecting = (call(subscriber, 'connect') as Promise<unknown>).catch(quiet);
    return {
      command: (args) => call(client, 'sendCommand', args) as Promise<unknown>,
      subscribe: async (channel) => {
        await connecting;
        await call(subscriber, 'subscribe', channel, (message: string) => dispatch(channel, message));
      },
      unsubscribe: async (channel) => void (await call(subscriber, 'unsubscribe', channel)),
      close: async () => {
        // v5 names it close(); v4 only has quit().
        const closeOne = (each: unknown) => call(each, typeof (each as AnyClient).close === 'function' ? 'close' : 'quit') as Promise<unknown>;
        await Promise.all([subscriber, ...(own ? [client] : [])].map((each) => closeOne(each).catch(quiet)));
      },
    };
  }
  throw new TypeError('redisResumeStore: `client` must be a node-redis (`redis`) or `ioredis` client.');
}

/** Waits for `connected`, for at most `ms`: a Redis that is down must not hold the first requests for long. */
const firstConnection = (connected: Promise<unknown>, ms: number) =>
  Promise.race([connected.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms))]);

/**
 * A client of its own for `url`, connected (or given up on) before the first
 * command: commands fail at once while Redis is unreachable, instead of
 * queueing, and the client reconnects by itself.
 */
async function clientFor(url: string): Promise<{ client: unknown }> {
  const load = (name: string) => import(/* @vite-ignore */ name) as Promise<Record<string, unknown>>;
  const nodeRedis = await load('redis').catch(() => undefined);
  if (nodeRedis) {
    const client = call(nodeRedis, 'createClient', {
      url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    });
    call(client, 'on', 'error', () => undefined);
    await firstConnection(call(client, 'connect') as Promise<unknown>, 2000);
    return { client };
  }
  const ioredis = await load('ioredis').catch(() => undefined);
  const Redis = (ioredis?.default ?? ioredis?.Redis) as (new (url: string, options: object) => unknown) | undefined;
  if (!Redis) throw new Error('redisResumeStore: install `redis` or `ioredis` to connect with `url`.');
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  call(client, 'on', 'error', () => undefined);
  await firstConnection(new Promise((resolve) => call(client, 'once', 'ready', resolve)), 2000);
  return { client };
}

/**
 * Claims an answer atomically: refuses a taken key (0), evicts finished
 * answers oldest first while the store is at `maxAnswers`, and reports a
 * store full of answers being written (-1).
 * KEYS: record, all answers (score: expiry), finished answers (score: end).
 * ARGV: record text, now, ttl, max, prefix, key.
 */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ttl)
while redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) do
  local oldest = redis.call('ZPOPMIN', KEYS[3])
  if #oldest == 0 then return -1 end
  redis.call('ZREM', KEYS[2], oldest[1])
  redis.call('DEL', ARGV[5] .. 'r:' .. oldest[1], ARGV[5] .. 's:' .. oldest[1])
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[6])
return 1`;

/** How often a reader on another instance says it still reads; keep `resumeGraceMs` above it. */
const READER_BEAT_MS = 250;

/** One pub/sub message per event: the frame, or the end. */
interface Notice {
  i: number;
  d?: string;
  e?: 'error';
  end?: true;
}

/** Stream entries `[id, [field, value, …]]` as frames, and whether the end marker came. */
function parseEntries(reply: unknown): { frames: SseFrame[]; ended: boolean } {
  const frames: SseFrame[] = [];
  let ended = false;
  for (const [, fields] of (reply ?? []) as Array<[string, string[]]>) {
    const value = (name: string) => fields[fields.indexOf(name) + 1];
    if (fields.includes('end')) {
      ended = true;
      break;
    }
    frames.push({ id: Number(value('i')), data: value('d') ?? '', ...(value('e') === 'error' ? { event: 'error' as const } : {}) });
  }
  return { frames, ended };
}

/** A reader's queue of notices and the one waiting for the next. */
class Inbox {
  readonly notices: Notice[] = [];
  #wake: (() => void) | undefined;
  push(notice: Notice): void {
    this.notices.push(notice);
    this.#wake?.();
  }
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.notices.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}

/** See {@link RedisResumeStoreOptions}. */
export function redisResumeStore(options: RedisResumeStoreOptions): RedisResumeStore {
  if (!options.client && !options.url) throw new TypeError('redisResumeStore: pass `url` or `client`.');
  const prefix = options.prefix ?? 'ai-chat:';
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxAnswers = options.maxAnswers ?? 1000;
  const maxAnswerSize = options.maxAnswerSize ?? 4 * 1024 * 1024;
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  const timeoutMs = options.commandTimeoutMs ?? 10_000;
  const ALL = `${prefix}all`;
  const DONE_SET = `${prefix}done`;
  /** Carries `c<key>` (stop that answer) and `r<key>` (someone on another instance reads it). */
  const CONTROL = `${prefix}control`;
  const record = (key: string) => `${prefix}r:${key}`;
  const stream = (key: string) => `${prefix}s:${key}`;
  const channel = (key: string) => `${prefix}c:${key}`;

  /** Readers on this instance, by answer key. */
  const inboxes = new Map<string, Set<Inbox>>();
  /**
   * Answers this instance writes: their size so far, last id, and when a
   * reader on another instance last said it follows (events are published
   * only then: its own readers get them directly).
   */
  const writing = new Map<string, { size: number; lastId: number; remoteSeenAt: number }>();
  const controlListeners = new Map<string, Set<() => void>>();
  let controlSubscription: Promise<void> | undefined;

  const deliver = (key: string, notice: Notice) => {
    for (const inbox of inboxes.get(key) ?? []) inbox.push(notice);
  };
  const dispatch: Dispatch = (name, message) => {
    if (name === CONTROL) {
      const state = message.startsWith('r') ? writing.get(message.slice(1)) : undefined;
      if (state) state.remoteSeenAt = Date.now();
      for (const listener of controlListeners.get(message) ?? []) listener();
      return;
    }
    const key = name.slice(channel('').length);
    // This instance's own answers reach its readers directly.
    if (!writing.has(key)) deliver(key, JSON.parse(message) as Notice);
  };

  const connection = (async () => {
    const { client } = options.client ? { client: options.client } : await clientFor(options.url!);
    return connect(client, !options.client, dispatch);
  })();
  // Failures surface on each command; this keeps an early one from being unhandled.
  connection.catch(() => undefined);

  async function withTimeout<T>(what: string, work: (redis: Connection) => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer ${what} within ${timeoutMs} ms.`)), timeoutMs);
    });
    try {
      return await Promise.race([connection.then(work), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  const command = (...args: Array<string | number>) => withTimeout(String(args[0]), (redis) => redis.command(args.map(String)));

  /** The control channel, subscribed at once and again after a failure. */
  const listenForControl = () => {
    controlSubscription ??= withTimeout('SUBSCRIBE', (redis) => redis.subscribe(CONTROL)).catch(() => {
      controlSubscription = undefined;
    });
  };
  listenForControl();
  function onControl(message: string, listener: () => void): () => void {
    let set = controlListeners.get(message);
    if (!set) controlListeners.set(message, (set = new Set()));
    set.add(listener);
    listenForControl();
    return () => {
      set.delete(listener);
      if (set.size === 0) controlListeners.delete(message);
    };
  }

  /** Keeps the answers this instance writes from expiring while they are silent (a model thinking). */
  const heartbeat = setInterval(() => {
    const expiry = Date.now() + ttlMs;
    for (const key of writing.keys()) {
      void Promise.all([
        command('PEXPIRE', record(key), ttlMs),
        command('PEXPIRE', stream(key), ttlMs),
        command('ZADD', ALL, expiry, key),
      ]).catch(() => undefined);
    }
  }, Math.max(50, ttlMs / 3));
  (heartbeat as { unref?: () => void }).unref?.();

  async function follow(key: string, inbox: Inbox, on: boolean): Promise<void> {
    let set = inboxes.get(key);
    if (on) {
      if (!set) inboxes.set(key, (set = new Set()));
      set.add(inbox);
      if (set.size === 1 && !writing.has(key)) await withTimeout('SUBSCRIBE', (redis) => redis.subscribe(channel(key)));
    } else if (set?.delete(inbox) && set.size === 0) {
      inboxes.delete(key);
      if (!writing.has(key)) await withTimeout('UNSUBSCRIBE', (redis) => redis.unsubscribe(channel(key))).catch(() => undefined);
    }
  }

  return {
    async create(key, fingerprint) {
      const now = Date.now();
      const created = await command('EVAL', CREATE, 3, record(key), ALL, DONE_SET, fingerprint, now, ttlMs, maxAnswers, prefix, key);
      if (Number(created) === -1) throw new ResumeStoreFullError(undefined, retryAfterSeconds);
      if (Number(created) === 1) writing.set(key, { size: 0, lastId: 0, remoteSeenAt: 0 });
      return Number(created) === 1;
    },

    async fingerprint(key) {
      const value = await command('GET', record(key));
      return typeof value === 'string' ? value : value == null ? undefined : String(value);
    },

    async append(key, frame) {
      const state = writing.get(key);
      if (!state) return false;
      if (frame.event !== 'error' && state.size + frame.data.length > maxAnswerSize) return false;
      state.size += frame.data.length;
      state.lastId = frame.id;
      const fields = ['i', frame.id, 'd', frame.data, ...(frame.event ? ['e', frame.event] : [])];
      const notice: Notice = { i: frame.id, d: frame.data, ...(frame.event ? { e: frame.event } : {}) };
      // A remote reader that joined since gets what it missed by XRANGE, on a gap or its next quiet second.
      const publish = Date.now() - state.remoteSeenAt < 4 * READER_BEAT_MS;
      // Sent together: the client pipelines them.
      await Promise.all([
        command('XADD', stream(key), `${frame.id}-0`, ...fields),
        ...(frame.id === 1 ? [command('PEXPIRE', stream(key), ttlMs)] : []),
        ...(publish ? [command('PUBLISH', channel(key), JSON.stringify(notice))] : []),
      ]);
      deliver(key, notice);
      return true;
    },

    async end(key) {
      const state = writing.get(key);
      if (!state) return;
      writing.delete(key);
      const now = Date.now();
      const notice: Notice = { i: state.lastId, end: true };
      try {
        await Promise.all([
          command('XADD', stream(key), `${state.lastId}-1`, 'end', '1'),
          command('PEXPIRE', stream(key), ttlMs),
          command('PEXPIRE', record(key), ttlMs),
          command('ZADD', ALL, now + ttlMs, key),
          command('ZADD', DONE_SET, now, key),
          command('PUBLISH', channel(key), JSON.stringify(notice)),
        ]);
      } finally {
        deliver(key, notice);
      }
    },

    async delete(key) {
      writing.delete(key);
      await Promise.all([command('DEL', record(key), stream(key)), command('ZREM', ALL, key), command('ZREM', DONE_SET, key)]);
    },

    async *read(key, afterId, signal) {
      const inbox = new Inbox();
      await follow(key, inbox, true);
      // Tells the instance writing the answer that someone reads it here, so its grace does not run out.
      const remote = !writing.has(key);
      const beat = () => void command('PUBLISH', CONTROL, `r${key}`).catch(() => undefined);
      if (remote) beat();
      const beating = remote ? setInterval(beat, READER_BEAT_MS) : undefined;
      try {
        let last = afterId;
        // The backlog from the stream, again after a gap in the notices or a quiet second.
        const catchUp = async function* (): AsyncGenerator<SseFrame, boolean> {
          const { frames, ended } = parseEntries(await command('XRANGE', stream(key), `${last}-1`, '+'));
          for (const frame of frames) {
            if (frame.id <= last) continue;
            if (signal.aborted) return true;
            last = frame.id;
            yield frame;
          }
          return ended;
        };
        // A reader where the answer is written gets every later event directly: it reads Redis only for what came before.
        const local = writing.get(key);
        if ((!local || afterId < local.lastId) && (yield* catchUp())) return;
        while (!signal.aborted) {
          await inbox.wait(1000, signal);
          if (signal.aborted) return;
          if (inbox.notices.length === 0) {
            if (writing.has(key)) continue;
            // Quiet: re-read in case a notice was lost, and stop if the answer expired.
            if (yield* catchUp()) return;
            if (!writing.has(key) && (await command('EXISTS', record(key))) === 0) return;
            continue;
          }
          for (const notice of inbox.notices.splice(0)) {
            if (notice.end && notice.i <= last) return;
            if (notice.i <= last) continue;
            if (notice.end || notice.i > last + 1) {
              if (yield* catchUp()) return;
              continue;
            }
            last = notice.i;
            yield { id: notice.i, data: notice.d ?? '', ...(notice.e ? { event: notice.e } : {}) };
          }
        }
      } finally {
        clearInterval(beating);
        await follow(key, inbox, false);
      }
    },

    async cancel(key) {
      await command('PUBLISH', CONTROL, `c${key}`);
    },

    onCancel: (key, listener) => onControl(`c${key}`, listener),
    onRemoteReader: (key, listener) => onControl(`r${key}`, listener),

    async close() {
      clearInterval(heartbeat);
      await (await connection.catch(() => undefined))?.close();
    },
  };
}
