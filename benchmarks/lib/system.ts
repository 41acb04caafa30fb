import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { kafkaReachable, TEST_KAFKA_BROKERS, uniqueName } from '../../infra/testing/kafka.ts';
import { type Stack, startStack } from '../../infra/testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export type LogKind = 'postgres' | 'kafka';

export const DATASETS: Record<string, string[]> = {
  // A few seconds to load: the bills of us/117 and one year of its roll calls (quick comparisons, CI).
  mini: ['us/legislators/legislators-current.yaml', 'us/117/bills', 'us/117/votes/2022'],
  us117: [
    'us/legislators/legislators-current.yaml',
    'us/legislators/legislators-historical.csv',
    'us/117/bills',
    'us/117/votes',
  ],
  'us110-117': [
    'us/legislators/legislators-current.yaml',
    'us/legislators/legislators-historical.csv',
    'us/117/bills',
    'us/117/votes',
    ...[110, 111, 112, 113, 114, 115, 116].map((c) => `us/archive/votes-${c}.tar.gz`),
  ],
};

export type System = Readonly<{
  db: TestDatabase;
  stack: Stack;
  kind: LogKind;
  kafkaTopic: string | null;
  stop: () => Promise<void>;
}>;

export const kafkaAvailable = kafkaReachable;

/** A fresh database and the three services on the chosen log. */
export const startSystem = async (kind: LogKind, extraEnv: NodeJS.ProcessEnv = {}): Promise<System> => {
  const db = await createTestDatabase();
  const kafka =
    kind === 'kafka'
      ? { brokers: TEST_KAFKA_BROKERS, topic: uniqueName('op-bench'), group: uniqueName('op-bench') }
      : undefined;
  // The per-client rate limits protect the public APIs; a benchmark measures capacity from one client address.
  const env = { QUERY_RATE_LIMIT_RPS: '0', COMMAND_RATE_LIMIT_RPS: '0', ...extraEnv };
  const stack = await startStack({ databaseUrl: db.url, ...(kafka ? { kafka } : {}), env });
  return {
    db,
    stack,
    kind,
    kafkaTopic: kafka?.topic ?? null,
    stop: async () => {
      await stack.stop();
      await db.drop();
    },
  };
};

/** Runs the importer in bulk mode (straight to the event log) as its own process; resolves when it exits. */
export const ingestDirect = (system: System, paths: readonly string[]) =>
  new Promise<{ ms: number; output: string }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      `${ROOT}node_modules/.bin/tsx`,
      ['infra/bin/openpolicy.ts', 'ingest', '--direct', ...paths.map((p) => `${DATA}${p}`)],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: system.db.url,
          KAFKA_BROKERS: system.kind === 'kafka' ? TEST_KAFKA_BROKERS.join(',') : '',
          KAFKA_TOPIC: system.kafkaTopic ?? 'unused',
          LOG_LEVEL: 'warn',
          NODE_OPTIONS: '--max-semi-space-size=64',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output = (output + d).slice(-20_000);
    });
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      // Exit 1 means some records were rejected (reported), not that the load failed.
      if (code === 0 || code === 1) resolve({ ms, output });
      else reject(new Error(`ingest exited ${code}:\n${output}`));
    });
  });

/**
 * Resolves when the projector has applied everything in the log (embedded: max position; Kafka: high
 * watermarks) and rendered the members it queued.
 */
export const waitForProjection = async (system: System, timeoutMs = 600_000) => {
  const client = new pg.Client({ connectionString: system.db.url });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r =
        system.kind === 'postgres'
          ? await client.query<{ done: boolean }>(
              `SELECT coalesce((SELECT next_offset FROM projector.checkpoints WHERE source = 'postgres'), 1)
                      > coalesce((SELECT max(position) FROM events.log), 0) AS done`,
            )
          : await client.query<{ done: boolean }>(
              // Every published event id has a partition:offset; the projector is done when each partition's
              // checkpoint passed the highest offset published to it.
              `WITH pub AS (SELECT split_part(position, ':', 1)::int AS p, max(split_part(position, ':', 2)::bigint) AS o
                            FROM command.published WHERE position IS NOT NULL GROUP BY 1)
               SELECT coalesce(bool_and(c.next_offset > pub.o), false) AS done
               FROM pub LEFT JOIN projector.checkpoints c ON c.partition = pub.p AND c.source = $1`,
              [system.kafkaTopic],
            );
      // Caught up includes the member documents the last batches queued for the renderer.
      if (r.rows[0]?.done && (await client.query('SELECT 1 FROM rm.member_dirty LIMIT 1')).rowCount === 0)
        return;
      if (Date.now() > deadline) throw new Error('projection did not catch up in time');
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    await client.end();
  }
};
