import { expect } from 'chai';
import type pg from 'pg';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { VIEWS } from '../../projector/views/viewRefresher.ts';
import { createPgPool } from '../kernel/db.ts';
import { eventually } from '../testing/eventually.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { allChecksums, caughtUp, checkpoint, LONG, us117Events } from './faultData.ts';
import { kill, type Proc, seeded, spawnTs } from './processes.ts';

/**
 * SIGKILL the projector (and the rebuild command) at random points and inside its two critical windows -
 * rows written but not committed, and a materialized-view refresh in flight - then let it restart and catch
 * up: the read models must equal those of an uninterrupted run over the same log, table by table.
 */
const KILLS = LONG ? 30 : 12;
const STRIDE = LONG ? 1 : 16;
const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);

type Db = { db: TestDatabase; admin: pg.Pool };

const projectorEnv = (db: TestDatabase): NodeJS.ProcessEnv => ({
  DATABASE_URL: db.url,
  KAFKA_BROKERS: '',
  LOG_LEVEL: 'warn',
  // Small batches and an eager refresher: many commits and refreshes to be killed in.
  PROJECTOR_BATCH_SIZE: '25',
  PROJECTOR_IDLE_POLL_MS: '200',
  VIEW_REFRESH_DEBOUNCE_MS: '0',
  VIEW_REFRESH_MAX_DELAY_MS: '0',
});

/** Waits until a projector backend is blocked on a lock while running a statement like `pattern`. */
const blockedOn = (admin: pg.Pool, pattern: string, p: Proc) =>
  eventually(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`process exited early:\n${p.output()}`);
      const r = await admin.query<{ pid: number; xid: string | null }>(
        `SELECT pid, backend_xid::text AS xid FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'openpolicy-projector'
           AND wait_event_type = 'Lock' AND query ILIKE $1`,
        [pattern],
      );
      return r.rows[0];
    },
    60_000,
    10,
  );

/**
 * Holds `lock` in its own transaction until released. A materialized view cannot be LOCKed; `ANALYZE` in a
 * transaction holds SHARE UPDATE EXCLUSIVE on it to the end, which the refresh's EXCLUSIVE lock waits for.
 */
const holdLock = async (admin: pg.Pool, lock: string) => {
  const client = await admin.connect();
  try {
    await client.query('BEGIN');
    await client.query(lock);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw err;
  }
  return async () => {
    await client.query('ROLLBACK');
    client.release();
  };
};

