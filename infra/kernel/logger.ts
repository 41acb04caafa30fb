import { pino } from 'pino';

/** Structured JSON logs; secrets never reach them because we redact the headers that carry them. */
export const createLogger = (name: string, level = 'info') =>
  pino({
    name,
    level,
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'databaseUrl', '*.password'],
  });
