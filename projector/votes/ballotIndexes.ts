import type pg from 'pg';

/** A batch must bring at least this many ballots into an empty rm.ballots for its voter indexes to wait. */
export const DEFER_MIN_BALLOTS = 20_000;
/** Past this, deferred indexes are built even while a backlog lasts (member documents wait no longer). */
export const MAX_INDEX_DEFER_MS = 10 * 60_000;
/** The only statements restoreDeferredIndexes runs: a plain index on a ballots table (what deferBallotIndexes saved). */
const INDEX_DEFINITION = /^CREATE INDEX [a-z0-9_]+ ON [a-z0-9_]+\.ballots USING btree \([^;]*$/;

/**
 * In a batch's transaction, before its ballots are inserted: when the batch brings `incoming` ballots (many) into
 * an empty rm.ballots, drops the table's non-unique indexes (the voter indexes; the primary key stays) and records
 * their definitions in deferred_indexes, so the load does not maintain them row by row. Nothing happens unless the
 * current role may build them again (owns the table and may create in its schema). Returns the names dropped.
 */
export const deferBallotIndexes = async (client: pg.ClientBase, incoming: number) => {
  if (incoming < DEFER_MIN_BALLOTS) return [];
  const r = await client.query<{ name: string; qualified: string; definition: string }>(
    `SELECT i.relname AS name, format('%I.%I', n.nspname, i.relname) AS qualified,
            pg_get_indexdef(x.indexrelid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
     WHERE x.indrelid = 'ballots'::regclass AND NOT x.indisunique
       AND pg_has_role((SELECT relowner FROM pg_class WHERE oid = 'ballots'::regclass), 'USAGE')
       AND has_schema_privilege(i.relnamespace, 'CREATE')
       AND NOT EXISTS (SELECT 1 FROM ballots) AND NOT EXISTS (SELECT 1 FROM deferred_indexes)`,
  );
  for (const d of r.rows) {
    await client.query('INSERT INTO deferred_indexes (name, definition) VALUES ($1, $2)', [
      d.name,
      d.definition,
    ]);
    await client.query(`DROP INDEX ${d.qualified}`);
  }
  return r.rows.map((d) => d.name);
};

/** Whether indexes wait to be built, and since when (ms). */
export const deferredIndexes = async (client: pg.ClientBase) => {
  const r = await client.query<{ n: number; ms: number }>(
    `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(deferred_at)) * 1000, 0)::float8 AS ms
     FROM deferred_indexes`,
  );
  return r.rows[0]!;
};

/** Builds every deferred index again, inside the caller's transaction (which holds the projection lock). */
export const restoreDeferredIndexes = async (client: pg.ClientBase) => {
  const r = await client.query<{ name: string; definition: string }>(
    'DELETE FROM deferred_indexes RETURNING name, definition',
  );
  if (r.rows.length === 0) return [];
  // One sort per index over the whole table: give it memory to do that in one pass, and the time it takes (the
  // projector's 120 s statement timeout would cancel it on a slow disk with tens of millions of ballots, and the
  // retry would start over, for ever).
  await client.query("SET LOCAL maintenance_work_mem = '256MB'");
  await client.query("SET LOCAL statement_timeout = '1h'");
  for (const d of r.rows) {
    if (!INDEX_DEFINITION.test(d.definition))
      throw new Error(`unexpected deferred index ${d.name}: ${d.definition}`);
    await client.query(d.definition);
  }
  return r.rows.map((d) => d.name);
};
