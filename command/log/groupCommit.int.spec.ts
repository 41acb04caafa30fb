import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createTestDatabase, TEST_PASSWORDS, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import type { EventEnvelope } from '../contract/events.ts';
import type { EventLog } from './eventLog.ts';
import { withGroupCommit } from './groupCommit.ts';
import { createPgEventLog } from './pgEventLog.ts';

/** One real House roll call as a live one: each ballot its own event (as the command service receives them). */
const ballotEvents = (n: number): EventEnvelope[] => {
  const e = usVoteEvent('2021/h49');
  const data = e.data as { ballots: unknown[] };
  return data.ballots.slice(0, n).map((b, i) => ({
    ...e,
    // Distinct, deterministic event ids (decide() derives them from the content).
    eventId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    data: { ...e.data, ballotsComplete: false, ballots: [b] },
  })) as EventEnvelope[];
};

describe('group commit on the embedded log (real Postgres, command role)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let log: EventLog;

  before(async () => {
    db = await createTestDatabase();
    // The command service's own role: events.append (sql/0009) must be callable by it and by nobody else.
    pool = createPgPool({
      connectionString: withCredentials(db.url, 'openpolicy_command', TEST_PASSWORDS.command),
      applicationName: 'test-command',
      max: 4,
    });
    log = withGroupCommit(createPgEventLog(pool));
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  it('appends that arrive during one append go together, in arrival order, each caller getting its own', async () => {
    const events = ballotEvents(60);
    const results = await Promise.all(events.map((e) => log.append([e])));
    expect(results.map((r) => r.length)).to.deep.equal(events.map(() => 1));
    expect(results.map((r) => r[0]!.eventId)).to.deep.equal(events.map((e) => e.eventId));
    expect(results.every((r) => r[0]!.duplicate === false)).to.equal(true);
    // Positions follow arrival order, so a stream's events stay in the order they were accepted.
    expect(results.map((r) => Number(r[0]!.position))).to.deep.equal(events.map((_, i) => i + 1));
    const stored = await pool.query<{ n: number; transactions: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM events.log',
    );
    expect(stored.rows[0]!.n).to.equal(60);
    // The first append goes alone; the 59 that queued behind it share far fewer transactions.
    expect(stored.rows[0]!.transactions).to.be.at.least(2).and.at.most(10);
  });

  it('reports a duplicate to the later of two callers with the same event, and to a re-send', async () => {
    const [e] = ballotEvents(1);
    const [a, b] = await Promise.all([log.append([e!]), log.append([e!])]);
    expect([a![0]!.duplicate, b![0]!.duplicate]).to.deep.equal([true, true]);
    const fresh = { ...e!, eventId: '00000000-0000-4000-8000-100000000001' };
    const [c, d] = await Promise.all([log.append([fresh]), log.append([fresh])]);
    expect([c![0]!.duplicate, d![0]!.duplicate]).to.deep.equal([false, true]);
    expect(c![0]!.position).to.equal(d![0]!.position);
  });

  it('one append the database refuses fails alone: the others in its group land', async () => {
    const [good1, good2] = ballotEvents(2).map((e, i) => ({
      ...e,
      eventId: `00000000-0000-4000-8000-20000000000${i}`,
    }));
    const bad = { ...good1!, eventId: 'not-a-uuid' } as EventEnvelope;
    const blocker = log.append([{ ...good1!, eventId: '00000000-0000-4000-8000-300000000000' }]);
    const outcomes = await Promise.allSettled([
      log.append([good1!]),
      log.append([bad]),
      log.append([good2!]),
    ]);
    await blocker;
    expect(outcomes.map((o) => o.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).to.match(/uuid/);
    const stored = await pool.query('SELECT event_id FROM events.log WHERE event_id = ANY($1::uuid[])', [
      [good1!.eventId, good2!.eventId],
    ]);
    expect(stored.rowCount).to.equal(2);
  });

  it('events.append is not callable by the read roles', async () => {
    const query = createPgPool({
      connectionString: withCredentials(db.url, 'openpolicy_projector', TEST_PASSWORDS.projector),
      applicationName: 'test-projector',
    });
    try {
      const refused = await query.query("SELECT * FROM events.append('[]'::jsonb)").catch((err) => err);
      expect(String(refused)).to.match(/permission denied/);
    } finally {
      await query.end();
    }
  });
});
