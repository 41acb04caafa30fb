import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { SECONDS_BUCKETS } from '../../infra/kernel/metricBuckets.ts';
import type { Freshness } from '../cache/freshness.ts';
import type { CacheEvents, ReadCache } from '../cache/readCache.ts';
import { createFastHistogram } from './fastHistogram.ts';

/** The slice of slonik's pool state we report (slonik 47 `pool.state()`). */
export type PoolState = Readonly<{
  acquiredConnections: number;
  idleConnections: number;
  pendingConnections: number;
  waitingClients: number;
}>;

export type MetricsSources = {
  cache?: ReadCache;
  freshness?: Freshness;
  poolState?: () => PoolState;
  listening?: () => boolean;
  now?: () => number;
};

const BYTES = [128, 512, 2_048, 8_192, 32_768, 131_072, 524_288, 2_097_152];

/**
 * The query service's Prometheus registry (one per service instance, so tests can run several): HTTP,
 * cache levels, change feed and freshness, database pool, and the default process metrics.
 */
export const createQueryMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const sources: MetricsSources = {};
  const now = () => (sources.now ?? Date.now)();

  // Observed on every request: prom-client's Histogram API and exposition, without its per-call cost.
  const httpDuration = createFastHistogram({
    name: 'openpolicy_http_request_duration_seconds',
    help: 'Time to the last byte of the response, per express route path and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const responseSize = createFastHistogram({
    name: 'openpolicy_http_response_size_bytes',
    help: 'Response body size as sent (after content coding), per route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: BYTES,
    registers,
  });
  const fastPath = new Counter({
    name: 'openpolicy_http_fast_path_responses_total',
    help: 'Responses written by the fast path in front of express (in-process cache hits of URLs seen before)',
    registers,
  });
  const rateLimited = new Counter({
    name: 'openpolicy_http_rate_limited_total',
    help: 'Requests refused with 429 by the per-client token bucket',
    registers,
  });
  const lookups = new Counter({
    name: 'openpolicy_cache_lookups_total',
    help: 'Cache lookups per level: memory hit|miss; redis hit|miss|stale|bypass|error; db hit|miss (row found or not)',
    labelNames: ['level', 'result'] as const,
    registers,
  });
  const coalesced = new Counter({
    name: 'openpolicy_cache_coalesced_total',
    help: 'Misses that joined a load already in flight for the same key (single-flight)',
    registers,
  });
  const invalidations = new Counter({
    name: 'openpolicy_cache_invalidations_total',
    help: 'Change notifications applied (tags, all) and change-feed resets',
    labelNames: ['kind'] as const,
    registers,
  });
  const dropped = new Counter({
    name: 'openpolicy_cache_invalidated_entries_total',
    help: 'In-process entries dropped by change notifications',
    registers,
  });
  const redisFlushes = new Counter({
    name: 'openpolicy_cache_redis_flushes_total',
    help: 'Times this instance invalidated every Redis entry while resyncing',
    registers,
  });

  new Gauge({
    name: 'openpolicy_cache_memory_bytes',
    help: 'Bytes held by the in-process cache (bodies, compressed variants, bookkeeping)',
    registers,
    collect() {
      this.set(sources.cache?.memoryStats().bytes ?? 0);
    },
  });
  new Gauge({
    name: 'openpolicy_cache_memory_entries',
    help: 'Entries in the in-process cache',
    registers,
    collect() {
      this.set(sources.cache?.memoryStats().entries ?? 0);
    },
  });
  new Gauge({
    name: 'openpolicy_cache_redis_usable',
    help: '1 when the Redis level is connected and in sync, 0 otherwise (absent when REDIS_URL is unset)',
    registers,
    collect() {
      this.reset();
      const s = sources.cache?.redisStatus();
      if (s) this.set(s.connection === 'ready' && s.synced ? 1 : 0);
    },
  });
  new Gauge({
    name: 'openpolicy_change_feed_listening',
    help: '1 while LISTEN on openpolicy_rm_changed is active (caches are trusted only then)',
    registers,
    collect() {
      this.set(sources.listening?.() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'openpolicy_projection_lag_seconds',
    help: 'X-Projection-Lag-Ms per read model, in seconds: 0 when caught up, else now - applied_at',
    labelNames: ['read_model'] as const,
    registers,
    collect() {
      this.reset();
      const t = now();
      for (const row of sources.freshness?.rows() ?? []) {
        const h = sources.freshness?.headers(row.readModel, t);
        if (h) this.set({ read_model: row.readModel }, h.lagMs / 1_000);
      }
    },
  });
  new Gauge({
    name: 'openpolicy_read_model_age_seconds',
    help: 'now - applied_at of the position each read model reflects',
    labelNames: ['read_model'] as const,
    registers,
    collect() {
      this.reset();
      const t = now();
      for (const row of sources.freshness?.rows() ?? []) {
        this.set({ read_model: row.readModel }, Math.max(0, t - row.appliedAt) / 1_000);
      }
    },
  });
  new Gauge({
    name: 'openpolicy_projector_delay_seconds',
    help: 'applied_at - event_time: how long the newest event of each read model waited to be projected',
    labelNames: ['read_model'] as const,
    registers,
    collect() {
      this.reset();
      for (const row of sources.freshness?.rows() ?? []) {
        if (row.eventTime !== null) {
          this.set({ read_model: row.readModel }, Math.max(0, row.appliedAt - row.eventTime) / 1_000);
        }
      }
    },
  });
  new Gauge({
    name: 'openpolicy_db_pool_connections',
    help: 'Read pool connections by state (slonik pool.state()); waiting = callers queued for one',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      const s = sources.poolState?.();
      if (!s) return;
      this.set({ state: 'acquired' }, s.acquiredConnections);
      this.set({ state: 'idle' }, s.idleConnections);
      this.set({ state: 'pending' }, s.pendingConnections);
      this.set({ state: 'waiting' }, s.waitingClients);
    },
  });

  const cacheEvents: CacheEvents = {
    lookup: (level, result) => lookups.inc({ level, result }),
    coalesced: () => coalesced.inc(),
    invalidated: (kind, n) => {
      invalidations.inc({ kind });
      dropped.inc(n);
    },
  };

  return {
    registry,
    httpDuration,
    responseSize,
    fastPath,
    rateLimited,
    redisFlushes,
    cacheEvents,
    /** Wires the objects the gauges read at scrape time (they are created after the metrics). */
    attach(s: MetricsSources) {
      Object.assign(sources, s);
    },
  };
};

export type QueryMetrics = ReturnType<typeof createQueryMetrics>;
