import { expect } from 'chai';
import { inTransaction } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { applyBatch } from '../runner/applyBatch.ts';
import { createMemberRenderer } from './memberQueue.ts';

const logger = createLogger('test', 'silent');

describe('member renderer: renders after a kick, postpones a deferred render during a backlog (real Postgres)', () => {
  const t = useProjectorDatabase();
  let offset = 0;

  const queued = async () =>
    Number((await t.admin.query('SELECT count(*) FROM rm.member_dirty')).rows[0].count);
  // Senate roll calls of 2021: each batch queues its senators' keys (LIS ids; no member records are loaded).
  const applyVote = (rel: string) =>
    inTransaction(t.pool, (c) =>
      applyBatch(
        c,
        { consumer: 'c', source: 't', partition: 0 },
        [{ offset, position: `p:${offset}`, payload: usVoteEvent(rel) }],
        offset === 0 ? null : offset,
      ).then(() => {
        offset += 1;
      }),
    );
  const memberStats = async (id: string) =>
    (await t.admin.query('SELECT body::jsonb AS body FROM rm.members WHERE id = $1', [id])).rows[0]?.body
      .stats;

  it('keeps deferred keys queued until a kick, then renders them once', async () => {
    const renderer = createMemberRenderer({ pool: t.pool, logger, delayMs: 10, maxDeferMs: 60_000 });
    try {
      await applyVote('2021/s419');
      const keys = await queued();
      expect(keys).to.be.greaterThanOrEqual(100);
      renderer.defer();
      await new Promise((r) => setTimeout(r, 400));
      expect(await queued()).to.equal(keys);
      expect(await memberStats('us-lis-S354')).to.equal(undefined);
      // The backlog ended: the source kicks, and the deferred keys render with it.
      renderer.kick();
      await eventually(async () => ((await queued()) === 0 ? true : undefined));
      expect(await memberStats('us-lis-S354')).to.include({ rollCalls: 1, yea: 1 });
    } finally {
      await renderer.stop();
    }
  });

  it('renders deferred keys after maxDeferMs even while the backlog goes on', async () => {
    const renderer = createMemberRenderer({ pool: t.pool, logger, delayMs: 10, maxDeferMs: 300 });
    try {
      await applyVote('2021/s418');
      expect(await queued()).to.be.greaterThanOrEqual(100);
      renderer.defer();
      // A later deferral does not push the render further out.
      await new Promise((r) => setTimeout(r, 150));
      renderer.defer();
      await eventually(async () => ((await queued()) === 0 ? true : undefined));
      expect(await memberStats('us-lis-S354')).to.include({ rollCalls: 2 });
    } finally {
      await renderer.stop();
    }
  });

  it('renders what is still deferred when stopped', async () => {
    const renderer = createMemberRenderer({ pool: t.pool, logger, delayMs: 10, maxDeferMs: 60_000 });
    await applyVote('2021/s417');
    renderer.defer();
    await renderer.stop();
    expect(await queued()).to.equal(0);
    expect(await memberStats('us-lis-S354')).to.include({ rollCalls: 3 });
  });
});
