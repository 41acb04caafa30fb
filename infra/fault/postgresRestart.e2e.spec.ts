import { expect } from 'chai';
import pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { LEADER_LOCK } from '../../projector/sources/pgLogSource.ts';
import { createPgPool, withDatabase } from '../kernel/db.ts';
import { migrate } from '../kernel/migrate.ts';
import { eventually } from '../testing/eventually.ts';
import { type Service, type Stack, spawnService, startStack, stopService } from '../testing/stack.ts';
import { TEST_PASSWORDS } from '../testing/testDatabase.ts';
import { usVoteCommand } from '../testing/usEvents.ts';
import { caughtUp } from './faultData.ts';
import { privatePostgresUnavailable, startPrivatePostgres } from './privatePostgres.ts';
import { spawnTs } from './processes.ts';

const VOTES = ['2021/h1', '2021/h2', '2021/h3', '2021/h4', '2021/h5', '2021/h6', '2021/h7', '2021/h8']
  .concat(['2021/h9', '2021/h10', '2021/s1', '2021/s2', '2021/s3', '2021/s4', '2021/s5', '2021/s6'])
  .concat(['2022/h1', '2022/h2', '2022/h3', '2022/h4', '2022/s1', '2022/s2', '2022/s3', '2022/s4']);

/**
 * PostgreSQL crashes (pg_ctl stop -m immediate) and restarts under a running stack, on a PRIVATE cluster:
 * every 202 the command service gave is in the log afterwards, refusals are retriable 503s, the projector and
 * the query service reconnect by themselves, and a full rebuild from the log finds the live read models identical.
 * A second projector instance runs as a hot standby: after the restarts exactly one backend holds the embedded
 * log's leader lock again (a crash ends the session that held it) and projection goes on.
 */
