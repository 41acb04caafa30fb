import type pg from 'pg';
import { createProjectorPool } from '../../projector/projectorPool.ts';
import { createPgPool, withCredentials } from '../kernel/db.ts';
import { createTestDatabase, TEST_PASSWORDS, type TestDatabase } from './testDatabase.ts';

export type ProjectorDatabase = { db: TestDatabase; admin: pg.Pool; pool: pg.Pool };

/**
 * For a projector spec's `describe`: a fresh test database for the block, an admin pool and the projector's own
 * pool (its role, `rm` first on the search path), opened in `before` and closed in `after`. Read the fields
 * inside hooks and tests, once `before` has run.
 */
export const useProjectorDatabase = (): ProjectorDatabase => {
  const t = {} as ProjectorDatabase;
  before(async () => {
    t.db = await createTestDatabase();
    t.admin = createPgPool({ connectionString: t.db.url, applicationName: 'test-admin' });
    t.pool = createProjectorPool(withCredentials(t.db.url, 'openpolicy_projector', TEST_PASSWORDS.projector));
  });
  after(async () => {
    await t.pool.end();
    await t.admin.end();
    await t.db.drop();
  });
  return t;
};
