import { expect } from 'chai';
import type pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool } from '../kernel/db.ts';
import { createKafka } from '../kernel/kafka.ts';
import { createLogger } from '../kernel/logger.ts';
import { eventually } from '../testing/eventually.ts';
import { uniqueName } from '../testing/kafka.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { usVoteCommand } from '../testing/usEvents.ts';
import { privateKafkaUnavailable, startPrivateKafka } from './privateKafka.ts';
import { spawnTs } from './processes.ts';

const VOTES = ['2021/h1', '2021/h2', '2021/h3', '2021/h4', '2021/h5', '2021/h6', '2021/s1', '2021/s2'].concat(
  ['2021/s3', '2021/s4', '2022/h1', '2022/h2', '2022/h3', '2022/s1', '2022/s2', '2022/s3'],
);

/**
 * The Kafka broker crashes (SIGKILL) and restarts during ingest, on a PRIVATE broker: every 202 the command
 * service gave reaches the read models, refusals meanwhile are retriable 503s, the command service and the
 * projector reconnect by themselves, and a rebuild from the topic finds the live read models identical.
 */
describe('Kafka broker crash and restart during ingest (private broker)', function () {
  this.timeout(300_000);
  let kafka: Awaited<ReturnType<typeof startPrivateKafka>>;
  let db: TestDatabase;
  let admin: pg.Pool;
  let stack: Stack;
  let key: string;
  const topic = uniqueName('op-fault-broker');

  before(async function () {
    const why = privateKafkaUnavailable();
    if (why) {
      if (process.env.CI) throw new Error(why);
      console.warn(`      skipped: ${why}`);
      this.skip();
    }
    kafka = await startPrivateKafka();
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'fault-test', max: 2 });
    key = (await createApiKey(admin, 'fault', ['write'])).key;
    stack = await startStack({
      databaseUrl: db.url,
      kafka: { brokers: [kafka.broker], topic, group: uniqueName('op-fault-broker') },
      env: {
        QUERY_RATE_LIMIT_RPS: '0',
        COMMAND_RATE_LIMIT_RPS: '0',
        PROJECTOR_BATCH_SIZE: '3',
        VIEW_REFRESH_DEBOUNCE_MS: '0',
      },
    });
  });
  after(async () => {
    await stack?.stop();
    await admin?.end();
    await db?.drop();
    await kafka?.destroy();
  });

  it('loses no accepted event, answers retriable 503s meanwhile, and reconnects', async () => {
    const accepted = new Map<string, string>();
    const refusals = new Map<number | string, number>();
    const send = async (rel: string) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (Date.now() > deadline) {
          throw new Error(
            `no 202 for ${rel}\n${stack.services.map((s) => `[${s.name}] ${s.output()}`).join('\n')}`,
          );
        }
        try {
          const r = await fetch(`${stack.commandUrl}/api/v1/commands`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(usVoteCommand(rel)),
          });
          const body = (await r.json()) as { events?: { streamId: string }[]; retriable?: boolean };
          if (r.status === 202) {
            accepted.set(rel, body.events![0]!.streamId);
            return;
          }
          refusals.set(r.status, (refusals.get(r.status) ?? 0) + 1);
          expect(r.status, JSON.stringify(body)).to.equal(503);
          expect(body.retriable).to.equal(true);
        } catch (err) {
          if ((err as Error).name === 'AssertionError') throw err;
          refusals.set('network', (refusals.get('network') ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const writer = (async () => {
      for (const rel of VOTES) await send(rel);
    })();
    writer.catch(() => undefined);
    await eventually(async () => (accepted.size >= 5 ? true : undefined), 60_000, 20);
    await kafka.crash();
    await new Promise((r) => setTimeout(r, 1_000));
    await kafka.start();
    await writer;
    expect(accepted.size).to.equal(VOTES.length);

    // Every accepted vote reaches the read models through the topic, once the projector is back on it.
    const client = createKafka('fault-test', [kafka.broker], createLogger('fault-test', 'silent')).admin();
    await client.connect();
    try {
      await eventually(
        async () => {
          const high = await client.fetchTopicOffsets(topic);
          const done = await admin.query(
            'SELECT partition, next_offset FROM projector.checkpoints WHERE source = $1',
            [topic],
          );
          const at = new Map(done.rows.map((r) => [r.partition, r.next_offset]));
          return high.every((p) => (at.get(p.partition) ?? 0) >= Number(p.high)) ? true : undefined;
        },
        120_000,
        250,
      ).catch((err) => {
        throw new Error(
          `${String(err)}\n${stack.services.map((s) => `[${s.name}] ${s.output()}`).join('\n')}`,
        );
      });
    } finally {
      await client.disconnect();
    }
    const votes = await admin.query<{ id: string }>('SELECT id FROM rm.votes');
    const ids = new Set(votes.rows.map((r) => r.id));
    expect(
      [...accepted.values()].filter((id) => !ids.has(id)),
      'accepted, then lost',
    ).to.deep.equal([]);
    for (const s of stack.services)
      expect(s.child.exitCode, `${s.name} exited:\n${s.output()}`).to.equal(null);

    const rebuild = spawnTs('infra/bin/openpolicy.ts', ['rebuild', '--require-identical'], {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.broker,
      KAFKA_TOPIC: topic,
      LOG_LEVEL: 'warn',
    });
    const done = await rebuild.exited;
    expect(done.code, rebuild.output()).to.equal(0);
    expect(JSON.parse(rebuild.output().trim().split('\n').at(-1)!)).to.include({ identical: true });
    console.log(`      refusals while the broker was down: ${JSON.stringify(Object.fromEntries(refusals))}`);
  });
});
