import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import { drainWholeMemberQueue } from '../members/memberQueue.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { CHANGES_CHANNEL, SWITCH_LOCK } from '../runner/applyBatch.ts';
import { runKafkaSource } from '../sources/kafkaSource.ts';
import { runPgLogSource } from '../sources/pgLogSource.ts';
import { refreshViews } from '../views/viewRefresher.ts';
import { readModelChecksums } from './readModelChecksums.ts';
import { createShadowSchema } from './shadowSchema.ts';

export type RebuildOptions = Readonly<{
  admin: pg.Pool;
  projectorUrl: string;
  liveConsumer: string;
  logger: Logger;
  batchSize: number;
  kafka?: { kafka: Kafka; topic: string; partitions: number; groupId: string };
  /** Abort instead of switching when the rebuilt models differ from the live ones at the same position. */
  requireIdentical?: boolean;
  progress?: (p: { applied: number; total: number }) => void;
}>;

export type RebuildReport = Readonly<{
  switched: boolean;
  compared: boolean;
  identical: boolean | null;
  differences: string[];
  oldSchema: string | null;
  ms: number;
}>;

const SHADOW = 'rm_next';
const REBUILD_CONSUMER = 'projector-rebuild';

type Checkpoint = { source: string; partition: number; next_offset: number };

const checkpoints = async (db: pg.Pool | pg.ClientBase, consumer: string) =>
  (
    await db.query<Checkpoint>(
      'SELECT source, partition, next_offset FROM projector.checkpoints WHERE consumer = $1 ORDER BY source, partition',
      [consumer],
    )
  ).rows;

/** The log's end: the next position (embedded log) or each partition's high watermark (Kafka). */
const head = async (o: RebuildOptions): Promise<Checkpoint[]> => {
  if (!o.kafka) {
    const r = await o.admin.query<{ next: number }>(
      'SELECT coalesce(max(position), 0) + 1 AS next FROM events.log',
    );
    return [{ source: 'postgres', partition: 0, next_offset: r.rows[0]!.next }];
  }
  const admin = o.kafka.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(o.kafka.topic);
    return offsets.map((p) => ({
      source: o.kafka!.topic,
      partition: p.partition,
      next_offset: Number(p.high),
    }));
  } finally {
    await admin.disconnect();
  }
};

/** How many events the embedded log holds at positions from `from` up to `to` (excluded). */
const eventsBetween = async (db: pg.Pool, from: number, to: number) =>
  to <= from
    ? 0
    : Number(
        (
          await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM events.log WHERE position >= $1 AND position < $2',
            [from, to],
          )
        ).rows[0]!.n,
      );

/** Offsets (Kafka) or positions (embedded log) between the checkpoints and the end: zero when caught up. */
const behind = (done: Checkpoint[], end: Checkpoint[]) =>
  end.reduce((sum, e) => {
    const d = done.find((c) => c.source === e.source && c.partition === e.partition);
    return sum + Math.max(0, e.next_offset - (d?.next_offset ?? (e.source === 'postgres' ? 1 : 0)));
  }, 0);

const sameCheckpoints = (a: Checkpoint[], b: Checkpoint[]) => JSON.stringify(a) === JSON.stringify(b);

