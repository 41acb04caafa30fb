import pg from 'pg';

// int8 (positions, counts) as JS strings would leak into every body; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type PgPoolOptions = Readonly<{
  connectionString: string;
  applicationName: string;
  max?: number;
  statementTimeoutMs?: number;
  /** Schema that unqualified table names resolve to (the projector writes `rm` or a rebuild's `rm_next`). */
  searchPath?: string;
  onIdleError?: (err: Error) => void;
}>;

/** A node-postgres pool with a statement timeout, so a stuck query fails instead of piling up. */
export const createPgPool = (o: PgPoolOptions) => {
  if (o.searchPath && !/^[a-z_][a-z0-9_]*$/.test(o.searchPath))
    throw new Error(`invalid schema name ${o.searchPath}`);
  const pool = new pg.Pool({
    connectionString: o.connectionString,
    application_name: o.applicationName,
    max: o.max ?? 10,
    statement_timeout: o.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Documents embed timestamps; one fixed zone keeps them byte-identical across runs and machines.
    options: `-c TimeZone=UTC${o.searchPath ? ` -c search_path=${o.searchPath}` : ''}`,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process: the pool
  // discards it and the next query opens a new one.
  pool.on('error', (err) => o.onIdleError?.(err));
  // A checked-out client whose server goes away between two queries emits 'error' with no pool listener, which
  // would crash the process; its next query fails instead, and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', (err) => o.onIdleError?.(err)));
  return pool;
};

/** Runs `fn` in one transaction on one client; rolls back on any error. */
export const inTransaction = async <T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
};

/** Replaces user and password in a connection URL (derives a role's URL from the admin one). */
export const withCredentials = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
};

export const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};
