import { expect } from 'chai';
import type pg from 'pg';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { readModelChecksums } from '../rebuild/readModelChecksums.ts';
import { runPgLogSource } from '../sources/pgLogSource.ts';

const logger = createLogger('test', 'silent');

describe('embedded log -> projector -> read models (real Postgres)', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let projectorUrl: string;

  const runProjector = async (batchSize = 2) => {
    const pool = createProjectorPool(projectorUrl);
    const source = await runPgLogSource({
      pool,
      listenUrl: projectorUrl,
      consumer: 'projector-test',
      batchSize,
      idlePollMs: 200,
      logger,
    });
    return { stop: () => source.stop().then(() => pool.end()) };
  };

  const caughtUp = async (position: number) =>
    eventually(async () => {
      const r = await admin.query('SELECT next_offset FROM projector.checkpoints WHERE consumer = $1', [
        'projector-test',
      ]);
      return (r.rows[0]?.next_offset ?? 0) > position ? true : undefined;
    });

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    projectorUrl = withCredentials(db.url, 'openpolicy_projector', 'openpolicy_projector');
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('projects real roll calls: per-party counts, member counters, bill stubs', async () => {
    const log = createPgEventLog(admin);
    const appended = await log.append(['2021/h49', '2021/h48', '2021/s419', '2021/h1'].map(usVoteEvent));
    expect(appended.map((a) => a.position)).to.deep.equal(['1', '2', '3', '4']);
    const projector = await runProjector();
    try {
      await caughtUp(4);
    } finally {
      await projector.stop();
    }
    const vote = JSON.parse(
      (await admin.query("SELECT body FROM rm.votes WHERE id = 'us-117-2021-h49'")).rows[0].body,
    );
    expect(vote.totals).to.include({ yea: 219, nay: 212, not_voting: 1 });

    // Golden (G000592): h48 Nay with the D majority, h49 Nay against it, h1 Present; checked in the three files.
    const golden = JSON.parse(
      (await admin.query("SELECT body FROM rm.members WHERE id = 'us-G000592'")).rows[0].body,
    );
    expect(golden.stub).to.equal(true);
    expect(golden.stats).to.include({
      rollCalls: 3,
      votesCast: 3,
      nay: 2,
      present: 1,
      withParty: 1,
      againstParty: 1,
    });
    expect(golden.recentDissents.map((d: { voteId: string }) => d.voteId)).to.deep.equal(['us-117-2021-h49']);

    // Both H.R. 1319 roll calls attach to one stub bill before the bill record itself arrives.
    const bill = JSON.parse(
      (await admin.query("SELECT body FROM rm.bills WHERE id = 'us-117-hr-1319'")).rows[0].body,
    );
    expect(bill.stub).to.equal(true);
    expect(bill.votes.map((v: { id: string }) => v.id)).to.deep.equal(['us-117-2021-h48', 'us-117-2021-h49']);
  });

  it('re-appending the same events is a no-op reported as duplicates', async () => {
    const log = createPgEventLog(admin);
    const again = await log.append(['2021/h49', '2021/h1'].map(usVoteEvent));
    expect(again.map((a) => [a.position, a.duplicate])).to.deep.equal([
      ['1', true],
      ['4', true],
    ]);
    expect((await admin.query('SELECT count(*)::int AS n FROM events.log')).rows[0].n).to.equal(4);
  });

  it('replaying the whole log over existing read models leaves them identical', async () => {
    const before = await readModelChecksums(admin);
    await admin.query("UPDATE projector.checkpoints SET next_offset = 1 WHERE consumer = 'projector-test'");
    const projector = await runProjector(3);
    try {
      await caughtUp(4);
    } finally {
      await projector.stop();
    }
    expect(await readModelChecksums(admin)).to.deep.equal(before);
  });

  it('dead-letters a poison event with its reason and keeps projecting the ones after it', async () => {
    await admin.query(
      `INSERT INTO events.log (event_id, stream_id, type, schema_version, data, metadata)
       VALUES ('00000000-0000-4000-8000-000000000001', 'us-117-2021-h999', 'VoteRecorded', 1, '{"voteId": 42}', '{}')`,
    );
    const [h72] = await createPgEventLog(admin).append([usVoteEvent('2021/h72')]);
    const poison = await admin.query(
      "SELECT position::text FROM events.log WHERE event_id = '00000000-0000-4000-8000-000000000001'",
    );
    const projector = await runProjector();
    try {
      await caughtUp(Number(h72!.position));
    } finally {
      await projector.stop();
    }
    const dead = await admin.query('SELECT position, reason FROM projector.dead_letters');
    expect(dead.rows).to.have.length(1);
    // Positions are ordered, not dense: an insert that hit a duplicate still consumed an identity value.
    expect(dead.rows[0].position).to.equal(poison.rows[0].position);
    expect(dead.rows[0].reason).to.match(/jurisdiction/);
    expect((await admin.query("SELECT 1 FROM rm.votes WHERE id = 'us-117-2021-h72'")).rowCount).to.equal(1);
  });

  it('a batch that was exactly full, then an empty read: the source says the backlog is over', async () => {
    // One batch holding the whole log is full, so it reports more behind it; the next read finds nothing. The
    // view refresh and member render it deferred must then run now, not after their maximum delay.
    const { n } = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM events.log')).rows[0]!;
    const seen: string[] = [];
    const pool = createProjectorPool(projectorUrl);
    const source = await runPgLogSource({
      pool,
      listenUrl: projectorUrl,
      consumer: 'projector-caught-up',
      batchSize: n,
      idlePollMs: 100,
      logger,
      onBatch: (r) => seen.push(`batch behind=${r.behind}`),
      onCaughtUp: () => seen.push('caught up'),
    });
    try {
      await eventually(async () => (seen.includes('caught up') ? true : undefined));
    } finally {
      await source.stop();
      await pool.end();
    }
    expect(seen).to.deep.equal(['batch behind=true', 'caught up']);
  });
});
