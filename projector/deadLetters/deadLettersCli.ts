import type pg from 'pg';
import { withCredentials } from '../../infra/kernel/db.ts';
import { loadProjectorConfig } from '../config.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { refreshViews } from '../views/viewRefresher.ts';
import { listDeadLetters, replayDeadLetters } from './deadLetters.ts';

/** The projector's own role and schema: a replay writes exactly what the projector would have written. */
export const openDeadLetterPool = () => {
  const config = loadProjectorConfig();
  const url =
    config.PROJECTOR_DATABASE_URL ??
    withCredentials(config.DATABASE_URL, 'openpolicy_projector', config.PROJECTOR_DB_PASSWORD);
  return createProjectorPool(url, config.PROJECTOR_SCHEMA, 1);
};

/** `openpolicy deadletters list|replay`: NDJSON on stdout, a summary on stderr; exit 1 if any replay failed. */
export const runDeadLetters = async (
  pool: pg.Pool,
  action: 'list' | 'replay',
  o: { all: boolean; ids: readonly number[] },
) => {
  if (action === 'list') {
    const rows = await listDeadLetters(pool, { all: o.all });
    for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    process.stderr.write(`${rows.length} dead letter(s)${o.all ? '' : ' pending'}\n`);
    return 0;
  }
  const results = await replayDeadLetters(pool, { ids: o.ids });
  for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  const failed = results.filter((r) => !r.replayed).length;
  if (results.length > failed) {
    // The aggregates span every row: refresh them now rather than at the projector's next batch.
    const at = await pool.query<{ position: string }>(
      "SELECT position FROM freshness WHERE read_model = 'votes'",
    );
    if (at.rows[0]) await refreshViews(pool, at.rows[0].position);
  }
  process.stderr.write(`replayed ${results.length - failed} of ${results.length} dead letter(s)\n`);
  return failed ? 1 : 0;
};
