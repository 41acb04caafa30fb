import { strongEtag } from '../http/httpCaching.ts';
import type { Loaded } from '../http/serve.ts';
import type { Change } from './changes.ts';
import { buildEntry, type CacheEntry } from './entry.ts';
import { createFlights, type Flight } from './flights.ts';
import type { MemoryCache } from './memoryCache.ts';
import type { RedisLevel } from './redisLevel.ts';

export type CacheLevel = 'memory' | 'redis' | 'db';
export type CacheEvents = Readonly<{
  lookup: (level: CacheLevel, result: string) => void;
  coalesced: () => void;
  invalidated: (kind: 'tags' | 'all' | 'reset', dropped: number) => void;
}>;

const noEvents: CacheEvents = { lookup: () => {}, coalesced: () => {}, invalidated: () => {} };

export type Fill = Readonly<{ key: string; tags: readonly string[]; load: () => Promise<Loaded> }>;

/**
 * Memory LRU -> Redis -> Postgres, one load per key at a time. Nothing is trusted until `listening(true)`:
 * without the change feed a cached answer could be stale with nobody to say so, so reads then go straight
 * to Postgres (uncompressed, unstored).
 */
export const createReadCache = (o: {
  memory: MemoryCache;
  redis: RedisLevel | null;
  events?: CacheEvents;
}) => {
  const events = o.events ?? noEvents;
  const flights = createFlights<CacheEntry | null>();
  let trusted = false;

  const fromDb = async (fill: Fill, compress: boolean) => {
    const loaded = await fill.load();
    events.lookup('db', loaded ? 'hit' : 'miss');
    if (!loaded) return { entry: null, cacheable: false };
    const entry = await buildEntry(
      loaded.body,
      loaded.etag ?? strongEtag(loaded.body),
      loaded.position ?? null,
      compress,
    );
    // Tags learnt only while loading were not guarded during the load (see Loaded.tags): serve, do not keep.
    const cacheable = !loaded.tags?.some((t) => !fill.tags.includes(t));
    return { entry, cacheable };
  };

  const fillThrough = async (fill: Fill, flight: Flight, cached: boolean) => {
    if (!cached) return (await fromDb(fill, false)).entry;
    let stamp: { stamp: string; epoch: number } | null = null;
    if (o.redis) {
      const r = await o.redis.read(fill.key, fill.tags);
      events.lookup('redis', r.kind);
      if (r.kind === 'hit') {
        if (!flight.stale) o.memory.set(fill.key, fill.tags, r.entry);
        return r.entry;
      }
      if (r.kind === 'miss' || r.kind === 'stale') stamp = r;
    }
    // Compressed variants are built for the levels that keep them; with both levels off (a benchmark of the bare
    // engine) each answer is built for one response, and compressing it would cost more than sending it.
    const { entry, cacheable } = await fromDb(fill, o.memory.keeps || o.redis !== null);
    // A change to one of its rows arrived while loading: answer the waiting requests, keep nothing.
    if (entry && cacheable && !flight.stale) {
      o.memory.set(fill.key, fill.tags, entry);
      if (stamp) o.redis?.write(fill.key, entry, stamp.stamp, stamp.epoch);
    }
    return entry;
  };

  return {
    async get(fill: Fill): Promise<CacheEntry | null> {
      if (trusted) {
        const hit = o.memory.get(fill.key);
        events.lookup('memory', hit ? 'hit' : 'miss');
        if (hit) return hit;
      }
      const cached = trusted;
      const { promise, joined } = flights.run(fill.key, fill.tags, (flight) =>
        fillThrough(fill, flight, cached),
      );
      if (joined) events.coalesced();
      return promise;
    },
    /**
     * The in-process entry for `key` if it may be served as it is (the change feed is up), without counting a
     * lookup: the fast path counts its hit itself once it serves, and a miss is counted by the `get` that follows.
     */
    peek: (key: string): CacheEntry | undefined => (trusted ? o.memory.get(key) : undefined),
    /** Counts a memory hit served without `get` (see `peek`). */
    servedFromMemory: () => events.lookup('memory', 'hit'),
    /** Applies one change notification; synchronous for the local levels, Redis follows (reads wait for it). */
    invalidate(change: Change) {
      if (change.all) {
        events.invalidated('all', o.memory.clear());
        flights.invalidateAll();
        o.redis?.invalidate('all');
        return;
      }
      if (change.tags.size === 0) return;
      events.invalidated('tags', o.memory.invalidate(change.tags));
      flights.invalidate(change.tags);
      o.redis?.invalidate(change.tags);
    },
    /** The change feed went down (false) or came back (true): either way, forget what we had. */
    listening(up: boolean) {
      events.invalidated('reset', o.memory.clear());
      flights.invalidateAll();
      o.redis?.unsync();
      trusted = up;
      if (up) void o.redis?.resync();
    },
    trusted: () => trusted,
    memoryStats: () => o.memory.stats(),
    redisStatus: () => o.redis?.status() ?? null,
  };
};

export type ReadCache = ReturnType<typeof createReadCache>;
