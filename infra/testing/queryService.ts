import type pg from 'pg';
import { startTestQueryService } from '../../query/testService.ts';
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
  let svc: Awaited<ReturnType<typeof startTestQueryService>> | undefined;
  before(async () => {
    t.db = await createTestDatabase();
    t.admin = createPgPool({ connectionString: t.db.url, applicationName: 'test-admin' });
    await load(t.admin, t.db.url);
    // In-process cache only, as these specs always ran (an empty REDIS_URL is unset).
    svc = await startTestQueryService(t.db.url, { REDIS_URL: '' });
    t.url = svc.url;
  });
  after(async () => {
    await svc?.stop();
    await t.admin?.end();
    await t.db?.drop();
  });
  return t;
};
