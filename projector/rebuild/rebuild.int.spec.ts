import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type pg from 'pg';
import { sql } from 'slonik';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { createQueryApp } from '../../query/app.ts';
import { createReadPool } from '../../query/db.ts';
import { createDocuments } from '../../query/documents.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { runPgLogSource } from '../sources/pgLogSource.ts';
import { rebuildReadModels } from './rebuild.ts';

const logger = createLogger('test', 'silent');
const PATHS = [
  '/api/v1/votes/us-117-2021-h49',
  '/api/v1/members/us-G000592',
  '/api/v1/bills/us-117-hr-1319',
  '/api/v1/bills?limit=5',
];

describe('rebuild: replay into a shadow schema, compare, switch atomically (real Postgres)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let projectorUrl: string;

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    projectorUrl = withCredentials(db.url, 'openpolicy_projector', 'openpolicy_projector');
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('changes no answer and fails no request while reads run, then the live projector carries on', async () => {
    const log = createPgEventLog(admin);
    await log.append(['2021/h49', '2021/h48', '2021/s419', '2021/h1'].map(usVoteEvent));
    // A poison event (a schema version no code reads): the live projector and the rebuild both dead-letter it.
    await admin.query(
      `INSERT INTO events.log (event_id, stream_id, type, schema_version, data, metadata)
       VALUES (gen_random_uuid(), 'us-117-2021-h999', 'VoteRecorded', 99, '{}', '{"recordedAt": "2026-01-01T00:00:00Z"}')`,
    );
    const livePool = createProjectorPool(projectorUrl);
    const live = await runPgLogSource({
      pool: livePool,
      listenUrl: projectorUrl,
      consumer: 'projector-main',
      batchSize: 2,
      idlePollMs: 100,
      logger,
    });
    const readPool = await createReadPool(withCredentials(db.url, 'openpolicy_query', 'openpolicy_query'));
    const server = createQueryApp({
      docs: createDocuments(readPool),
      logger,
      ping: async () => void (await readPool.query(sql.unsafe`SELECT 1`)),
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // Golden voted on all three House roll calls: once that shows, the live projector has caught up.
      await eventually(async () => {
        const r = await fetch(`${base}/api/v1/members/us-G000592`);
        return r.ok && ((await r.json()) as { stats: { rollCalls: number } }).stats.rollCalls === 3
          ? true
          : undefined;
      });
      const expected = await Promise.all(PATHS.map(async (p) => (await fetch(`${base}${p}`)).text()));

      let reading = true;
      let reads = 0;
      const failures: string[] = [];
      const readers = Array.from({ length: 4 }, async (_, i) => {
        while (reading) {
          const p = PATHS[(reads + i) % PATHS.length]!;
          const r = await fetch(`${base}${p}`);
          const body = await r.text();
          reads += 1;
          if (r.status !== 200 || body !== expected[PATHS.indexOf(p)]) failures.push(`${p}: ${r.status}`);
        }
      });
      const report = await rebuildReadModels({
        admin,
        projectorUrl,
        liveConsumer: 'projector-main',
        logger,
        batchSize: 2,
      });
      reading = false;
      await Promise.all(readers);

      expect(report).to.include({ switched: true, compared: true, identical: true });
      expect(report.differences).to.deep.equal([]);
      expect(reads).to.be.greaterThan(20);
      expect(failures).to.deep.equal([]);
      const schemas = await admin.query(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm%' ORDER BY 1",
      );
      expect(schemas.rows.map((r) => r.nspname)).to.deep.equal(['rm', report.oldSchema]);
      // One dead letter, the live projector's: the rebuild's copy is not left under a consumer no one runs.
      const dead = await admin.query('SELECT consumer, position FROM projector.dead_letters ORDER BY id');
      expect(dead.rows).to.deep.equal([{ consumer: 'projector-main', position: '5' }]);

      // The live projector now writes the rebuilt schema from the handed-over checkpoint.
      await log.append([usVoteEvent('2021/h72')]);
      const bill = await eventually(async () => {
        const b = await (await fetch(`${base}/api/v1/bills/us-117-hr-1319`)).json();
        return (b as { voteCount: number }).voteCount === 3 ? b : undefined;
      });
      expect((bill as { votes: { id: string }[] }).votes.map((v) => v.id)).to.deep.equal([
        'us-117-2021-h48',
        'us-117-2021-h49',
        'us-117-2021-h72',
      ]);
    } finally {
      server.close();
      await readPool.end();
      await live.stop();
      await livePool.end();
    }
  });
});