describe('PostgreSQL crash and restart under load (private cluster)', function () {
  this.timeout(240_000);
  let server: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let url: string;
  let admin: pg.Pool;
  let stack: Stack;
  let standby: Service;
  let key: string;

  before(async function () {
    const why = privatePostgresUnavailable();
    if (why) {
      if (process.env.CI) throw new Error(why);
      console.warn(`      skipped: ${why}`);
      this.skip();
    }
    server = await startPrivatePostgres();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query('CREATE DATABASE openpolicy');
    await c.end();
    url = withDatabase(server.url, 'openpolicy');
    await migrate(url, TEST_PASSWORDS);
    admin = createPgPool({ connectionString: url, applicationName: 'fault-test', max: 2 });
    admin.on('error', () => undefined);
    key = (await createApiKey(admin, 'fault', ['write'])).key;
    stack = await startStack({
      databaseUrl: url,
      env: {
        QUERY_RATE_LIMIT_RPS: '0',
        COMMAND_RATE_LIMIT_RPS: '0',
        PROJECTOR_BATCH_SIZE: '3',
        VIEW_REFRESH_DEBOUNCE_MS: '0',
      },
    });
    standby = spawnService('projector-2', 'projector/index.ts', {
      DATABASE_URL: url,
      KAFKA_BROKERS: '',
      LOG_LEVEL: 'info',
      PROJECTOR_BATCH_SIZE: '3',
      PROJECTOR_IDLE_POLL_MS: '500',
      VIEW_REFRESH_DEBOUNCE_MS: '0',
    });
    // Booted before the first crash (a projector that cannot reach Postgres at boot refuses to start).
    await eventually(async () => (standby.output().includes('projector running') ? true : undefined), 30_000);
  });
  after(async () => {
    if (standby) await stopService(standby);
    await stack?.stop();
    await admin?.end().catch(() => undefined);
    server?.destroy();
  });

  it('loses no accepted event, answers retriable errors meanwhile, and reconnects every service', async () => {
    const accepted = new Map<string, string>();
    const refusals = new Map<number | string, number>();
    const send = async (rel: string) => {
      const deadline = Date.now() + 60_000;
      let last = '';
      for (;;) {
        if (Date.now() > deadline) {
          throw new Error(
            `no 202 for ${rel} within 60 s (last: ${last})\n${stack.services.map((s) => `[${s.name}] ${s.output()}`).join('\n')}`,
          );
        }
        try {
          const r = await fetch(`${stack.commandUrl}/api/v1/commands`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(usVoteCommand(rel)),
          });
          const body = (await r.json()) as { events?: { eventId: string }[]; retriable?: boolean };
          last = `${r.status} ${JSON.stringify(body)}`;
          if (r.status === 202) {
            accepted.set(rel, body.events![0]!.eventId);
            return;
          }
          refusals.set(r.status, (refusals.get(r.status) ?? 0) + 1);
          expect(r.status, JSON.stringify(body)).to.equal(503);
          expect(body.retriable).to.equal(true);
        } catch (err) {
          if ((err as Error).name === 'AssertionError') throw err;
          refusals.set('network', (refusals.get('network') ?? 0) + 1);
          last = String(err);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const writer = (async () => {
      for (const rel of VOTES) await send(rel);
    })();
    await eventually(async () => (accepted.size >= 6 ? true : undefined), 60_000, 20);
    server.stop('immediate');
    await new Promise((r) => setTimeout(r, 1_500));
    server.start();
    await writer;
    // A second crash while the projector works through the backlog.
    await eventually(async () => {
      const r = await admin.query("SELECT next_offset FROM projector.checkpoints WHERE source = 'postgres'");
      return r.rows[0]?.next_offset > 4 ? true : undefined;
    }, 60_000);
    server.stop('immediate');
    await new Promise((r) => setTimeout(r, 1_000));
    server.start();

    const logged = await admin.query<{ event_id: string }>('SELECT event_id::text FROM events.log');
    const inLog = new Set(logged.rows.map((r) => r.event_id));
    expect(
      [...accepted.values()].filter((id) => !inLog.has(id)),
      'accepted, then lost',
    ).to.deep.equal([]);
    expect(accepted.size).to.equal(VOTES.length);
    expect(logged.rowCount).to.equal(VOTES.length);

    await eventually(
      async () => ((await caughtUp(admin, VOTES.length)) ? true : undefined),
      90_000,
      250,
    ).catch((err) => {
      throw new Error(`${String(err)}\n${stack.services.map((s) => `[${s.name}] ${s.output()}`).join('\n')}`);
    });
    for (const s of [...stack.services, standby])
      expect(s.child.exitCode, `${s.name} exited:\n${s.output()}`).to.equal(null);

    // The crash ended the session that held the leader lock: one of the two projectors took it again on a new
    // connection, and only one (the other waits), and the leader goes on projecting new events.
    const lockHolders = () =>
      admin
        .query<{ pid: number; app: string }>(
          `SELECT l.pid, a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = $1::bigint::oid AND l.objsubid = 1
             AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [LEADER_LOCK],
        )
        .then((r) => r.rows);
    const holder = await eventually(async () => {
      const h = await lockHolders();
      return h.length === 1 ? h[0] : undefined;
    }, 30_000).catch(async (err) => {
      throw new Error(`${String(err)}: holders ${JSON.stringify(await lockHolders())}`);
    });
    expect(holder.app).to.equal('openpolicy-projector');
    await send('2022/h5');
    await eventually(async () => ((await caughtUp(admin, VOTES.length + 1)) ? true : undefined), 30_000, 250);
    expect(await lockHolders()).to.deep.equal([holder]);
    const vote = await eventually(async () => {
      const r = await fetch(`${stack.queryUrl}/api/v1/votes/us-117-2022-s4`);
      return r.ok ? ((await r.json()) as { id: string }) : undefined;
    }, 30_000);
    expect(vote.id).to.equal('us-117-2022-s4');
    expect((await fetch(`${stack.queryUrl}/readyz`)).status).to.equal(200);
    expect((await fetch(`${stack.commandUrl}/readyz`)).status).to.equal(200);

    // The live models, built across two crashes, equal a replay of the whole log from scratch.
    const rebuild = spawnTs('infra/bin/openpolicy.ts', ['rebuild', '--require-identical'], {
      DATABASE_URL: url,
      KAFKA_BROKERS: '',
      LOG_LEVEL: 'warn',
    });
    const done = await rebuild.exited;
    expect(done.code, rebuild.output()).to.equal(0);
    expect(JSON.parse(rebuild.output().trim().split('\n').at(-1)!)).to.include({
      identical: true,
      compared: true,
    });
    console.log(`      refusals while down: ${JSON.stringify(Object.fromEntries(refusals))}`);
  });
});
