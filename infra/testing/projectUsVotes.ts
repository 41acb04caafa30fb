import type pg from 'pg';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createProjectorPool } from '../../projector/projectorPool.ts';
import { runPgLogSource } from '../../projector/sources/pgLogSource.ts';
import { withCredentials } from '../kernel/db.ts';
import { createLogger } from '../kernel/logger.ts';
import { eventually } from './eventually.ts';
import { TEST_PASSWORDS } from './testDatabase.ts';
import { usVoteEvent } from './usEvents.ts';

/** The real projector on the embedded log, running until stopped (for specs that watch changes arrive). */
export const startTestProjector = async (databaseUrl: string, consumer = 'projector-test') => {
  const projectorUrl = withCredentials(databaseUrl, 'openpolicy_projector', TEST_PASSWORDS.projector);
  const pool = createProjectorPool(projectorUrl);
  const source = await runPgLogSource({
    pool,
    listenUrl: projectorUrl,
    consumer,
    batchSize: 500,
    idlePollMs: 100,
    logger: createLogger('test-projector', 'silent'),
  });
  return {
    async stop() {
      await source.stop();
      await pool.end();
    },
  };
};

/**
 * For read-side specs (which may not import command/ or projector/ themselves): appends events to the
 * embedded log and runs the real projector until it has applied them, so each batch commits its rows and its
 * `openpolicy_rm_changed` NOTIFY exactly as in production. Returns the last log position applied.
 */
export const projectEvents = async (
  admin: pg.Pool,
  databaseUrl: string,
  events: readonly EventEnvelope[],
) => {
  const appended = await createPgEventLog(admin).append(events);
  const last = Math.max(...appended.map((a) => Number(a.position)));
  const projector = await startTestProjector(databaseUrl);
  try {
    await eventually(async () => {
      const r = await admin.query<{ next_offset: number }>(
        "SELECT next_offset FROM projector.checkpoints WHERE consumer = 'projector-test'",
      );
      return (r.rows[0]?.next_offset ?? 0) > last ? true : undefined;
    }, 60_000);
  } finally {
    await projector.stop();
  }
  const dead = await admin.query<{ position: string; reason: string }>(
    'SELECT position, reason FROM projector.dead_letters ORDER BY id',
  );
  if (dead.rowCount) throw new Error(`projector dead-lettered events: ${JSON.stringify(dead.rows)}`);
  return String(last);
};

/** Real roll calls (`2021/h49`...) through the real projector. */
export const projectUsVotes = (admin: pg.Pool, databaseUrl: string, rels: readonly string[]) =>
  projectEvents(admin, databaseUrl, rels.map(usVoteEvent));

/** Appends events to the embedded log without projecting them (a running test projector picks them up). */
export const appendEvents = (admin: pg.Pool, events: readonly EventEnvelope[]) =>
  createPgEventLog(admin).append(events);