/** Deletes a consumer group the rebuild made; a failure is logged, not thrown (the rebuild's result stands). */
const deleteGroup = async (kafka: Kafka, groupId: string, logger: Logger) => {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (err) {
    logger.warn({ err, groupId }, 'could not delete the rebuild consumer group');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/**
 * Replays the whole log into a shadow schema while the live read models keep serving, compares the two at
 * the same log position, then switches schemas in one transaction (readers see the old or the new, never a
 * mix) and hands the rebuilt checkpoint to the live projector, which carries on from there.
 */
export const rebuildReadModels = async (o: RebuildOptions): Promise<RebuildReport> => {
  const started = Date.now();
  const setup = await o.admin.connect();
  try {
    await createShadowSchema(setup, 'rm', SHADOW);
    await setup.query('DELETE FROM projector.checkpoints WHERE consumer = $1', [REBUILD_CONSUMER]);
    // A refused or failed earlier rebuild's dead letters: this one replays the log again from the start.
    await setup.query('DELETE FROM projector.dead_letters WHERE consumer = $1', [REBUILD_CONSUMER]);
  } finally {
    setup.release();
  }
  const pool = createProjectorPool(o.projectorUrl, SHADOW);
  const catchUp = async () => {
    // A group of its own for this pass, deleted after it: each pass left one behind (found by review).
    const groupId = o.kafka ? `${o.kafka.groupId}-rebuild-${Date.now()}` : null;
    const source = o.kafka
      ? await runKafkaSource({
          kafka: o.kafka.kafka,
          pool,
          topic: o.kafka.topic,
          partitions: o.kafka.partitions,
          groupId: groupId!,
          consumer: REBUILD_CONSUMER,
          batchSize: o.batchSize,
          logger: o.logger,
        })
      : await runPgLogSource({
          pool,
          listenUrl: o.projectorUrl,
          consumer: REBUILD_CONSUMER,
          batchSize: o.batchSize,
          idlePollMs: 200,
          logger: o.logger,
          // A second projector may run beside the live one: the leader lock is the live projector's.
          leaderLock: false,
        });
    try {
      const end = await head(o);
      // pg gives bigint columns as text: compare numbers.
      const last = Number(end[0]!.next_offset);
      const total = o.kafka ? behind([], end) : await eventsBetween(o.admin, 1, last);
      let applied = 0;
      let counted = 1;
      for (;;) {
        const done = await checkpoints(o.admin, REBUILD_CONSUMER);
        const left = behind(done, end);
        if (o.kafka) applied = total - left;
        else {
          // Positions skip the numbers a duplicate took: count the events, from where the last count stopped.
          const upTo = Math.min(Number(done.find((c) => c.source === 'postgres')?.next_offset ?? 1), last);
          applied += await eventsBetween(o.admin, counted, upTo);
          counted = Math.max(counted, upTo);
        }
        o.progress?.({ applied: left === 0 ? total : applied, total });
        if (left === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await source.stop();
      if (o.kafka && groupId) await deleteGroup(o.kafka.kafka, groupId, o.logger);
    }
  };

  try {
    let compared = false;
    let identical: boolean | null = null;
    let differences: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await catchUp();
      // The rebuilt models' own position (the last event applied, as in rm.freshness), not a checkpoint: the
      // query services compare the switch's position and the views' with the freshness rows.
      const position =
        (await pool.query<{ position: string }>("SELECT position FROM freshness WHERE read_model = 'votes'"))
          .rows[0]?.position ?? '';
      await refreshViews(pool, position);
      const client = await o.admin.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [SWITCH_LOCK]);
        const [live, rebuilt] = [
          await checkpoints(client, o.liveConsumer),
          await checkpoints(client, REBUILD_CONSUMER),
        ];
        const last = attempt === 4;
        if (!sameCheckpoints(live, rebuilt) && !last && live.length > 0) {
          // The live projector moved on while we caught up: catch up again before comparing.
          await client.query('ROLLBACK');
          continue;
        }
        // Both sides render the members their last batches queued, so the documents compare at one position.
        for (const schema of ['rm', SHADOW]) {
          await client.query("SELECT set_config('search_path', $1, true)", [schema]);
          await drainWholeMemberQueue(client);
        }
        await client.query("SELECT set_config('search_path', '', true)");
        if (sameCheckpoints(live, rebuilt)) {
          compared = true;
          const before = await readModelChecksums(client, 'rm');
          const after = await readModelChecksums(client, SHADOW);
          differences = Object.keys(before).filter((t) => before[t] !== after[t]);
          identical = differences.length === 0;
          if (!identical && o.requireIdentical) {
            await client.query('ROLLBACK');
            return {
              switched: false,
              compared,
              identical,
              differences,
              oldSchema: null,
              ms: Date.now() - started,
            };
          }
        }
        const oldSchema = `rm_old_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
        await client.query(`ALTER SCHEMA rm RENAME TO ${oldSchema}`);
        await client.query(`ALTER SCHEMA ${SHADOW} RENAME TO rm`);
        await client.query('DELETE FROM projector.checkpoints WHERE consumer = $1', [o.liveConsumer]);
        await client.query(
          `UPDATE projector.checkpoints SET consumer = $1, updated_at = now() WHERE consumer = $2`,
          [o.liveConsumer, REBUILD_CONSUMER],
        );
        // The rebuild's dead letters become the live projector's (it usually has the same ones already): left
        // under the rebuild's name, a replay would look for a checkpoint that no longer exists.
        await client.query(
          `UPDATE projector.dead_letters d SET consumer = $1 WHERE d.consumer = $2 AND NOT EXISTS (
             SELECT 1 FROM projector.dead_letters l
             WHERE l.consumer = $1 AND l.source = d.source AND l.position = d.position)`,
          [o.liveConsumer, REBUILD_CONSUMER],
        );
        await client.query('DELETE FROM projector.dead_letters WHERE consumer = $1', [REBUILD_CONSUMER]);
        await client.query('SELECT pg_notify($1, $2)', [
          CHANGES_CHANNEL,
          JSON.stringify({ position, all: true }),
        ]);
        await client.query('COMMIT');
        return { switched: true, compared, identical, differences, oldSchema, ms: Date.now() - started };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    }
    throw new Error('unreachable');
  } finally {
    await pool.end();
  }
};
