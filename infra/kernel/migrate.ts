import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const SQL_DIR = fileURLToPath(new URL('../../sql', import.meta.url));

export type RolePasswords = Readonly<{ query: string; projector: string; command: string }>;

/**
 * Applies the numbered SQL files in sql/ (forward only, one transaction, advisory-locked so concurrent
 * starts wait), then sets the service roles' passwords from configuration. Safe to run again.
 */
export const migrate = async (
  databaseUrl: string,
  passwords: RolePasswords,
  log: (msg: string) => void = () => {},
) => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await runner({
      dbClient: client,
      dir: SQL_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      singleTransaction: true,
      checkOrder: true,
      advisoryLockMode: 'wait',
      log,
    });
    for (const [role, password] of Object.entries(passwords)) {
      // Identifiers cannot be bound; the role names are our own constants, the password is a literal.
      const literal = await client.query<{ q: string }>('SELECT quote_literal($1::text) AS q', [password]);
      await client.query(`ALTER ROLE openpolicy_${role} PASSWORD ${literal.rows[0]!.q}`);
    }
  } finally {
    await client.end();
  }
};
