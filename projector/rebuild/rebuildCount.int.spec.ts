import { expect } from 'chai';
import type pg from 'pg';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { rebuildReadModels } from './rebuild.ts';

describe('rebuild progress counts events, not positions (real Postgres)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Pool;

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('a log whose positions skip the numbers duplicates took: the total is the events in it', async () => {
    const log = createPgEventLog(admin);
    const votes = ['2021/h49', '2021/h48'].map(usVoteEvent);
    await log.append(votes);
    await log.append(votes); // duplicates: each takes a position number it does not keep
    await log.append([usVoteEvent('2021/h1')]);
    const { rows } = await admin.query<{ n: string; max: string }>(
      'SELECT count(*) AS n, max(position) AS max FROM events.log',
    );
    expect(Number(rows[0]!.max)).to.be.greaterThan(Number(rows[0]!.n));
    const seen: { applied: number; total: number }[] = [];
    const report = await rebuildReadModels({
      admin,
      projectorUrl: withCredentials(db.url, 'openpolicy_projector', 'openpolicy_projector'),
      liveConsumer: 'projector-main',
      logger: createLogger('test', 'silent'),
      batchSize: 2,
      progress: (p) => seen.push(p),
    });
    expect(report.switched).to.equal(true);
    expect(seen.at(-1)).to.deep.equal({ applied: 3, total: 3 });
    expect(seen.every((p) => p.total === 3 && p.applied <= 3)).to.equal(true);
  });
});
