import { expect } from 'chai';
import type pg from 'pg';
import type { Command } from '../../command/contract/commands.ts';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { asEvent, usVoteCommand } from '../../infra/testing/usEvents.ts';
import { drainWholeMemberQueue } from '../members/memberQueue.ts';
import { readModelChecksums } from '../rebuild/readModelChecksums.ts';
import type { RawEvent } from './applyBatch.ts';
import { processBatch } from './processBatch.ts';

type VoteCommand = Extract<Command, { type: 'RecordVote' }>;
type Ballots = VoteCommand['data']['ballots'];

/** House roll call 49 of 2021 (on H.R. 1319), with its ballots changed by `change`. */
const h49 = (change: (b: Ballots) => Ballots = (b) => b): VoteCommand => {
  const c = usVoteCommand('2021/h49') as VoteCommand;
  return { ...c, data: { ...c.data, ballots: change(structuredClone(c.data.ballots)) } };
};

/** Applies the events (log positions 1..n) in batches of the given sizes, then renders every queued member. */
const project = async (pool: pg.Pool, events: readonly EventEnvelope[], sizes: readonly number[]) => {
  const raws: RawEvent[] = events.map((e, i) => ({
    offset: i + 1,
    position: String(i + 1),
    payload: JSON.parse(JSON.stringify(e)),
  }));
  let at = 0;
  for (const n of sizes) {
    await processBatch(
      pool,
      { consumer: 'projector-test', source: 'postgres', partition: 0 },
      raws.slice(at, at + n),
      at ? at + 1 : null,
    );
    at += n;
  }
  expect(at).to.equal(raws.length);
  await inTransaction(pool, (c) => drainWholeMemberQueue(c));
};

type Db = ReturnType<typeof useProjectorDatabase>;
const rows = async (t: Db, text: string, values: unknown[] = []) => (await t.admin.query(text, values)).rows;

/**
 * The same events in one batch and one event per batch must give the same read models (a rebuild, whose batches
 * differ from the live ones, compares them). Each case is a correction that arrives after the first version;
 * `check` then looks at what both databases show.
 */
const sameEitherWay = (name: string, events: () => EventEnvelope[], check: (t: Db) => Promise<void>) =>
  describe(name, () => {
    const one = useProjectorDatabase();
    const each = useProjectorDatabase();
    before(async () => {
      const e = events();
      await project(one.pool, e, [e.length]);
      await project(
        each.pool,
        e,
        e.map(() => 1),
      );
    });
    it('gives the same read models in one batch as in one batch per event', async () => {
      const [a, b] = await Promise.all([
        readModelChecksums(one.admin, 'rm'),
        readModelChecksums(each.admin, 'rm'),
      ]);
      expect(Object.keys(a).filter((table) => a[table] !== b[table])).to.deep.equal([]);
    });
    it('shows the correction', async () => {
      await check(one);
      await check(each);
    });
  });

describe('read models do not depend on batching (real Postgres, projector role)', () => {
  const voter = () => `us-${h49().data.ballots[0]!.voter.id}`;
  sameEitherWay(
    'a corrected name and party on the same roll call',
    () => [
      asEvent(h49()),
      asEvent(
        h49((b) => {
          b[0] = { ...b[0]!, name: 'Aderholt, Robert', party: 'I' };
          return b;
        }),
      ),
    ],
    async (t) => {
      const [m] = await rows(t, 'SELECT stub, body::jsonb AS body FROM rm.members WHERE id = $1', [voter()]);
      expect(m.stub).to.equal(true);
      expect(m.body.name.full, 'name').to.equal('Aderholt, Robert');
      expect(m.body.party, 'party').to.equal('I');
    },
  );

  sameEitherWay(
    'a ballot a complete roll leaves out',
    () => [
      asEvent(h49((b) => [...b, { ...b[0]!, voter: { scheme: 'bioguide', id: 'X999999' }, name: 'Typo' }])),
      asEvent(h49()),
    ],
    async (t) => {
      expect(await rows(t, "SELECT voter FROM rm.voter_stats WHERE voter = 'us-X999999'")).to.deep.equal([]);
      expect(await rows(t, "SELECT id FROM rm.members WHERE id = 'us-X999999'")).to.deep.equal([]);
      const [{ n }] = await rows(
        t,
        "SELECT count(*)::int AS n FROM rm.ballots WHERE vote_id = 'us-117-2021-h49'",
      );
      expect(n).to.equal(h49().data.ballots.length);
    },
  );

  sameEitherWay(
    'a roll call moved to another bill',
    () => {
      const right = h49();
      return [
        asEvent({ ...right, data: { ...right.data, bill: { ...right.data.bill!, number: '9999' } } }),
        asEvent(right),
      ];
    },
    async (t) => {
      expect(await rows(t, 'SELECT id, stub, vote_count FROM rm.bills ORDER BY id')).to.deep.equal([
        { id: 'us-117-hr-1319', stub: true, vote_count: 1 },
      ]);
    },
  );
});
