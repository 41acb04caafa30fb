import { expect } from 'chai';
import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { drainMemberQueue } from '../members/memberQueue.ts';
import { applyBatch, type RawEvent } from './applyBatch.ts';

// Tammy Baldwin (legislators-current.csv row 21): bioguide B001230, LIS S354; she voted Yea on Senate roll 419.
const BALDWIN = decide(
  Command.parse({
    type: 'RecordMember',
    data: {
      jurisdiction: 'us',
      ids: [
        { scheme: 'bioguide', id: 'B001230' },
        { scheme: 'lis', id: 'S354' },
      ],
      name: { full: 'Tammy Baldwin', first: 'Tammy', last: 'Baldwin' },
      terms: [{ chamber: 'upper', start: '2019-01-03', end: '2025-01-03', party: 'Democrat', region: 'WI' }],
    },
  }),
  { recordedAt: '2026-01-01T00:00:00.000Z' },
);

describe('two projector instances applying batches of different partitions at the same time', () => {
  const t = useProjectorDatabase();

  it('merges the stub a concurrent vote batch creates and counts its ballot in the member document', async () => {
    const raw = (offset: number, payload: unknown): RawEvent[] => [
      { offset, position: `p:${offset}`, payload },
    ];
    const [a, b] = [await t.pool.connect(), await t.pool.connect()];
    try {
      // Partition 0: the roll call (creates a stub under Baldwin's LIS id), not yet committed...
      await a.query('BEGIN');
      await applyBatch(
        a,
        { consumer: 'c', source: 't', partition: 0 },
        raw(0, usVoteEvent('2021/s419')),
        null,
      );
      // ...while partition 1's instance applies her member record, which must see that stub to merge it.
      await b.query('BEGIN');
      const member = applyBatch(b, { consumer: 'c', source: 't', partition: 1 }, raw(0, BALDWIN), null);
      await new Promise((r) => setTimeout(r, 300));
      await a.query('COMMIT');
      await member;
      await b.query('COMMIT');
    } finally {
      a.release();
      b.release();
    }
    // The batches queued the member renders; the renderer (which each source runs after its batches) drains them.
    await inTransaction(t.pool, (c) => drainMemberQueue(c));
    const stub = await t.admin.query("SELECT id FROM rm.members WHERE id = 'us-lis-S354'");
    expect(stub.rowCount).to.equal(0);
    const doc = await t.admin.query("SELECT body::jsonb AS body FROM rm.members WHERE id = 'us-B001230'");
    expect(doc.rows[0].body.stats).to.include({ rollCalls: 1, yea: 1 });
  });
});
