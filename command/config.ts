import { z } from 'zod';
import { brokers, logLevel, parseEnv, port, trustProxy } from '../infra/kernel/env.ts';

const Schema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start provides an embedded one)'),
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
