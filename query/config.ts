import { z } from 'zod';
import { logLevel, parseEnv, port } from '../infra/kernel/env.ts';

const Schema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start provides an embedded one)'),
  QUERY_DATABASE_URL: z.string().optional(),
  QUERY_DB_PASSWORD: z.string().default('openpolicy_query'),
  QUERY_PORT: port(4001),
  QUERY_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: logLevel,
});

export type QueryConfig = Readonly<z.infer<typeof Schema>>;

export const loadQueryConfig = (env: NodeJS.ProcessEnv = process.env): QueryConfig => parseEnv(Schema, env);
