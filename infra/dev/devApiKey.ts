import { createApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool } from '../kernel/db.ts';

/** On a fresh database, creates one write key so a first-time user can post commands; null if keys exist. */
export const ensureDevApiKey = async (databaseUrl: string) => {
  const pool = createPgPool({ connectionString: databaseUrl, applicationName: 'openpolicy-start', max: 1 });
  try {
    const { rows } = await pool.query('SELECT 1 FROM command.api_keys LIMIT 1');
    if (rows.length) return null;
    return (await createApiKey(pool, 'dev (created by npm start)', ['write', 'read'])).key;
  } finally {
    await pool.end();
  }
};
