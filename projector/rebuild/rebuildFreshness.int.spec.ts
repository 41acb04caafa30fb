import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { projectUsVotes } from '../../infra/testing/projectUsVotes.ts';
import { createTestDatabase, TEST_PASSWORDS, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { rawGet } from '../../query/http/rawGet.ts';
import { startTestQueryService, type TestQueryService } from '../../query/testService.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { CHANGES_CHANNEL } from '../runner/applyBatch.ts';
import { refreshViews, viewsBehind } from '../views/viewRefresher.ts';
import { rebuildReadModels } from './rebuild.ts';

const logger = createLogger('test', 'silent');

describe('rebuild: announces and records the read models own position (real Postgres)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let pool: pg.Pool;
  let svc: TestQueryService;
  let listener: pg.PoolClient;
  const notes: { position?: string; all?: boolean; views?: string[] }[] = [];

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    pool = createProjectorPool(withCredentials(db.url, 'openpolicy_projector', TEST_PASSWORDS.projector));
    await projectUsVotes(admin, db.url, ['2021/h48', '2021/h49', '2021/h72']);
    await refreshViews(pool, '3');
    svc = await startTestQueryService(db.url);
    listener = await admin.connect();
    listener.on('notification', (n) => notes.push(JSON.parse(n.payload ?? '{}')));
    await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
  });
  after(async () => {
    listener?.release();
    await svc?.stop();
    await pool?.end();
    await admin?.end();
    await db?.drop();
  });

  it('switches at the last applied event: views refreshed there, none behind, every answer caught up', async () => {
    const report = await rebuildReadModels({
      admin,
      projectorUrl: withCredentials(db.url, 'openpolicy_projector', TEST_PASSWORDS.projector),
      liveConsumer: 'projector-test',
      logger,
      batchSize: 500,
    });
    expect(report).to.include({ switched: true, identical: true });
    const { position } = (await admin.query("SELECT position FROM rm.freshness WHERE read_model = 'votes'"))
      .rows[0];
    expect(position).to.equal('3');
    await eventually(async () => (notes.some((n) => n.all) ? true : undefined), 5_000);
    expect(notes.filter((n) => n.all).map((n) => n.position)).to.deep.equal([position]);
    const views = await admin.query('SELECT view_name, position FROM rm.view_refresh ORDER BY 1');
    expect(views.rows).to.deep.equal([
      { view_name: 'bill_summary_mv', position },
      { view_name: 'dashboard_mv', position },
    ]);
    // A projector restarted now has no refresh to catch up on.
    expect(await viewsBehind(pool)).to.equal(null);

    // The query service, told of the switch, reports every answer caught up, and still so a while later.
    const lags = async () =>
      Promise.all(
        ['/api/v1/votes/us-117-2021-h72', '/api/v1/members/us-A000370', '/api/v1/dashboard/summary'].map(
          async (p) => {
            const r = await rawGet(`${svc.url}${p}`);
            return `${p} ${r.status} ${r.headers['x-data-position']} ${r.headers['x-projection-lag-ms']}`;
          },
        ),
      );
    const caughtUp = [
      `/api/v1/votes/us-117-2021-h72 200 3 0`,
      `/api/v1/members/us-A000370 200 3 0`,
      `/api/v1/dashboard/summary 200 3 0`,
    ];
    await eventually(
      async () => (JSON.stringify(await lags()) === JSON.stringify(caughtUp) ? true : undefined),
      5_000,
    ).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await lags()).to.deep.equal(caughtUp);
  });
});
