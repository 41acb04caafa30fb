import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool } from '../../infra/kernel/db.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { projectUsVotes } from '../../infra/testing/projectUsVotes.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { rawGet } from '../http/rawGet.ts';
import { startTestQueryService, type TestQueryService } from '../testService.ts';

const CHANNEL = 'openpolicy_rm_changed';
const VOTE = '/api/v1/votes/us-117-2021-h48';
const MEMBER = '/api/v1/members/us-A000370'; // Alma Adams voted on both roll calls
const DASHBOARD = '/api/v1/dashboard/summary';
const SUMMARY = '/api/v1/bills/summary';

describe('freshness headers: each answer reports its own read model, not the newest batch (real Postgres)', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let svc: TestQueryService;

  /** What the projector's view refresher does (projector/views/viewRefresher.ts; query/ may not import it). */
  const refreshViews = async (position: string) => {
    for (const view of ['bill_summary_mv', 'dashboard_mv']) {
      const c = await admin.connect();
      try {
        await c.query('BEGIN');
        await c.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY rm.${view}`);
        await c.query(
          `INSERT INTO rm.view_refresh (view_name, position, refreshed_at, duration_ms) VALUES ($1, $2, clock_timestamp(), 1)
           ON CONFLICT (view_name) DO UPDATE SET position = EXCLUDED.position, refreshed_at = EXCLUDED.refreshed_at`,
          [view, position],
        );
        await c.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ position, views: [view] })]);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    }
  };

  /** Headers of two requests: the first through express, the second from the fast path (it learnt the URL). */
  const freshness = async (path: string) => {
    const out = [];
    for (let i = 0; i < 2; i++) {
      const r = await rawGet(`${svc.url}${path}`);
      expect(r.status, path).to.equal(200);
      out.push({
        position: r.headers['x-data-position'],
        lag: Number(r.headers['x-projection-lag-ms']),
        body: JSON.parse(r.body.toString('utf8')),
      });
    }
    expect(out[1]!.position, `${path}: fast path`).to.equal(out[0]!.position);
    expect(out[1]!.lag === 0, `${path}: fast path`).to.equal(out[0]!.lag === 0);
    return out[1]!;
  };

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    await projectUsVotes(admin, db.url, ['2021/h48']);
    await refreshViews('1');
    svc = await startTestQueryService(db.url);
  });
  after(async () => {
    await svc?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('the dashboard and the bills summary report their views refresh: its position, and a lag until refreshed', async () => {
    expect(await freshness(DASHBOARD)).to.deep.include({ position: '1', lag: 0 });
    expect(await freshness(SUMMARY)).to.deep.include({ position: '1', lag: 0 });

    // A new roll call, not yet in the views (their refresh is debounced after the batch).
    await projectUsVotes(admin, db.url, ['2021/h49']);
    await eventually(async () => ((await freshness(VOTE)).position === '2' ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 50));
    for (const path of [DASHBOARD, SUMMARY]) {
      const f = await freshness(path);
      expect(f.position, path).to.equal('1');
      expect(f.lag, path).to.be.greaterThanOrEqual(50);
    }
    expect((await freshness(DASHBOARD)).body.votes.total).to.equal(1);

    await refreshViews('2');
    for (const path of [DASHBOARD, SUMMARY]) {
      await eventually(async () => {
        const f = await freshness(path);
        return f.position === '2' && f.lag === 0 ? true : undefined;
      }, 10_000);
    }
    expect((await freshness(DASHBOARD)).body.votes.total).to.equal(2);
    expect(await freshness(VOTE)).to.deep.include({ position: '2', lag: 0 });
  });

  it('member documents report a lag while their render is pending, the votes none', async () => {
    expect(await freshness(MEMBER)).to.deep.include({ position: '2', lag: 0 });
    // A batch that queued members, as applyBatch leaves it: votes and bills move, the members' row waits.
    await admin.query(
      "UPDATE rm.freshness SET position = '3', applied_at = clock_timestamp() WHERE read_model IN ('votes', 'bills')",
    );
    await admin.query('SELECT pg_notify($1, $2)', [
      CHANNEL,
      JSON.stringify({ position: '3', votes: [], bills: [], members: [] }),
    ]);
    await eventually(async () => ((await freshness(VOTE)).position === '3' ? true : undefined), 10_000);
    expect((await freshness(VOTE)).lag).to.equal(0);
    await new Promise((r) => setTimeout(r, 50));
    const pending = await freshness(MEMBER);
    expect(pending.position).to.equal('2');
    expect(pending.lag).to.be.greaterThanOrEqual(50);

    // The render: the members' row reaches the votes' position, and its notification names the batch.
    await admin.query(
      "UPDATE rm.freshness SET position = '3', applied_at = clock_timestamp() WHERE read_model = 'members'",
    );
    await admin.query('SELECT pg_notify($1, $2)', [
      CHANNEL,
      JSON.stringify({ position: '3', votes: [], bills: [], members: ['us-A000370'] }),
    ]);
    await eventually(async () => {
      const f = await freshness(MEMBER);
      return f.position === '3' && f.lag === 0 ? true : undefined;
    }, 10_000);
  });
});
