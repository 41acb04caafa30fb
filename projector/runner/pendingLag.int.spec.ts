import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool } from '../../infra/kernel/db.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { appendEvents, projectUsVotes, startTestProjector } from '../../infra/testing/projectUsVotes.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { rawGet } from '../../query/http/rawGet.ts';
import { startTestQueryService, type TestQueryService } from '../../query/testService.ts';
import { PROJECTION_LOCK } from './applyBatch.ts';

const VOTE = '/api/v1/votes/us-117-2021-h48';

describe('lag while the projector applies a batch it has read: accepted events count (real Postgres)', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let svc: TestQueryService;
  const headers = async () => {
    const r = await rawGet(`${svc.url}${VOTE}`);
    expect(r.status).to.equal(200);
    return { position: r.headers['x-data-position'], lag: Number(r.headers['x-projection-lag-ms']) };
  };

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    await projectUsVotes(admin, db.url, ['2021/h48']);
    svc = await startTestQueryService(db.url);
  });
  after(async () => {
    await svc?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('reports the age of the oldest event of the batch being applied, then 0 once it is visible', async () => {
    await eventually(async () => ((await headers()).lag === 0 ? true : undefined), 10_000);
    // Hold the projection lock (the projector's role has `rm` as its current schema), so the batch waits in
    // its transaction after the projector has read it, as a long bulk batch would.
    const holder = await admin.connect();
    const projector = { stop: async () => undefined } as Awaited<ReturnType<typeof startTestProjector>>;
    let running = projector;
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT pg_advisory_xact_lock($1, hashtext('rm'))", [PROJECTION_LOCK]);
      await appendEvents(admin, [usVoteEvent('2021/h49')]);
      running = await startTestProjector(db.url);
      await new Promise((r) => setTimeout(r, 600));
      const waiting = await headers();
      expect(waiting.position).to.equal('1');
      expect(waiting.lag).to.be.greaterThanOrEqual(500);
      await holder.query('COMMIT');
      await eventually(async () => {
        const h = await headers();
        return h.position === '2' && h.lag === 0 ? true : undefined;
      }, 10_000);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
      await running.stop();
    }
  });
});
