import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../testing/stack.ts';

/** The newest server binaries from the Debian packages that infra/postgres/start.sh installs. */
const pgBin = () => {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  return process.env.PG_BIN ?? (version ? `${root}/${version}/bin` : null);
};

/** Why a private cluster cannot run here, or null: initdb needs the binaries and (as root) the postgres user. */
export const privatePostgresUnavailable = () => {
  const bin = pgBin();
  if (!bin || !existsSync(join(bin, 'initdb')))
    return 'no PostgreSQL server binaries (infra/postgres/start.sh installs them)';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root without a postgres OS user';
    }
  }
  return null;
};

/**
 * A throw-away PostgreSQL cluster on its own port in a temp dir, so a test can stop and crash it without
 * touching the shared server on 5432 that other specs use.
 */
export const startPrivatePostgres = async () => {
  const bin = pgBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'op-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asPg = (cmd: string, args: string[]) =>
    execFileSync(
      process.getuid?.() === 0 ? 'runuser' : join(bin, cmd),
      process.getuid?.() === 0 ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args,
      { stdio: 'pipe', cwd: dir },
    );
  asPg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on`;
  const start = () =>
    asPg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    /** `immediate` is a crash (no checkpoint; recovery replays the WAL on start); `fast` a clean stop. */
    stop: (mode: 'immediate' | 'fast' = 'fast') => asPg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    start,
    destroy() {
      try {
        asPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
