import { type ChildProcess, spawn } from 'node:child_process';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createPgPool } from '../../infra/kernel/db.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { projectUsVotes } from '../../infra/testing/projectUsVotes.ts';
import { freePort } from '../../infra/testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { rawGet } from '../http/rawGet.ts';
import { cacheLookups, metricSample, startTestQueryService, type TestQueryService } from '../testService.ts';

type Service = TestQueryService;

/** A private redis-server (no persistence) on its own port, so the shared one is never touched. */
const startRedis = async (port: number) => {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => {});
  await eventually(async () => {
    await probe.connect().catch(() => undefined);
    return (await probe.ping()) === 'PONG' ? true : undefined;
  });
  probe.disconnect();
  return child;
};
const stopRedis = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const sample = metricSample;
const lookups = cacheLookups;
/** Waits until an instance's fill of `path` has reached Redis (the write is not awaited by the request). */
const inRedis = async (port: number, db: TestDatabase, path: string) => {
  const probe = new Redis({ port });
  try {
    await eventually(async () => ((await probe.exists(`op:${db.name}:e:${path}`)) ? true : undefined));
  } finally {
    probe.disconnect();
  }
};
const redisState = async (svc: Service) =>
  (
    (await (await fetch(`${svc.url}/readyz`)).json()) as {
      cache: { redis: { connection: string; synced: boolean } };
    }
  ).cache.redis;

describe('Redis stopped and restarted under two query instances (private redis-server, real projector)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let port: number;
  let redis: ChildProcess;
  let a: Service;
  let b: Service;

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    await projectUsVotes(admin, db.url, ['2021/h48']);
    port = await freePort();
    redis = await startRedis(port);
    const start = () =>
      startTestQueryService(db.url, {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        QUERY_REDIS_TIMEOUT_MS: '200',
      });
    a = await start();
    b = await start();
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    if (redis) await stopRedis(redis);
    await admin?.end();
    await db?.drop();
  });

  it('shares fills between the instances through Redis', async () => {
    for (const svc of [a, b])
      await eventually(async () => ((await redisState(svc)).synced ? true : undefined));
    expect((await rawGet(`${a.url}/api/v1/votes/us-117-2021-h48`)).status).to.equal(200);
    await inRedis(port, db, '/api/v1/votes/us-117-2021-h48');
    await rawGet(`${b.url}/api/v1/votes/us-117-2021-h48`);
    expect(await lookups(b, 'redis', 'hit')).to.equal(1);
    expect(await lookups(b, 'db', 'hit')).to.equal(0);
  });

  it('keeps answering, without waiting on Redis, while it is down', async () => {
    await stopRedis(redis);
    for (const svc of [a, b]) {
      await eventually(async () => ((await redisState(svc)).connection !== 'ready' ? true : undefined));
    }
    for (const [svc, path] of [
      [a, '/api/v1/bills/us-117-hr-1319'],
      [b, '/api/v1/bills/us-117-hr-1319'],
      [b, '/api/v1/votes/us-117-2021-h48'],
      [a, '/api/v1/members/us-G000592'],
    ] as const) {
      const started = performance.now();
      const r = await rawGet(`${svc.url}${path}`);
      expect(r.status, path).to.equal(200);
      // Not queued behind the dead connection: such a request would hang until Redis returned.
      expect(performance.now() - started, path).to.be.lessThan(1_000);
    }
    expect(
      JSON.parse((await rawGet(`${a.url}/api/v1/bills/us-117-hr-1319`)).body.toString()).voteCount,
    ).to.equal(1);
    expect(await lookups(a, 'redis', 'bypass')).to.be.greaterThan(0);
  });

  it('applies a projected change from its notification while Redis is down', async () => {
    await projectUsVotes(admin, db.url, ['2021/h49']);
    for (const svc of [a, b]) {
      await eventually(async () =>
        (await rawGet(`${svc.url}/api/v1/votes/us-117-2021-h48`)).headers['x-data-position'] === '2'
          ? true
          : undefined,
      );
      const bill = JSON.parse((await rawGet(`${svc.url}/api/v1/bills/us-117-hr-1319`)).body.toString());
      expect(bill.voteCount).to.equal(2);
    }
  });

  it('uses Redis again once it is back, after resyncing', async () => {
    redis = await startRedis(port);
    for (const svc of [a, b]) {
      await eventually(async () => {
        const s = await redisState(svc);
        return s.connection === 'ready' && s.synced ? true : undefined;
      });
    }
    // Both instances missed invalidations while it was down, so each flushed it on return.
    expect(await sample(a, 'openpolicy_cache_redis_flushes_total')).to.equal(2);
    const path = '/api/v1/votes/us-117-2021-h49';
    const first = await rawGet(`${a.url}${path}`);
    expect(JSON.parse(first.body.toString()).totals).to.include({ yea: 219, nay: 212, not_voting: 1 });
    await inRedis(port, db, path);
    const hits = await lookups(b, 'redis', 'hit');
    const dbHits = await lookups(b, 'db', 'hit');
    const second = await rawGet(`${b.url}${path}`);
    expect(second.body.equals(first.body)).to.equal(true);
    expect(await lookups(b, 'redis', 'hit')).to.equal(hits + 1);
    expect(await lookups(b, 'db', 'hit')).to.equal(dbHits);
  });
});
