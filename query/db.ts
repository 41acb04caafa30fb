import { createPool, type Interceptor, type QueryResultRow, SchemaValidationError } from 'slonik';

/** Validates every typed row against its zod schema: drift between SQL and code fails loudly, not silently. */
const resultParser: Interceptor = {
  name: 'result-parser',
  transformRow: (ctx, query, row, _fields) => {
    const parser = ctx.resultParser;
    if (!parser) return row;
    const parsed = parser.safeParse(row);
    if (!parsed.success) throw new SchemaValidationError(query, row as never, parsed.error.issues as never);
    return parsed.data as QueryResultRow;
  },
};

/** The read side's pool: the query role (SELECT on rm only), short statement timeout, UTC. */
export const createReadPool = (connectionUri: string, maximumPoolSize = 10) =>
  createPool(connectionUri, {
    interceptors: [resultParser],
    maximumPoolSize,
    statementTimeout: 2_000,
    idleInTransactionSessionTimeout: 5_000,
    captureStackTrace: false,
  });

export type ReadPool = Awaited<ReturnType<typeof createReadPool>>;
