import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createPgPool } from '../infra/kernel/db.ts';
import { eventually } from '../infra/testing/eventually.ts';
import { projectUsVotes } from '../infra/testing/projectUsVotes.ts';
import { createTestDatabase, type TestDatabase } from '../infra/testing/testDatabase.ts';
import { rawGet } from './http/rawGet.ts';
import {
  cacheLookups,
  metricSample,
  TEST_REDIS_URL as REDIS_URL,
  startTestQueryService,
  type TestQueryService,
} from './testService.ts';

const H48 = '/api/v1/votes/us-117-2021-h48';
const BILL = '/api/v1/bills/us-117-hr-1319';

type Service = TestQueryService;
const start = (db: TestDatabase, env: Record<string, string> = {}) => startTestQueryService(db.url, env);
const sample = metricSample;
const lookups = cacheLookups;

describe('read path: precompressed bytes, freshness, two-level cache invalidated by the projector', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let svc: Service;
  let url: string;

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    await projectUsVotes(admin, db.url, ['2021/h48']);
    svc = await start(db);
    url = svc.url;
  });
  after(async () => {
    await svc?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('serves the stored bytes as identity, gzip and br, each decoding to the same bytes', async () => {
    const stored = (await admin.query("SELECT body, etag FROM rm.votes WHERE id = 'us-117-2021-h48'"))
      .rows[0];
    const plain = await rawGet(`${url}${H48}`);
    expect(plain.status).to.equal(200);
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.body.toString('utf8')).to.equal(stored.body);
    expect(plain.headers['content-length']).to.equal(String(plain.body.length));
    expect(plain.headers.etag).to.equal(stored.etag);
    expect(plain.headers.vary).to.equal('Accept-Encoding');
    expect(plain.headers['cache-control']).to.equal('public, max-age=5, stale-while-revalidate=60');
    // House roll 48 (2021), the motion to recommit H.R. 1319: 205 Yea, 218 Nay, 8 not voting.
    expect(JSON.parse(plain.body.toString('utf8')).totals).to.include({ yea: 205, nay: 218, not_voting: 8 });
    const head = await rawGet(`${url}${H48}`, {}, 'HEAD');
    expect([head.status, head.body.length, head.headers['content-length']]).to.deep.equal([
      200,
      0,
      String(plain.body.length),
    ]);

    const gz = await rawGet(`${url}${H48}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gz.headers['content-length']).to.equal(String(gz.body.length));
    expect(gz.body.length).to.be.lessThan(plain.body.length / 3);
    expect(gunzipSync(gz.body).equals(plain.body)).to.equal(true);
    expect(gz.headers.etag).to.equal(`${stored.etag.slice(0, -1)}-gzip"`);

    const br = await rawGet(`${url}${H48}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).to.equal('br');
    expect(br.headers['content-length']).to.equal(String(br.body.length));
    expect(brotliDecompressSync(br.body).equals(plain.body)).to.equal(true);
    expect(br.headers.etag).to.equal(`${stored.etag.slice(0, -1)}-br"`);
  });

  it('honours q-values and q=0 in Accept-Encoding', async () => {
    const coding = async (ae: string) =>
      (await rawGet(`${url}${H48}`, { 'accept-encoding': ae })).headers['content-encoding'] ?? 'identity';
    expect(await coding('br;q=0, gzip')).to.equal('gzip');
    expect(await coding('gzip;q=1, br;q=0.5')).to.equal('gzip');
    expect(await coding('*')).to.equal('br');
    expect(await coding('identity')).to.equal('identity');
    expect(await coding('br;q=0, gzip;q=0')).to.equal('identity');
    expect(await coding('deflate')).to.equal('identity');
  });

  it('answers 304 to If-None-Match naming any variant of the current body, 200 otherwise', async () => {
    const br = await rawGet(`${url}${H48}`, { 'accept-encoding': 'br' });
    const identityEtag = (await rawGet(`${url}${H48}`)).headers.etag!;
    for (const inm of [
      br.headers.etag!,
      identityEtag,
      `W/${identityEtag}`,
      `"nope", ${br.headers.etag}`,
      '*',
    ]) {
      const r = await rawGet(`${url}${H48}`, { 'accept-encoding': 'br', 'if-none-match': inm });
      expect(r.status, inm).to.equal(304);
      expect(r.body.length).to.equal(0);
      expect(r.headers.etag).to.equal(br.headers.etag);
      expect(r.headers['x-data-position']).to.equal('1');
    }
    expect((await rawGet(`${url}${H48}`, { 'if-none-match': '"other"' })).status).to.equal(200);
  });

  it('sends the freshness the instance holds in memory: rm.freshness position and applied_at, lag 0', async () => {
    const f = (
      await admin.query(
        `SELECT position, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS as_of
         FROM rm.freshness WHERE read_model = 'votes'`,
      )
    ).rows[0];
    const r = await rawGet(`${url}${H48}`);
    expect(r.headers['x-data-position']).to.equal('1');
    expect(f.position).to.equal('1');
    expect(r.headers['x-data-as-of']).to.equal(f.as_of);
    expect(r.headers['x-projection-lag-ms']).to.equal('0');
    // Also on a 404 of the same read model.
    const missing = await rawGet(`${url}/api/v1/votes/us-117-2021-h99999`);
    expect(missing.status).to.equal(404);
    expect(missing.headers['x-data-position']).to.equal('1');
  });

  it('replaces cached answers once the projector applies a change: H.R. 1319 goes from 1 roll call to 2', async () => {
    const batch = '/api/v1/bills?ids=us-117-hr-1319,us-117-hr-0';
    const before = await rawGet(`${url}${BILL}`);
    expect(JSON.parse(before.body.toString()).voteCount).to.equal(1);
    const batchBefore = JSON.parse((await rawGet(`${url}${batch}`)).body.toString());
    expect(batchBefore.items.map((b: { voteCount: number }) => b.voteCount)).to.deep.equal([1]);
    expect(batchBefore.missing).to.deep.equal(['us-117-hr-0']);

    // Both are now served from memory.
    const hits = await lookups(svc, 'memory', 'hit');
    await rawGet(`${url}${BILL}`);
    await rawGet(`${url}${batch}`);
    expect(await lookups(svc, 'memory', 'hit')).to.equal(hits + 2);

    const position = await projectUsVotes(admin, db.url, ['2021/h49']);
    expect(position).to.equal('2');
    // Wait until this instance has processed the notification (another document's header says so)...
    await eventually(async () =>
      (await rawGet(`${url}${H48}`)).headers['x-data-position'] === '2' ? true : undefined,
    );
    // ...then the very next read of each cached answer is the new one.
    const after = await rawGet(`${url}${BILL}`);
    const stored = (await admin.query("SELECT body, etag FROM rm.bills WHERE id = 'us-117-hr-1319'")).rows[0];
    expect(after.body.toString()).to.equal(stored.body);
    const bill = JSON.parse(after.body.toString());
    expect(bill.voteCount).to.equal(2);
    expect(bill.votes.map((v: { id: string }) => v.id)).to.deep.equal(['us-117-2021-h48', 'us-117-2021-h49']);
    expect(after.headers.etag).to.equal(stored.etag).and.not.equal(before.headers.etag);
    const batchAfter = JSON.parse((await rawGet(`${url}${batch}`)).body.toString());
    expect(batchAfter.items.map((b: { voteCount: number }) => b.voteCount)).to.deep.equal([2]);
    // The old validator no longer matches.
    expect((await rawGet(`${url}${BILL}`, { 'if-none-match': before.headers.etag! })).status).to.equal(200);
  });

  it('shares fills through Redis: a second instance answers from Redis without touching Postgres', async () => {
    const other = await start(db);
    try {
      await eventually(async () => {
        const ready = (await (await fetch(`${other.url}/readyz`)).json()) as {
          cache: { redis: { synced: boolean } };
        };
        return ready.cache.redis.synced ? true : undefined;
      });
      const path = '/api/v1/votes/us-117-2021-h49';
      const first = await rawGet(`${url}${path}`);
      expect(first.status).to.equal(200);
      // The fill reaches Redis just after the response (the write is not awaited by the request).
      const probe = new Redis(REDIS_URL);
      try {
        await eventually(async () => ((await probe.exists(`op:${db.name}:e:${path}`)) ? true : undefined));
      } finally {
        probe.disconnect();
      }
      const dbBefore = await lookups(other, 'db', 'hit');
      const fromRedis = await rawGet(`${other.url}${path}`, { 'accept-encoding': 'br' });
      expect(await lookups(other, 'redis', 'hit')).to.equal(1);
      expect(await lookups(other, 'db', 'hit')).to.equal(dbBefore);
      expect(brotliDecompressSync(fromRedis.body).equals(first.body)).to.equal(true);
      expect(JSON.parse(first.body.toString()).totals).to.include({ yea: 219, nay: 212, not_voting: 1 });
    } finally {
      await other.stop();
    }
  });

  it('exposes the named series on /metrics', async () => {
    // One new roll call so far: its batch's notification and the member render's that follows it.
    const text = await eventually(async () => {
      const t = await (await fetch(`${url}/metrics`)).text();
      return t.includes('openpolicy_cache_invalidations_total{kind="tags"} 2') ? t : undefined;
    }, 10_000);
    for (const series of [
      'openpolicy_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/bills/:id",status="200"}',
      'openpolicy_http_request_duration_seconds_count{method="GET",route="/api/v1/votes/:id",status="304"}',
      'openpolicy_http_response_size_bytes_sum{method="GET",route="/api/v1/votes/:id",status="200"}',
      'openpolicy_cache_lookups_total{level="memory",result="hit"}',
      'openpolicy_cache_lookups_total{level="redis",result="miss"}',
      'openpolicy_cache_lookups_total{level="db",result="hit"}',
      'openpolicy_cache_invalidations_total{kind="tags"} 2',
      'openpolicy_projection_lag_seconds{read_model="votes"} 0',
      'openpolicy_projector_delay_seconds{read_model="bills"}',
      'openpolicy_db_pool_connections{state="idle"}',
      'openpolicy_cache_memory_bytes',
      'openpolicy_change_feed_listening 1',
      'openpolicy_cache_redis_usable 1',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text, series).to.include(series);
    }
  });

  it('allows any origin to read, with security headers and request ids', async () => {
    const r = await fetch(`${url}${H48}`, {
      headers: { origin: 'https://example.org', 'x-request-id': 'trace-42' },
    });
    expect(r.headers.get('access-control-allow-origin')).to.equal('*');
    expect(r.headers.get('access-control-expose-headers')).to.include('ETag').and.include('X-Data-As-Of');
    expect(r.headers.get('x-request-id')).to.equal('trace-42');
    expect(r.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(r.headers.get('content-security-policy')).to.equal("default-src 'none';frame-ancestors 'none'");
    expect(r.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
    const generated = await fetch(`${url}${H48}`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const preflight = await fetch(`${url}${BILL}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-methods')).to.equal('GET, HEAD, OPTIONS');
  });

  it('refuses a client past its token bucket with 429 problem+json and Retry-After', async () => {
    const limited = await start(db, { QUERY_RATE_LIMIT_RPS: '1', QUERY_RATE_LIMIT_BURST: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}${H48}`)).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429]);
      const r = await fetch(`${limited.url}${H48}`);
      expect(r.status).to.equal(429);
      expect(r.headers.get('retry-after')).to.equal('1');
      expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(await r.json()).to.include({ title: 'rate_limited', status: 429 });
      // The query service cannot check API keys, so a key does not buy another bucket: clients are addresses.
      const keyed = await fetch(`${limited.url}${H48}`, { headers: { authorization: 'Bearer op_test' } });
      expect(keyed.status).to.equal(429);
      // Health and metrics are never limited.
      expect((await fetch(`${limited.url}/healthz`)).status).to.equal(200);
      expect(await sample(limited, 'openpolicy_http_rate_limited_total')).to.equal(3);
    } finally {
      await limited.stop();
    }
  });
});
