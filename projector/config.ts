import { z } from 'zod';
import { brokers, logLevel, parseEnv } from '../infra/kernel/env.ts';

// zod's own word for a missing variable is "Required": say what to set and where the embedded one comes from.
const DATABASE_URL_REQUIRED =
  'not set: a postgres:// URL (npm start runs an embedded database when it is unset; the openpolicy CLI then uses it)';

const Schema = z.object({
  DATABASE_URL: z.string({ required_error: DATABASE_URL_REQUIRED }).min(1, DATABASE_URL_REQUIRED),
  PROJECTOR_DATABASE_URL: z.string().optional(),
  PROJECTOR_DB_PASSWORD: z.string().default('openpolicy_projector'),
  KAFKA_BROKERS: brokers,
  KAFKA_TOPIC: z.string().default('openpolicy.events'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
  KAFKA_CLIENT_ID: z.string().default('openpolicy-projector'),
  PROJECTOR_GROUP_ID: z.string().default('openpolicy-projector'),
  /** Kafka consumer-group session timeout: a crashed instance's partitions move after this long. */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
  PROJECTOR_NAME: z.string().default('main'),
  /** Schema the read models are written to; a rebuild writes a shadow schema and switches it in. */
  PROJECTOR_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('rm'),
  PROJECTOR_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  PROJECTOR_IDLE_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  VIEW_REFRESH_DEBOUNCE_MS: z.coerce.number().int().min(0).default(500),
  VIEW_REFRESH_MAX_DELAY_MS: z.coerce.number().int().min(0).default(5_000),
  /** Unset: no metrics endpoint; otherwise GET /metrics (dead letters) on this port. */
  PROJECTOR_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  PROJECTOR_METRICS_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: logLevel,
  /** Set: the projector also keeps the Meilisearch indexes in step with the read models. */
  MEILI_HOST: z.string().url().optional(),
  MEILI_API_KEY: z.string().optional(),
  MEILI_INDEX_PREFIX: z.string().default(''),
});

export type ProjectorConfig = Readonly<z.infer<typeof Schema>>;

export const loadProjectorConfig = (env: NodeJS.ProcessEnv = process.env): ProjectorConfig =>
  parseEnv(Schema, env);
