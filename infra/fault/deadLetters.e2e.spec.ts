import { expect } from 'chai';
import type pg from 'pg';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool } from '../kernel/db.ts';
import { eventually } from '../testing/eventually.ts';
import { freePort } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { allChecksums, caughtUp, us117Events } from './faultData.ts';
import { kill, type Proc, spawnTs } from './processes.ts';

/**
 * A projection that fails on some events (a "bug", injected as a CHECK constraint that rejects two real roll
 * calls) dead-letters exactly those events with the reason, the rest land; /metrics counts them; after the fix
 * one command replays them and the read models equal those of a run that never had the bug.
 */
describe('dead letters: reason, /metrics, and replay after a fix', function () {
  this.timeout(180_000);
  const events = us117Events(40, { members: false });
  const victims = events.filter((e) => e.type === 'VoteRecorded').map((e) => e.streamId);
  const bad = [victims[3]!, victims[Math.floor(victims.length / 2)]!];
  const dbs: { db: TestDatabase; admin: pg.Pool }[] = [];
  let last: number;

  const setup = async () => {
    const db = await createTestDatabase();
    const admin = createPgPool({ connectionString: db.url, applicationName: 'fault-test', max: 3 });
    await createPgEventLog(admin).append(events);
    dbs.push({ db, admin });
    return { db, admin };
  };
  const env = (db: TestDatabase, metricsPort = 0): NodeJS.ProcessEnv => ({
    DATABASE_URL: db.url,
    KAFKA_BROKERS: '',
    LOG_LEVEL: 'warn',
    PROJECTOR_BATCH_SIZE: '20',
    VIEW_REFRESH_DEBOUNCE_MS: '0',
    PROJECTOR_METRICS_PORT: String(metricsPort),
  });
  const cli = async (db: TestDatabase, args: string[]) => {
    const p = spawnTs('infra/bin/openpolicy.ts', args, env(db));
    const { code } = await p.exited;
    return { code, output: p.output() };
  };
  const untilCaughtUp = (admin: pg.Pool, p: Proc) =>
    eventually(async () => ((await caughtUp(admin, last)) ? true : undefined), 120_000, 200).catch((err) => {
      throw new Error(`${String(err)}\n${p.output()}`);
    });

  after(async () => {
    for (const d of dbs) {
      await d.admin.end();
      await d.db.drop();
    }
  });

  it('dead-letters only the failing events, counts them in /metrics, and replays them with one command', async () => {
    const reference = await setup();
    last = events.length;
    let p = spawnTs('projector/index.ts', [], env(reference.db));
    await untilCaughtUp(reference.admin, p);
    await kill(p, 'SIGTERM');
    const expected = await allChecksums(reference.admin);

    const { db, admin } = await setup();
    await admin.query(
      `ALTER TABLE rm.votes ADD CONSTRAINT fault_injected CHECK (id <> ALL ($$${JSON.stringify(bad).replace('[', '{').replace(']', '}')}$$::text[])) NOT VALID`,
    );
    const port = await freePort();
    p = spawnTs('projector/index.ts', [], env(db, port));
    try {
      await untilCaughtUp(admin, p);
      const dead = await admin.query<{ event_id: string; reason: string; payload: string }>(
        'SELECT event_id, reason, payload FROM projector.dead_letters ORDER BY id',
      );
      expect(dead.rows.map((r) => JSON.parse(r.payload).streamId)).to.deep.equal(bad);
      for (const r of dead.rows) expect(r.reason).to.match(/violates check constraint "fault_injected"/);
      const votes = await admin.query('SELECT id FROM rm.votes WHERE id = ANY($1::text[])', [bad]);
      expect(votes.rowCount).to.equal(0);

      const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(await metrics()).to.include(
        'openpolicy_dead_letters{consumer="projector-main",state="pending"} 2',
      );

      const listed = await cli(db, ['deadletters', 'list']);
      expect(listed.code).to.equal(0);
      const rows = listed.output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      expect(rows.map((r) => r.reason)).to.have.length(2);
      expect(rows[0].reason).to.match(/fault_injected/);

      // While the bug is still there, a replay fails and says why; nothing is lost.
      const early = await cli(db, ['deadletters', 'replay']);
      expect(early.code).to.equal(1);
      expect(await metrics()).to.include('state="pending"} 2');

      await admin.query('ALTER TABLE rm.votes DROP CONSTRAINT fault_injected');
      const replay = await cli(db, ['deadletters', 'replay']);
      expect(replay.code, replay.output).to.equal(0);
      expect(replay.output).to.include('replayed 2 of 2');
      const after = await metrics();
      expect(after).to.include('openpolicy_dead_letters{consumer="projector-main",state="replayed"} 2');
      expect(after).to.not.include('state="pending"');
    } finally {
      await kill(p, 'SIGTERM');
    }
    expect(await allChecksums(admin)).to.deep.equal(expected);
  });
});
