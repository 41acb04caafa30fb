import type pg from 'pg';
import { loadQueryConfig } from '../../query/config.ts';
import { startQueryService } from '../../query/index.ts';
import { createPgPool } from '../kernel/db.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export type QueryServiceFixture = { db: TestDatabase; admin: pg.Pool; url: string };

/**
 * For a read-side spec's `describe`: a fresh test database, what `load` projects into it, and a query service on
 * it (silent, no rate limit), opened in `before` and closed in `after`. Read the fields inside hooks and tests,
 * once `before` has run.
 */
export const useQueryService = (
  load: (admin: pg.Pool, databaseUrl: string) => Promise<unknown>,
): QueryServiceFixture => {
  const t = {} as QueryServiceFixture;
  let svc: Awaited<ReturnType<typeof startQueryService>> | undefined;
  before(async () => {
    t.db = await createTestDatabase();
    t.admin = createPgPool({ connectionString: t.db.url, applicationName: 'test-admin' });
    await load(t.admin, t.db.url);
    svc = await startQueryService(
      loadQueryConfig({
        DATABASE_URL: t.db.url,
        QUERY_PORT: '0',
        LOG_LEVEL: 'silent',
        QUERY_RATE_LIMIT_RPS: '0',
      }),
    );
    t.url = svc.url;
  });
  after(async () => {
    await svc?.stop();
    await t.admin?.end();
    await t.db?.drop();
  });
  return t;
};
