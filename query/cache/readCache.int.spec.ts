import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { Redis } from 'ioredis';
import { createLogger } from '../../infra/kernel/logger.ts';
import { problemDetails } from '../../infra/kernel/problem.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { createCachedServe } from '../http/cachedServe.ts';
import { handle } from '../http/handle.ts';
import { DETAIL_CACHE, type Loaded } from '../http/serve.ts';
import { parseChange } from './changes.ts';
import { decodeEntry } from './entryCodec.ts';
import { createFreshness } from './freshness.ts';
import { createMemoryCache } from './memoryCache.ts';
import { createReadCache, type ReadCache } from './readCache.ts';
import { createRedisLevel, type RedisLevel } from './redisLevel.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger('test', 'silent');

/** A bill body big enough to be compressed; `v` tells versions apart. */
const body = (id: string, v: number) => JSON.stringify({ id, v, filler: 'x'.repeat(2_000) });
const notify = (billIds: string[]) =>
  parseChange(JSON.stringify({ position: '9', votes: [], bills: billIds, members: [] }));

/**
 * One query instance in miniature: the real cache levels and serve function behind one route,
 * `/bills/:id` tagged `bill:<id>`, loading from `rows` (standing in for Postgres) and counting loads.
 */
const instance = async (prefix: string, rows: Map<string, string>, gate?: () => Promise<void>) => {
  const freshness = createFreshness();
  freshness.setConnected(true);
  freshness.offer([{ readModel: 'bills', position: '9', appliedAt: Date.now(), eventTime: null }]);
  const redis = createRedisLevel({
    url: REDIS_URL,
    prefix,
    ttlMs: 60_000,
    commandTimeoutMs: 500,
    logger,
    listening: () => true,
  });
  const lookups: string[] = [];
  const cache = createReadCache({
    memory: createMemoryCache(1 << 20),
    redis,
    events: {
      lookup: (level, result) => lookups.push(`${level}:${result}`),
      coalesced: () => {},
      invalidated: () => {},
    },
  });
  cache.listening(true);
  await eventually(async () => (redis.usable() ? true : undefined));
  const loads: string[] = [];
  const serve = createCachedServe({ cache, freshness });
  const app = express();
  app.get(
    '/bills/:id',
    handle(async (req, res) => {
      const id = String(req.params.id);
      await serve(req, res, {
        key: `/bills/${id}`,
        tags: [`bill:${id}`],
        policy: DETAIL_CACHE,
        notFound: `no bill ${id}`,
        load: async (): Promise<Loaded> => {
          const value = rows.get(id);
          loads.push(id);
          await gate?.();
          // `late-*` rows name a tag only the load discovers (an alias resolved while loading, say).
          if (value && id.startsWith('late-')) return { body: value, tags: [`bill:${id}`, 'member:x'] };
          return value ? { body: value } : null;
        },
      });
    }),
  );
  app.use(problemDetails(logger));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    cache,
    redis,
    loads,
    lookups,
    get: async (id: string) => {
      const r = await fetch(`${url}/bills/${id}`);
      return { status: r.status, text: await r.text() };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.close();
    },
  } satisfies Record<string, unknown> & { cache: ReadCache; redis: RedisLevel };
};

/** A gate the test opens by hand: loads wait at it. */
const manualGate = () => {
  let open: () => void = () => {};
  let waiting = new Promise<void>((r) => {
    open = r;
  });
  return {
    wait: () => waiting,
    open() {
      open();
      waiting = Promise.resolve();
    },
  };
};

