import type pg from 'pg';

/** Records, in the batch's transaction, the members (voter keys or ids) whose documents are now stale. */
export const queueMembers = async (client: pg.ClientBase, keys: readonly string[], position: string) => {
  if (keys.length === 0) return;
  await client.query(
    `INSERT INTO member_dirty (key, position) SELECT unnest($1::text[]), $2
     ON CONFLICT (key) DO UPDATE SET position = EXCLUDED.position, queued_at = EXCLUDED.queued_at`,
    [keys, position],
  );
};

/** Whether no member waits for a render (tests and benchmarks count the queue as part of catching up). */
export const memberQueueEmpty = async (db: pg.Pool | pg.ClientBase) =>
  (await db.query('SELECT 1 FROM member_dirty LIMIT 1')).rowCount === 0;
