import { z } from 'zod';
import { brokers, logLevel, parseEnv, port, trustProxy } from '../infra/kernel/env.ts';

// zod's own word for a missing variable is "Required": say what to set and where the embedded one comes from.
const DATABASE_URL_REQUIRED =
  'not set: a postgres:// URL (npm start runs an embedded database when it is unset; the openpolicy CLI then uses it)';

const Schema = z.object({
  DATABASE_URL: z.string({ required_error: DATABASE_URL_REQUIRED }).min(1, DATABASE_URL_REQUIRED),
  COMMAND_DATABASE_URL: z.string().optional(),
  COMMAND_DB_PASSWORD: z.string().default('openpolicy_command'),
  COMMAND_PORT: port(4000),
  COMMAND_HOST: z.string().default('127.0.0.1'),
  KAFKA_BROKERS: brokers,
  KAFKA_TOPIC: z.string().default('openpolicy.events'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
  KAFKA_CLIENT_ID: z.string().default('openpolicy-command'),
  COMMAND_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  INGEST_MAX_LINE_BYTES: z.coerce.number().int().positive().default(1_048_576),
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1_048_576),
  /** Token bucket per client (API key if presented, else IP) on /api: refill per second and burst; 0 turns it off. */
  COMMAND_RATE_LIMIT_RPS: z.coerce.number().int().min(0).default(50),
  COMMAND_RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(200),
  /** Whose X-Forwarded-For to believe for `req.ip`, and so for the per-address rate limit. */
  COMMAND_TRUST_PROXY: trustProxy,
  LOG_LEVEL: logLevel,
});

export type CommandConfig = Readonly<z.infer<typeof Schema>>;

export const loadCommandConfig = (env: NodeJS.ProcessEnv = process.env): CommandConfig =>
  parseEnv(Schema, env);