describe('read cache: single-flight, generation checks, Redis shared by instances (real Redis)', () => {
  let prefix: string;
  let admin: Redis;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(() => {
    prefix = `op:test-${randomBytes(5).toString('hex')}:`;
  });
  before(() => {
    admin = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
  });
  after(() => admin.quit());

  const start = async (rows: Map<string, string>, gate?: () => Promise<void>) => {
    const i = await instance(prefix, rows, gate);
    stops.push(i.stop);
    return i;
  };

  it('makes one load for 25 concurrent misses on one key, and none for the next read', async () => {
    const rows = new Map([['a', body('a', 1)]]);
    const gate = manualGate();
    const a = await start(rows, gate.wait);
    const pending = Array.from({ length: 25 }, () => a.get('a'));
    // All 25 have missed memory (and 24 joined the one load) before that load may finish.
    await eventually(async () =>
      a.lookups.filter((l) => l === 'memory:miss').length === 25 ? true : undefined,
    );
    gate.open();
    const answers = await Promise.all(pending);
    expect(answers.map((r) => r.status)).to.deep.equal(Array(25).fill(200));
    expect(new Set(answers.map((r) => r.text))).to.deep.equal(new Set([body('a', 1)]));
    expect(a.loads).to.deep.equal(['a']);
    expect((await a.get('a')).text).to.equal(body('a', 1));
    expect(a.loads).to.deep.equal(['a']);
    expect(a.lookups.filter((l) => l === 'memory:hit')).to.have.length(1);
  });

  it('does not keep a fill that was loading when a change to its rows arrived', async () => {
    const rows = new Map([['b', body('b', 1)]]);
    const gate = manualGate();
    const a = await start(rows, gate.wait);
    const early = a.get('b');
    await eventually(async () => (a.loads.length === 1 ? true : undefined));
    // The projector commits v2 and its notification arrives while the v1 load is still running.
    rows.set('b', body('b', 2));
    a.cache.invalidate(notify(['b']));
    const late = a.get('b');
    await eventually(async () => (a.loads.length === 2 ? true : undefined));
    gate.open();
    // The request that came before the change may get v1; the one after it never does.
    expect((await early).text).to.equal(body('b', 1));
    expect((await late).text).to.equal(body('b', 2));
    expect((await a.get('b')).text).to.equal(body('b', 2));
    expect(a.loads).to.deep.equal(['b', 'b']);
    // Nothing v1 reached Redis for other instances: one whose own load would say v3 gets v2 (a valid
    // Redis fill; the late load may also have bypassed Redis while its invalidation was in flight) or v3.
    await eventually(async () => (a.redis.status().pending === 0 ? true : undefined));
    const other = await start(new Map([['b', body('b', 3)]]));
    expect([body('b', 2), body('b', 3)]).to.include((await other.get('b')).text);
    const raw = await admin.getBuffer(`${prefix}e:/bills/b`);
    if (raw) expect(decodeEntry(raw)?.entry.identity.toString()).to.not.equal(body('b', 1));
  });

  it('serves a fill across instances through Redis until a notification makes it stale', async () => {
    const rows = new Map([['c', body('c', 1)]]);
    const a = await start(rows);
    const b = await start(rows);
    expect((await a.get('c')).text).to.equal(body('c', 1));
    await eventually(async () => ((await admin.exists(`${prefix}e:/bills/c`)) ? true : undefined));
    expect((await b.get('c')).text).to.equal(body('c', 1));
    expect(b.loads).to.deep.equal([]);
    expect(b.lookups).to.include('redis:hit');

    rows.set('c', body('c', 2));
    b.cache.invalidate(notify(['c']));
    // b was told: never v1 again, from memory or from Redis.
    expect((await b.get('c')).text).to.equal(body('c', 2));
    expect(b.loads).to.deep.equal(['c']);
    // a has not received the notification yet and may still answer v1 from its memory...
    expect((await a.get('c')).text).to.equal(body('c', 1));
    // ...until it does.
    a.cache.invalidate(notify(['c']));
    expect((await a.get('c')).text).to.equal(body('c', 2));
    // A notification for another bill leaves c's entry alone.
    b.cache.invalidate(notify(['zzz']));
    expect((await b.get('c')).text).to.equal(body('c', 2));
    expect(b.loads).to.deep.equal(['c']);
  });

  it('rejects an entry that another instance filled from rows read before the change', async () => {
    const rows = new Map([['d', body('d', 1)]]);
    const gate = manualGate();
    const slow = await start(rows, gate.wait);
    const b = await start(rows);
    // `slow` reads the tokens and starts loading v1; it will not hear of the change in this test.
    const pending = slow.get('d');
    await eventually(async () => (slow.loads.length === 1 ? true : undefined));
    rows.set('d', body('d', 2));
    b.cache.invalidate(notify(['d']));
    await eventually(async () => (b.redis.usable() ? true : undefined));
    gate.open();
    expect((await pending).text).to.equal(body('d', 1));
    // slow's v1 lands in Redis under the tokens it read before the change...
    await eventually(async () => ((await admin.exists(`${prefix}e:/bills/d`)) ? true : undefined));
    // ...and b, which has the notification, does not take it.
    expect((await b.get('d')).text).to.equal(body('d', 2));
    expect(b.lookups).to.include('redis:stale');
    expect(b.loads).to.deep.equal(['d']);
  });

  it('keeps nothing while the change feed is down, and forgets everything when it comes back', async () => {
    const rows = new Map([['e', body('e', 1)]]);
    const a = await start(rows);
    expect((await a.get('e')).text).to.equal(body('e', 1));
    a.cache.listening(false);
    rows.set('e', body('e', 2));
    expect((await a.get('e')).text).to.equal(body('e', 2));
    expect((await a.get('e')).text).to.equal(body('e', 2));
    expect(a.loads).to.deep.equal(['e', 'e', 'e']);
    a.cache.listening(true);
    await eventually(async () => (a.redis.usable() ? true : undefined));
    rows.set('e', body('e', 3));
    expect((await a.get('e')).text).to.equal(body('e', 3));
    expect((await a.get('e')).text).to.equal(body('e', 3));
    expect(a.loads).to.deep.equal(['e', 'e', 'e', 'e']);
  });

  it('serves but never keeps an answer whose loader reports tags the spec did not name', async () => {
    const rows = new Map([['late-1', body('late-1', 1)]]);
    const a = await start(rows);
    expect((await a.get('late-1')).text).to.equal(body('late-1', 1));
    expect((await a.get('late-1')).text).to.equal(body('late-1', 1));
    expect(a.loads).to.deep.equal(['late-1', 'late-1']);
  });

  it('answers 404 for a missing row without caching the absence', async () => {
    const rows = new Map<string, string>();
    const a = await start(rows);
    expect((await a.get('f')).status).to.equal(404);
    rows.set('f', body('f', 1));
    expect((await a.get('f')).status).to.equal(200);
    expect(a.loads).to.deep.equal(['f', 'f']);
  });
});
