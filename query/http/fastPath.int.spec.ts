import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool } from '../../infra/kernel/db.ts';
import { projectUsVotes } from '../../infra/testing/projectUsVotes.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { metricSample, startTestQueryService, type TestQueryService } from '../testService.ts';
import { type RawResponse, rawGet } from './rawGet.ts';

type Service = TestQueryService;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const sample = metricSample;
const fastResponses = (svc: Service) => sample(svc, 'openpolicy_http_fast_path_responses_total');

/** Header names and values in the order sent, without the ones that differ between any two responses. */
const comparable = (r: RawResponse) => {
  const out: string[] = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    const name = r.rawHeaders[i]!;
    if (name.toLowerCase() === 'date') continue;
    out.push(
      `${name}: ${name.toLowerCase() === 'x-request-id' && UUID.test(r.rawHeaders[i + 1]!) ? '<uuid>' : r.rawHeaders[i + 1]}`,
    );
  }
  return out;
};

describe('fast path: in-process cache hits written without express, byte for byte what express writes', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let viaExpress: Service;
  let fast: Service;

  const start = (fastPath: boolean) =>
    startTestQueryService(
      db.url,
      { QUERY_RATE_LIMIT_RPS: '1000', QUERY_RATE_LIMIT_BURST: '1000' },
      { fastPath },
    );

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    await projectUsVotes(admin, db.url, ['2021/h48', '2021/h49']);
    viaExpress = await start(false);
    fast = await start(true);
  });
  after(async () => {
    await viaExpress?.stop();
    await fast?.stop();
    await admin?.end();
    await db?.drop();
  });

  const PATHS = [
    '/api/v1/votes/us-117-2021-h48',
    '/api/v1/bills/us-117-hr-1319',
    '/api/v1/members/us-A000370',
    '/api/v1/bills?limit=20',
    '/api/v1/bills?sort=votes&limit=5',
    '/api/v1/bills?ids=us-117-hr-1319,us-117-hr-0',
    '/api/v1/votes?chamber=lower',
    '/api/v1/members/us-A000370/votes?limit=1',
    '/api/v1/bills/search?q=rescue',
    '/api/v1/bills/summary',
  ];

  it('answers every hot read as express does: status, body, every header in order, for each Accept-Encoding and validator', async () => {
    const h48 = await rawGet(`${viaExpress.url}${PATHS[0]}`, { 'accept-encoding': 'br' });
    const identity = await rawGet(`${viaExpress.url}${PATHS[0]}`);
    const variants: Record<string, string>[] = [
      {},
      { 'accept-encoding': 'gzip' },
      { 'accept-encoding': 'gzip, deflate, br' },
      { 'accept-encoding': 'br;q=0, gzip' },
      { 'accept-encoding': '*' },
      { 'accept-encoding': 'deflate' },
      { 'accept-encoding': 'br;q=0, gzip;q=0' },
      { 'if-none-match': identity.headers.etag! },
      { 'if-none-match': h48.headers.etag!, 'accept-encoding': 'br' },
      { 'if-none-match': `W/${identity.headers.etag}`, 'accept-encoding': 'gzip' },
      { 'if-none-match': `"nope", ${h48.headers.etag}` },
      { 'if-none-match': '*' },
      { 'if-none-match': '"other"' },
      { 'x-request-id': 'trace-42', origin: 'https://example.org' },
      { 'x-request-id': 'bad id with spaces' },
      { authorization: 'Bearer op_someone' },
    ];
    let compared = 0;
    for (const path of PATHS) {
      // The first answer of each URL comes from express on both instances; the fast one learns its key then.
      const first = await rawGet(`${fast.url}${path}`);
      expect(first.status, path).to.equal(200);
      for (const headers of variants) {
        for (const method of ['GET', 'HEAD']) {
          const before = await fastResponses(fast);
          const a = await rawGet(`${viaExpress.url}${path}`, headers, method);
          const b = await rawGet(`${fast.url}${path}`, headers, method);
          const what = `${method} ${path} ${JSON.stringify(headers)}`;
          expect(await fastResponses(fast), what).to.equal(before + 1);
          expect(b.status, what).to.equal(a.status);
          expect(comparable(b), what).to.deep.equal(comparable(a));
          expect(b.body.equals(a.body), what).to.equal(true);
          compared++;
        }
      }
    }
    expect(compared).to.equal(PATHS.length * variants.length * 2);
  });

  it('leaves misses, unknown URLs, other methods and refusals to express', async () => {
    const before = await fastResponses(fast);
    for (const path of [
      '/api/v1/votes/us-117-2021-h99999',
      '/api/v1/votes/us-117-2021-h49?x=1',
      '/api/v1/bills?limit=0',
      '/healthz',
      '/openapi.json',
    ]) {
      const a = await rawGet(`${viaExpress.url}${path}`);
      const b = await rawGet(`${fast.url}${path}`);
      expect(b.status, path).to.equal(a.status);
      expect(comparable(b), path).to.deep.equal(comparable(a));
    }
    const options = await rawGet(`${fast.url}/api/v1/votes/us-117-2021-h48`, {}, 'OPTIONS');
    expect(options.status).to.equal(204);
    expect(await fastResponses(fast)).to.equal(before);
  });

  it('charges the client express would charge behind a trusted proxy (X-Forwarded-For), in the buckets express uses', async () => {
    const behindProxy = await startTestQueryService(db.url, {
      QUERY_RATE_LIMIT_RPS: '1',
      QUERY_RATE_LIMIT_BURST: '2',
      QUERY_TRUST_PROXY: 'loopback',
    });
    try {
      const path = `${behindProxy.url}/api/v1/votes/us-117-2021-h48`;
      const as = (ip: string) => rawGet(path, { 'x-forwarded-for': ip });
      // 1.1.1.1: express, then the fast path, then refused (its bucket holds 2).
      expect([(await as('1.1.1.1')).status, (await as('1.1.1.1')).status]).to.deep.equal([200, 200]);
      expect(await fastResponses(behindProxy)).to.equal(1);
      const refused = await as('1.1.1.1');
      expect(refused.status).to.equal(429);
      expect(refused.headers['retry-after']).to.equal('1');
      // Another address behind the same proxy has its own bucket, and is answered by the fast path.
      expect((await as('2.2.2.2')).status).to.equal(200);
      expect(await fastResponses(behindProxy)).to.equal(2);
      expect(await sample(behindProxy, 'openpolicy_http_rate_limited_total')).to.equal(1);
    } finally {
      await behindProxy.stop();
    }
  });

  it('records the same HTTP metrics series as express for what it serves', async () => {
    const path = '/api/v1/votes/us-117-2021-h49';
    const series = (status: number, kind: string) =>
      `openpolicy_http_${kind}{method="GET",route="/api/v1/votes/:id",status="${status}"}`;
    const watched = [
      series(200, 'request_duration_seconds_count'),
      series(200, 'response_size_bytes_count'),
      series(200, 'response_size_bytes_sum'),
      series(304, 'request_duration_seconds_count'),
      series(304, 'response_size_bytes_sum'),
      'openpolicy_cache_lookups_total{level="memory",result="hit"}',
    ];
    const deltas = async (svc: Service) => {
      await rawGet(`${svc.url}${path}`); // learnt (fast) and cached (both) before counting
      const before = await Promise.all(watched.map((w) => sample(svc, w)));
      const { etag } = (await rawGet(`${svc.url}${path}`, { 'accept-encoding': 'gzip' })).headers;
      await rawGet(`${svc.url}${path}`, { 'accept-encoding': 'br' });
      await rawGet(`${svc.url}${path}`, { 'if-none-match': etag! });
      const after = await Promise.all(watched.map((w) => sample(svc, w)));
      return Object.fromEntries(watched.map((w, i) => [w, after[i]! - before[i]!]));
    };
    const expected = await deltas(viaExpress);
    const fastBefore = await fastResponses(fast);
    expect(await deltas(fast)).to.deep.equal(expected);
    expect(await fastResponses(fast)).to.equal(fastBefore + 3);
    expect(expected[series(200, 'request_duration_seconds_count')]).to.equal(2);
    expect(expected[series(304, 'request_duration_seconds_count')]).to.equal(1);
    expect(expected['openpolicy_cache_lookups_total{level="memory",result="hit"}']).to.equal(3);
  });
});
