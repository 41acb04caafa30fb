import { expect } from 'chai';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { createApiKey } from '../auth/apiKeys.ts';
import { loadCommandConfig } from '../config.ts';
import { startCommandService } from '../index.ts';

describe('command service rate limit (real Postgres behind it)', () => {
  let db: TestDatabase;
  let svc: Awaited<ReturnType<typeof startCommandService>>;

  before(async () => {
    db = await createTestDatabase();
    svc = await startCommandService(
      loadCommandConfig({
        DATABASE_URL: db.url,
        COMMAND_PORT: '0',
        LOG_LEVEL: 'silent',
        COMMAND_RATE_LIMIT_RPS: '1',
        COMMAND_RATE_LIMIT_BURST: '3',
      }),
    );
  });
  after(async () => {
    await svc?.stop();
    await db?.drop();
  });

  const post = (key: string) =>
    fetch(`${svc.url}/api/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{}',
    });

  it('refuses a client past its burst with 429 problem+json and Retry-After, before any key lookup', async () => {
    const a = 'op_000000000000_flood';
    const first = await Promise.all([post(a), post(a), post(a)]);
    // Within the burst the request reaches authentication, which refuses the unknown key.
    expect(first.map((r) => r.status)).to.deep.equal([401, 401, 401]);
    const limited = await post(a);
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).to.be.at.least(1);
    // An unverified key is charged to the address: a new made-up key does not buy a fresh bucket.
    expect((await post('op_000000000000_other')).status).to.equal(429);
  });

  it('gives a key it has verified a bucket of its own, apart from the address it comes from', async function () {
    this.timeout(20_000);
    const admin = new pg.Pool({ connectionString: db.url, max: 1 });
    const { key } = await createApiKey(admin, 'pipeline', ['write']).finally(() => admin.end());
    // Wait for the address's bucket to refill (rate 1/s, burst 3), then one request with the real key.
    await new Promise((r) => setTimeout(r, 3_100));
    expect((await post(key)).status).to.equal(422);
    // A flood of made-up keys from the same address empties the address's bucket...
    const flood = await Promise.all(Array.from({ length: 5 }, (_, i) => post(`op_00000000000${i}_flood`)));
    expect(flood.map((r) => r.status)).to.include(429);
    // ...and the verified key still gets through on its own bucket (422: the body is not a command).
    expect((await post(key)).status).to.equal(422);
    expect((await post(key)).status).to.equal(422);
  });

  it('leaves health checks outside the limit', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${svc.url}/healthz`)).status).to.equal(200);
  });
});