describe(`projector crashes: SIGKILL ${KILLS} times while projecting us/117 (seed ${SEED})`, function () {
  this.timeout(LONG ? 3_600_000 : 240_000);
  const events = us117Events(STRIDE);
  const random = seeded(SEED);
  let reference: Db;
  let crashed: Db;
  let last: number;
  let expected: Record<string, string>;
  const kills: string[] = [];

  const setup = async (): Promise<Db> => {
    const db = await createTestDatabase();
    const admin = createPgPool({ connectionString: db.url, applicationName: 'fault-test', max: 4 });
    const log = createPgEventLog(admin);
    for (let i = 0; i < events.length; i += 1_000) await log.append(events.slice(i, i + 1_000));
    return { db, admin };
  };

  const runToEnd = async (d: Db) => {
    const p = spawnTs('projector/index.ts', [], projectorEnv(d.db));
    try {
      await eventually(
        async () => ((await caughtUp(d.admin, last)) ? true : undefined),
        LONG ? 1_800_000 : 120_000,
        200,
      );
    } catch (err) {
      throw new Error(`${String(err)}\n${p.output()}`);
    } finally {
      expect((await kill(p, 'SIGTERM')).code).to.equal(0);
    }
  };

  before(async () => {
    [reference, crashed] = [await setup(), await setup()];
    last = Number((await reference.admin.query('SELECT max(position)::int AS n FROM events.log')).rows[0].n);
    expect(last).to.equal(events.length);
    await runToEnd(reference);
    expected = await allChecksums(reference.admin);
  });
  after(async () => {
    if (kills.length) console.log(`      kills: ${kills.join(', ')}`);
    for (const d of [reference, crashed]) {
      await d?.admin.end();
      await d?.db.drop();
    }
  });

  it('ends with read models identical to an uninterrupted run', async () => {
    const { admin } = crashed;
    let progressMade = 0;
    for (let i = 0; i < KILLS; i++) {
      const before = await checkpoint(admin);
      const kind = ['commit', 'refresh', 'random'][i % 3]!;
      const view = VIEWS[Math.floor(i / 3) % VIEWS.length]!;
      const lock =
        kind === 'commit'
          ? await holdLock(admin, 'LOCK TABLE rm.freshness IN EXCLUSIVE MODE')
          : kind === 'refresh'
            ? await holdLock(admin, `ANALYZE rm.${view}`)
            : null;
      const p = spawnTs('projector/index.ts', [], projectorEnv(crashed.db));
      try {
        if (kind === 'commit') {
          // The transaction's rows (and a batch's checkpoint) are written (it holds a transaction id); only
          // COMMIT is left.
          // (a batch's freshness write, or the member renderer's after it rendered the members a batch queued)
          const blocked = await blockedOn(admin, 'INSERT INTO freshness%', p);
          expect(blocked.xid).to.not.equal(null);
          kills.push(`commit@${before}`);
        } else if (kind === 'refresh') {
          await blockedOn(admin, `REFRESH MATERIALIZED VIEW CONCURRENTLY ${view}%`, p);
          kills.push(`refresh:${view}@${before}`);
        } else {
          // A random point in the work still left, sized so the kills to come find events left too (a fixed
          // random delay let a fast machine finish the whole log before the last kills: CI saw 732 > 731).
          const step = Math.max(1, Math.floor((random() * (last + 1 - before)) / (KILLS - i + 1)));
          const started = Date.now();
          await eventually(
            async () =>
              (await checkpoint(admin)) >= before + step || Date.now() - started > 5_000 ? true : undefined,
            15_000,
            5,
          );
          kills.push(`random+${step}ev@${before}`);
        }
        expect((await kill(p)).signal).to.equal('SIGKILL');
      } finally {
        await kill(p);
        await lock?.();
      }
      progressMade = Math.max(progressMade, await checkpoint(admin));
      expect(await checkpoint(admin), 'the killed run must still have events left').to.be.at.most(last);
    }
    expect(progressMade).to.be.greaterThan(1);

    // The last batch committed, the projector killed inside the refresh that follows it: on restart there is
    // no new event to trigger a refresh, yet the views must still catch up.
    const lock = await holdLock(admin, 'ANALYZE rm.dashboard_mv');
    const p = spawnTs('projector/index.ts', [], projectorEnv(crashed.db));
    try {
      await eventually(async () => ((await checkpoint(admin)) > last ? true : undefined), 120_000, 100);
      await blockedOn(admin, 'REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_mv%', p);
      kills.push('refresh:dashboard_mv@end');
      await kill(p);
    } finally {
      await kill(p);
      await lock();
    }

    await runToEnd(crashed);
    expect(await allChecksums(admin)).to.deep.equal(expected);
    const dead = await admin.query('SELECT count(*)::int AS n FROM projector.dead_letters');
    expect(dead.rows[0].n).to.equal(0);
  });

  it('survives `openpolicy rebuild` killed mid-replay and mid-refresh; a re-run switches to identical models', async () => {
    const { admin, db } = crashed;
    const env = { ...projectorEnv(db), PROJECTOR_BATCH_SIZE: '25' };
    // 1. Killed while replaying the log into the shadow schema.
    let p = spawnTs('infra/bin/openpolicy.ts', ['rebuild'], env);
    try {
      const mid = Math.max(2, Math.floor(last * (0.2 + 0.5 * random())));
      await eventually(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`rebuild exited early:\n${p.output()}`);
          return (await checkpoint(admin, 'projector-rebuild')) >= mid ? true : undefined;
        },
        120_000,
        10,
      );
      kills.push(`rebuild-replay@${await checkpoint(admin, 'projector-rebuild')}`);
    } finally {
      await kill(p);
    }
    expect(await checkpoint(admin, 'projector-rebuild')).to.be.at.most(last);
    expect(await allChecksums(admin)).to.deep.equal(expected);

    // 2. Killed while refreshing the shadow schema's views, after the replay finished.
    const started = (await admin.query('SELECT now() AS t')).rows[0].t;
    p = spawnTs('infra/bin/openpolicy.ts', ['rebuild'], env);
    let release: (() => Promise<void>) | null = null;
    try {
      // A batch committed by this run (not the killed one's checkpoint): its own rm_next exists.
      await eventually(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`rebuild exited early:\n${p.output()}`);
          const r = await admin.query(
            "SELECT 1 FROM projector.checkpoints WHERE consumer = 'projector-rebuild' AND updated_at > $1",
            [started],
          );
          return r.rowCount ? true : undefined;
        },
        120_000,
        10,
      );
      release = await holdLock(admin, 'ANALYZE rm_next.dashboard_mv');
      await blockedOn(admin, 'REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_mv%', p);
      kills.push('rebuild-refresh');
    } finally {
      await kill(p);
      await release?.();
    }
    expect(await allChecksums(admin)).to.deep.equal(expected);

    // 3. A clean re-run replays from scratch and switches to models identical to the uninterrupted run.
    p = spawnTs('infra/bin/openpolicy.ts', ['rebuild', '--require-identical'], env);
    const done = await p.exited;
    expect(done.code, p.output()).to.equal(0);
    const report = JSON.parse(p.output().trim().split('\n').at(-1)!);
    expect(report).to.include({ switched: true, compared: true, identical: true });
    expect(await allChecksums(admin)).to.deep.equal(expected);
    expect(await checkpoint(admin)).to.equal(last + 1);
  });
});
