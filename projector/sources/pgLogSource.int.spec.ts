import { expect } from 'chai';
import type pg from 'pg';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { createTestDatabase, TEST_PASSWORDS, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { LEADER_LOCK, runPgLogSource } from './pgLogSource.ts';

const logger = createLogger('test', 'silent');
const CONSUMER = 'projector-leader-test';

type Instance = {
  name: string;
  pool: pg.Pool;
  applied: string[];
  stop: () => Promise<void>;
  done: Promise<void>;
};

/**
 * Two projector instances on one embedded log: only the holder of the leader lock applies batches, and when
 * the lock's connection dies (a terminated backend, every connection dropped as in a restart) exactly one of
 * them takes it again on a new connection and projection goes on.
 */
describe('embedded log: leader lock survives lost connections (real Postgres)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let projectorUrl: string;
  const instances: Instance[] = [];
  const votes = [
    '2021/h1',
    '2021/h2',
    '2021/h3',
    '2021/h4',
    '2021/h5',
    '2021/h6',
    '2021/h7',
    '2021/h8',
    '2021/h9',
  ];

  const start = async (name: string): Promise<Instance> => {
    // createProjectorPool's settings, with an application_name per instance so pg_locks tells them apart.
    const pool = createPgPool({
      connectionString: projectorUrl,
      applicationName: `leader-test-${name}`,
      max: 4,
      statementTimeoutMs: 120_000,
      searchPath: 'rm',
    });
    const applied: string[] = [];
    const source = await runPgLogSource({
      pool,
      listenUrl: projectorUrl,
      consumer: CONSUMER,
      batchSize: 2,
      idlePollMs: 100,
      logger,
      onBatch: (r) => applied.push(r.position),
    });
    return { name, pool, applied, done: source.done, stop: () => source.stop().then(() => pool.end()) };
  };

  /** Backends of this database holding the leader lock, with the instance they belong to. */
  const holders = async () =>
    (
      await admin.query<{ pid: number; app: string }>(
        `SELECT l.pid, a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a USING (pid)
         WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = $1::bigint::oid AND l.objsubid = 1
           AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [LEADER_LOCK],
      )
    ).rows;

  const oneHolder = (not?: number) =>
    eventually(async () => {
      const h = await holders();
      return h.length === 1 && h[0]!.pid !== not ? h[0]! : undefined;
    }, 20_000);

  const caughtUp = (position: number) =>
    eventually(async () => {
      const r = await admin.query<{ next_offset: number }>(
        'SELECT next_offset FROM projector.checkpoints WHERE consumer = $1',
        [CONSUMER],
      );
      return (r.rows[0]?.next_offset ?? 0) > position ? true : undefined;
    }, 30_000);

  const append = async (rels: string[]) => {
    const appended = await createPgEventLog(admin).append(rels.map(usVoteEvent));
    return Math.max(...appended.map((a) => Number(a.position)));
  };

  /** Batches applied since `before` (a snapshot of `applied` lengths), per instance name. */
  const appliedSince = (before: Map<string, number>) =>
    Object.fromEntries(instances.map((i) => [i.name, i.applied.length - (before.get(i.name) ?? 0)]));
  const snapshot = () => new Map(instances.map((i) => [i.name, i.applied.length]));

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    projectorUrl = withCredentials(db.url, 'openpolicy_projector', TEST_PASSWORDS.projector);
    instances.push(await start('a'), await start('b'));
  });
  after(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await admin.end();
    await db.drop();
  });

  it('one instance holds the lock and only it applies the log', async () => {
    const holder = await oneHolder();
    const before = snapshot();
    await caughtUp(await append(votes.slice(0, 3)));
    const since = appliedSince(before);
    const standby = instances.find((i) => `leader-test-${i.name}` !== holder.app)!;
    expect(since[standby.name], JSON.stringify(since)).to.equal(0);
    expect(since[holder.app.slice('leader-test-'.length)]).to.be.greaterThan(0);
  });

  it('re-takes the lock on a new connection when the leader backend is terminated', async () => {
    const old = await oneHolder();
    await admin.query('SELECT pg_terminate_backend($1)', [old.pid]);
    const holder = await oneHolder(old.pid);
    const before = snapshot();
    await caughtUp(await append(votes.slice(3, 6)));
    const since = appliedSince(before);
    const standby = instances.find((i) => `leader-test-${i.name}` !== holder.app)!;
    expect(since[standby.name], `standby applied while not leader: ${JSON.stringify(since)}`).to.equal(0);
    expect((await holders()).map((h) => h.pid)).to.deep.equal([holder.pid]);
  });

  it('after every connection of both instances is dropped (as in a restart), exactly one leads again', async () => {
    const old = await oneHolder();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND usename = 'openpolicy_projector'`,
    );
    expect(killed.rowCount).to.be.greaterThan(2);
    const holder = await oneHolder(old.pid);
    const before = snapshot();
    await caughtUp(await append(votes.slice(6)));
    const since = appliedSince(before);
    const standby = instances.find((i) => `leader-test-${i.name}` !== holder.app)!;
    expect(since[standby.name], `standby applied while not leader: ${JSON.stringify(since)}`).to.equal(0);
    expect(await holders()).to.have.length(1);
    const rows = await admin.query('SELECT count(*)::int AS n FROM rm.votes');
    expect(rows.rows[0].n).to.equal(votes.length);
    // Neither loop died on the way.
    for (const i of instances) {
      const state = await Promise.race([
        i.done.then(
          () => 'ended',
          (e) => `failed: ${e}`,
        ),
        Promise.resolve('running'),
      ]);
      expect(state, i.name).to.equal('running');
    }
  });

  it('releases the lock on stop, and the standby takes over', async () => {
    const holder = await oneHolder();
    const leader = instances.find((i) => `leader-test-${i.name}` === holder.app)!;
    await leader.stop();
    instances.splice(instances.indexOf(leader), 1);
    const next = await oneHolder(holder.pid);
    expect(next.app).to.equal(`leader-test-${instances[0]!.name}`);
    const before = snapshot();
    await caughtUp(await append(['2022/h1']));
    expect(appliedSince(before)[instances[0]!.name]).to.be.greaterThan(0);
  });
});
