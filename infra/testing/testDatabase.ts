import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { withDatabase } from '../kernel/db.ts';
import { migrate, SQL_DIR } from '../kernel/migrate.ts';

/** The admin connection tests use: the Postgres that `infra/postgres/start.sh` runs, unless told otherwise. */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export const TEST_PASSWORDS = {
  query: 'openpolicy_query',
  projector: 'openpolicy_projector',
  command: 'openpolicy_command',
};

// The template's name carries a hash of sql/, so a changed migration gets a fresh template.
const templateName = () => {
  const h = createHash('sha256');
  for (const f of readdirSync(SQL_DIR).sort()) h.update(f).update(readFileSync(join(SQL_DIR, f)));
  return `op_template_${h.digest('hex').slice(0, 12)}`;
};

const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

let template: Promise<string> | null = null;

/** Migrates a template database once per sql/ version (advisory-locked across processes). */
const ensureTemplate = () => {
  template ??= withAdmin(async (c) => {
    const name = templateName();
    await c.query('SELECT pg_advisory_lock(7254099)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const building = `${name}_build`;
        await c.query(`DROP DATABASE IF EXISTS ${building}`);
        await c.query(`CREATE DATABASE ${building}`);
        await migrate(withDatabase(ADMIN_URL, building), TEST_PASSWORDS);
        await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      }
      return name;
    } finally {
      await c.query('SELECT pg_advisory_unlock(7254099)');
    }
  });
  return template;
};

export type TestDatabase = Readonly<{ name: string; url: string; drop: () => Promise<void> }>;

/** A fresh, migrated database per spec file: `CREATE DATABASE ... TEMPLATE` takes milliseconds. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const tpl = await ensureTemplate();
  const name = `op_test_${randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  return {
    name,
    url: withDatabase(ADMIN_URL, name),
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
};
