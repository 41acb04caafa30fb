import type pg from 'pg';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createProjectorPool } from '../../projector/projectorPool.ts';
import { runPgLogSource } from '../../projector/sources/pgLogSource.ts';
import { withCredentials } from '../kernel/db.ts';
import { createLogger } from '../kernel/logger.ts';
import { eventually } from './eventually.ts';
import { TEST_PASSWORDS } from './testDatabase.ts';
import { usVoteEvent } from './usEvents.ts';

/**
 * For read-side specs (which may not import command/ or projector/ themselves): appends real roll calls to
 * the embedded log and runs the real projector until it has applied them, so each batch commits its rows
 * and its `openpolicy_rm_changed` NOTIFY exactly as in production. Returns the last log position applied.
 */
export const projectUsVotes = async (admin: pg.Pool, databaseUrl: string, rels: readonly string[]) => {
  const appended = await createPgEventLog(admin).append(rels.map(usVoteEvent));
  const last = Math.max(...appended.map((a) => Number(a.position)));
  const projectorUrl = withCredentials(databaseUrl, 'openpolicy_projector', TEST_PASSWORDS.projector);
  const pool = createProjectorPool(projectorUrl);
  const source = await runPgLogSource({
    pool,
    listenUrl: projectorUrl,
    consumer: 'projector-test',
    batchSize: 500,
    idlePollMs: 100,
    logger: createLogger('test-projector', 'silent'),
  });
  try {
    await eventually(async () => {
      const r = await admin.query<{ next_offset: number }>(
        "SELECT next_offset FROM projector.checkpoints WHERE consumer = 'projector-test'",
      );
      return (r.rows[0]?.next_offset ?? 0) > last ? true : undefined;
    });
  } finally {
    await source.stop();
    await pool.end();
  }
  const dead = await admin.query<{ position: string; reason: string }>(
    'SELECT position, reason FROM projector.dead_letters ORDER BY id',
  );
  if (dead.rowCount) throw new Error(`projector dead-lettered events: ${JSON.stringify(dead.rows)}`);
  return String(last);
};
