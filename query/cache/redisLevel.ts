import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CacheEntry } from './entry.ts';
import { decodeEntry, encodeEntry } from './entryCodec.ts';
import { throttledLog } from './throttledLog.ts';

export type RedisLevelOptions = Readonly<{
  url: string;
  prefix: string;
  ttlMs: number;
  commandTimeoutMs: number;
  logger: Logger;
  /** True while the change feed is listening: only then can a resync make Redis trustworthy. */
  listening: () => boolean;
  onFlush?: () => void;
}>;

export type RedisRead =
  | Readonly<{ kind: 'hit'; entry: CacheEntry }>
  | Readonly<{ kind: 'miss' | 'stale'; stamp: string; epoch: number }>
  | Readonly<{ kind: 'bypass' | 'error' }>;

/**
 * The shared level. Invalidation by tag tokens, correct with any number of query instances:
 *
 * - every tag has a token key (`t:<tag>`, plus `t:*` for everything). An entry is stored with the stamp
 *   (the tokens of `*` and of its tags) read BEFORE its rows were loaded, and is served only while the current
 *   tokens still equal that stamp;
 * - each instance, on each notification, writes a fresh random token to every tag it names (so N instances
 *   write N times; any one of them is enough). A fill that read the tokens before that write is stale forever;
 *   a fill that read them after it began after the change was committed;
 * - an instance does not read Redis while its own token writes are in flight (`pending`), so once it has
 *   received a notification it never serves an entry filled before that change;
 * - a write of an entry happens only on the connection its stamp was read on (`epoch`), so an entry filled
 *   across a Redis restart cannot match the (lost, restarted) tokens.
 *
 * `synced` says this instance can vouch for Redis: false at start (changes may have happened while no
 * instance listened), after the listener lost notifications, after a token write failed, and after the
 * connection dropped (a restart from a snapshot would revive old tokens with old entries). Until it is true
 * again Redis is neither read nor written. A resync, once LISTEN is active, writes a new `t:*` token: every
 * entry filled before it is dead for all instances, and every later change reaches us. It costs one Postgres
 * load per hot key cluster-wide, and happens only on instance start and after an outage.
 * Tokens live longer than entries, so an expired token can never make an older entry match again.
 */
export const createRedisLevel = (o: RedisLevelOptions) => {
  const warn = throttledLog(o.logger);
  const redis = new Redis(o.url, {
    enableAutoPipelining: true,
    // Never queue behind a dead connection: fail at once and let the caller go to Postgres.
    enableOfflineQueue: false,
    commandTimeout: o.commandTimeoutMs,
    connectTimeout: Math.max(1_000, o.commandTimeoutMs),
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  const instance = randomBytes(6).toString('base64url');
  let seq = 0;
  const token = () => `${instance}.${++seq}`;
  let epoch = 0;
  let pending = 0;
  let synced = false;
  let resyncing = false;
  let failures = 0;
  let closed = false;

  const entryKey = (key: string) => `${o.prefix}e:${key}`;
  const tokenKey = (tag: string) => `${o.prefix}t:${tag}`;
  const ALL = tokenKey('*');
  const tokenTtlMs = o.ttlMs + 300_000;

  const lost = (err: unknown, msg: string) => {
    synced = false;
    failures++;
    warn(err, msg);
  };

  const maybeResync = async (): Promise<void> => {
    if (closed || synced || resyncing || redis.status !== 'ready' || !o.listening()) return;
    resyncing = true;
    const at = { epoch, failures };
    let again = false;
    try {
      await redis.set(ALL, token(), 'PX', tokenTtlMs);
      o.onFlush?.();
      // A token write that failed after the flush left a change uninvalidated: flush again.
      if (at.epoch === epoch && at.failures === failures) synced = true;
      else again = true;
    } catch (err) {
      warn(err, 'redis resync failed; retrying when it answers');
    } finally {
      resyncing = false;
    }
    if (again) return maybeResync();
  };

  redis.on('error', (err) => warn(err, 'redis unavailable; serving from memory and Postgres'));
  // A Redis restarted from a snapshot would bring back old tokens with old entries: resync after any drop.
  redis.on('close', () => {
    epoch++;
    if (synced) lost(null, 'redis connection lost; it will be resynced before use');
  });
  redis.on('ready', () => {
    o.logger.info({ synced }, 'redis ready');
    void maybeResync();
  });
  const timer = setInterval(() => void maybeResync(), 1_000);
  timer.unref();

  const usable = () => synced && pending === 0 && redis.status === 'ready';

  return {
    usable,
    /** The entry if its stamp is current; else the stamp to store a fresh fill under, read before the load. */
    async read(key: string, tags: readonly string[]): Promise<RedisRead> {
      if (!usable()) return { kind: 'bypass' };
      const at = epoch;
      try {
        // Auto-pipelined: both commands leave in one write, one round trip.
        const [buf, tokens] = await Promise.all([
          redis.getBuffer(entryKey(key)),
          redis.mget(ALL, ...tags.map(tokenKey)),
        ]);
        const stamp = tokens.map((t) => t ?? '0').join(' ');
        if (!buf) return { kind: 'miss', stamp, epoch: at };
        const decoded = decodeEntry(buf);
        if (!decoded || decoded.stamp !== stamp) return { kind: 'stale', stamp, epoch: at };
        return { kind: 'hit', entry: decoded.entry };
      } catch (err) {
        warn(err, 'redis read failed; serving from Postgres');
        return { kind: 'error' };
      }
    },
    write(key: string, entry: CacheEntry, stamp: string, at: number) {
      if (!usable() || at !== epoch) return;
      redis
        .set(entryKey(key), encodeEntry(entry, stamp), 'PX', o.ttlMs)
        .catch((err) => warn(err, 'redis write failed'));
    },
    /** Makes every Redis entry carrying one of `tags` (or every entry) unusable for all instances. */
    invalidate(tags: ReadonlySet<string> | 'all') {
      if (closed) return;
      if (redis.status !== 'ready') {
        lost(null, 'redis down during an invalidation; it will be resynced before use');
        return;
      }
      pending++;
      const t = token();
      const m = redis.multi();
      for (const tag of tags === 'all' ? ['*'] : tags) m.set(tokenKey(tag), t, 'PX', tokenTtlMs);
      m.exec()
        .then((results) => {
          const failed = results?.find(([err]) => err)?.[0];
          if (failed) lost(failed, 'redis invalidation failed; it will be resynced before use');
        })
        .catch((err) => lost(err, 'redis invalidation failed; it will be resynced before use'))
        .finally(() => {
          pending--;
          void maybeResync();
        });
    },
    /** The listener lost notifications: stop trusting Redis until resynced. */
    unsync() {
      synced = false;
      failures++;
    },
    resync: maybeResync,
    status: () => ({ connection: redis.status, synced, pending }),
    async close() {
      closed = true;
      clearInterval(timer);
      redis.disconnect();
    },
  };
};

export type RedisLevel = ReturnType<typeof createRedisLevel>;
