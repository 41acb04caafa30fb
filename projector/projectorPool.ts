import { createPgPool } from '../infra/kernel/db.ts';

/** The projector's pool: unqualified read-model tables resolve to `schema` (`rm`, or a rebuild's shadow). */
export const createProjectorPool = (connectionString: string, schema = 'rm', max = 4) =>
  createPgPool({
    connectionString,
    applicationName: 'openpolicy-projector',
    max,
    statementTimeoutMs: 120_000,
    searchPath: schema,
  });
