import { z } from 'zod';
import { logLevel, optionalUrl, parseEnv, port, trustProxy } from '../infra/kernel/env.ts';

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

// zod's own word for a missing variable is "Required": say what to set and where the embedded one comes from.
const DATABASE_URL_REQUIRED =
  'not set: a postgres:// URL (npm start runs an embedded database when it is unset; the openpolicy CLI then uses it)';

const Schema = z.object({
  DATABASE_URL: z.string({ required_error: DATABASE_URL_REQUIRED }).min(1, DATABASE_URL_REQUIRED),
  QUERY_DATABASE_URL: z.string().optional(),
  QUERY_DB_PASSWORD: z.string().default('openpolicy_query'),
  QUERY_PORT: port(4001),
  QUERY_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: logLevel,
  /** Unset: no shared cache level, the in-process cache sits directly in front of Postgres. */
  REDIS_URL: optionalUrl,
  /** Key prefix in Redis; default `op:<database name>:` so two deployments (or test databases) never share keys. */
  QUERY_REDIS_PREFIX: z.string().optional(),
  QUERY_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).default(250),
  QUERY_CACHE_TTL_S: z.coerce.number().int().min(1).default(3_600),
  QUERY_CACHE_MAX_BYTES: count(64 * 1024 * 1024),
  /** Token bucket per client (API key if presented, else IP): refill per second and burst; 0 turns it off. */
  QUERY_RATE_LIMIT_RPS: count(100),
  QUERY_RATE_LIMIT_BURST: count(200),
  QUERY_TRUST_PROXY: trustProxy,
  /** Set: search is answered by Meilisearch (kept by the projector); unset: Postgres full text. */
  MEILI_HOST: optionalUrl,
  MEILI_API_KEY: z.string().optional(),
  MEILI_INDEX_PREFIX: z.string().default(''),
});

export type QueryConfig = Readonly<z.infer<typeof Schema>>;

export const loadQueryConfig = (env: NodeJS.ProcessEnv = process.env): QueryConfig => parseEnv(Schema, env);
