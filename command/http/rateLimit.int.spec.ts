import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
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
    // Another client (another key) has its own bucket.
    expect((await post('op_000000000000_other')).status).to.equal(401);
  });

  it('leaves health checks outside the limit', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${svc.url}/healthz`)).status).to.equal(200);
  });
});
