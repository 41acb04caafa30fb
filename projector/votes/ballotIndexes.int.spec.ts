import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import type pg from 'pg';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { dataPath } from '../../infra/testing/realData.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { drainMemberQueue, drainWholeMemberQueue } from '../members/memberQueue.ts';
import { readModelChecksums } from '../rebuild/readModelChecksums.ts';
import type { Cursor, RawEvent } from '../runner/applyBatch.ts';
import { processBatch } from '../runner/processBatch.ts';
import { DEFER_MIN_BALLOTS } from './ballotIndexes.ts';

const CURSOR: Cursor = { consumer: 'projector-test', source: 'postgres', partition: 0 };

/** The first 70 House roll calls of 2021 (about 30,000 real ballots): more than one batch may bring unnoticed. */
const EVENTS: EventEnvelope[] = readdirSync(dataPath('us/117/votes/2021'))
  .filter((d) => d.startsWith('h'))
  .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
  .slice(0, 70)
  .map((d) => usVoteEvent(`2021/${d}`));

const raws = (events: readonly EventEnvelope[], from: number): RawEvent[] =>
  events.map((e, i) => ({
    offset: from + i,
    position: String(from + i),
    payload: JSON.parse(JSON.stringify(e)),
  }));

const ballotIndexes = async (db: pg.Pool) =>
  (
    await db.query<{ def: string }>(
      "SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'rm' AND tablename = 'ballots' ORDER BY indexname",
    )
  ).rows.map((r) => r.def);

const count = async (db: pg.Pool, table: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm.${table}`)).rows[0]!.n;

describe('voter indexes of a first load built once at the end (real Postgres, projector role)', () => {
  const ballots = EVENTS.reduce((n, e) => n + (e.data as { ballots: unknown[] }).ballots.length, 0);

  describe('one batch of many ballots into an empty table', () => {
    const t = useProjectorDatabase();
    let migrated: string[];

    before(async () => {
      expect(ballots).to.be.greaterThan(DEFER_MIN_BALLOTS);
      migrated = await ballotIndexes(t.admin);
      expect(migrated).to.have.length(3);
      await processBatch(t.pool, CURSOR, raws(EVENTS, 1), null);
    });

    it('drops the two voter indexes in the batch, keeps the primary key, and records how to build them', async () => {
      expect(await ballotIndexes(t.admin)).to.deep.equal(migrated.filter((d) => d.includes('ballots_pkey')));
      const saved = await t.admin.query<{ definition: string }>(
        'SELECT definition FROM rm.deferred_indexes ORDER BY name',
      );
      expect(saved.rows.map((r) => r.definition)).to.deep.equal(
        migrated.filter((d) => !d.includes('ballots_pkey')).sort(),
      );
      expect(await count(t.admin, 'ballots')).to.equal(ballots);
    });

    it('renders no member while the backlog lasts (renders read by those indexes)', async () => {
      const queued = await count(t.admin, 'member_dirty');
      expect(queued).to.be.greaterThan(400);
      const r = await inTransaction(t.pool, (c) => drainMemberQueue(c, { backlog: true }));
      expect(r.keys).to.deep.equal([]);
      expect(await count(t.admin, 'member_dirty')).to.equal(queued);
      expect(await count(t.admin, 'deferred_indexes')).to.equal(2);
    });

    it('builds them again, as migrated, when the backlog is over, then renders the members', async () => {
      const r = await inTransaction(t.pool, (c) => drainMemberQueue(c, { backlog: false }));
      expect(r.keys.length).to.be.greaterThan(400);
      expect(await ballotIndexes(t.admin)).to.deep.equal(migrated);
      expect(await count(t.admin, 'deferred_indexes')).to.equal(0);
      await inTransaction(t.pool, (c) => drainWholeMemberQueue(c));
      expect(await count(t.admin, 'member_dirty')).to.equal(0);
      // The planner uses the rebuilt index for a member's voting record.
      const plan = await t.admin.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT vote_id FROM rm.ballots WHERE voter = 'us-P000197' ORDER BY voted_at DESC LIMIT 20",
      );
      expect(plan.rows.map((p) => p['QUERY PLAN']).join('\n')).to.include('ballots_voter_idx');
    });

    describe('compared with the same roll calls projected one per batch (never deferred)', () => {
      const u = useProjectorDatabase();

      it('leaves identical read models', async () => {
        for (const [i, e] of EVENTS.entries()) {
          await processBatch(u.pool, CURSOR, raws([e], i + 1), i === 0 ? null : i + 1);
          expect(await count(u.admin, 'deferred_indexes')).to.equal(0);
        }
        await inTransaction(u.pool, (c) => drainWholeMemberQueue(c));
        expect(await readModelChecksums(u.admin)).to.deep.equal(await readModelChecksums(t.admin));
      });
    });
  });

  describe('a projector that may not create in the schema', () => {
    const t = useProjectorDatabase();

    it('keeps the indexes (it could not build them again)', async () => {
      await t.admin.query('REVOKE CREATE ON SCHEMA rm FROM openpolicy_projector');
      const before = await ballotIndexes(t.admin);
      await processBatch(t.pool, CURSOR, raws(EVENTS, 1), null);
      expect(await ballotIndexes(t.admin)).to.deep.equal(before);
      expect(await count(t.admin, 'deferred_indexes')).to.equal(0);
    });
  });
});
