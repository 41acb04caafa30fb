#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { apiKeyId, createApiKey, revokeApiKey, SCOPES, type Scope } from '../../command/auth/apiKeys.ts';
import { loadCommandConfig } from '../../command/config.ts';
import { loadProjectorConfig } from '../../projector/config.ts';
import { loadQueryConfig } from '../../query/config.ts';
import { createPgPool } from '../kernel/db.ts';
import { runMain } from '../kernel/main.ts';
import { migrate } from '../kernel/migrate.ts';
import { defaultToEmbedded, needsDatabase } from './cliEnv.ts';

const USAGE = `usage: openpolicy <command> [options]

  migrate                                  apply sql/ migrations to DATABASE_URL and set role passwords
  apikey create --name <n> --scope write [--scope read]
                                           create an API key (printed once; only its hash is stored)
  apikey revoke <id>                       revoke a key by its id (the 12 hex characters after op_) or the whole key
  rebuild [--require-identical]            replay the whole log into new read models, compare, switch atomically
  search reindex                           rebuild the Meilisearch indexes from the read models (MEILI_HOST),
                                           filled aside and swapped in so search never goes empty
  deadletters list [--all]                 dead-lettered events with their reasons (--all: also replayed ones)
  deadletters replay [--id <n>]...         project dead-lettered events again after a fix (all pending by default)
  ingest <path>... [options]               load source files, directories or .tar.gz archives
                                           (see: openpolicy ingest --help)

  Without DATABASE_URL, the commands use the embedded database npm start runs (port EMBEDDED_PG_PORT, 54329).
`;

const adminPool = () =>
  createPgPool({
    connectionString: loadCommandConfig().DATABASE_URL,
    applicationName: 'openpolicy-cli',
    max: 1,
  });

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async migrate() {
    const env = process.env;
    await migrate(
      loadCommandConfig(env).DATABASE_URL,
      {
        query: loadQueryConfig(env).QUERY_DB_PASSWORD,
        projector: loadProjectorConfig(env).PROJECTOR_DB_PASSWORD,
        command: loadCommandConfig(env).COMMAND_DB_PASSWORD,
      },
      (m) => process.stderr.write(`${m}\n`),
    );
    process.stdout.write('migrations applied\n');
    return 0;
  },
  async apikey(args) {
    const [action, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } },
    });
    const pool = adminPool();
    try {
      if (action === 'create') {
        const scopes = (values.scope ?? ['write']) as Scope[];
        const bad = scopes.filter((s) => !SCOPES.includes(s));
        if (!values.name || bad.length) {
          process.stderr.write(`apikey create needs --name and scopes among ${SCOPES.join(', ')}\n`);
          return 2;
        }
        const { id, key } = await createApiKey(pool, values.name, scopes);
        process.stdout.write(`${key}\n`);
        process.stderr.write(
          `created key ${id} (${scopes.join(', ')}); the secret is not stored and cannot be shown again\n`,
        );
        return 0;
      }
      if (action === 'revoke' && positionals[0]) {
        const id = apiKeyId(positionals[0]);
        if (!id) {
          process.stderr.write(
            'apikey revoke needs the key id (the 12 hex characters after op_) or the whole key\n',
          );
          return 2;
        }
        const ok = await revokeApiKey(pool, id);
        process.stderr.write(ok ? `revoked ${id}\n` : `no live key ${id}\n`);
        return ok ? 0 : 1;
      }
      process.stderr.write(USAGE);
      return 2;
    } finally {
      await pool.end();
    }
  },
  async rebuild(args) {
    const { values } = parseArgs({ args, options: { 'require-identical': { type: 'boolean' } } });
    const { runRebuildCli } = await import('../../projector/rebuild/rebuildCli.ts');
    return runRebuildCli({ requireIdentical: values['require-identical'] ?? false });
  },
  async search(args) {
    if (args[0] !== 'reindex') {
      process.stderr.write(USAGE);
      return 2;
    }
    const config = loadProjectorConfig();
    if (!config.MEILI_HOST) {
      process.stderr.write(
        'MEILI_HOST is not set: search runs on Postgres full text, which needs no reindex\n',
      );
      return 2;
    }
    const { createMeiliIndex } = await import('../../projector/search/meiliIndex.ts');
    const { createLogger } = await import('../kernel/logger.ts');
    const { createProjectorPool } = await import('../../projector/projectorPool.ts');
    const pool = createProjectorPool(config.DATABASE_URL, config.PROJECTOR_SCHEMA);
    try {
      const index = createMeiliIndex({
        host: config.MEILI_HOST,
        prefix: config.MEILI_INDEX_PREFIX,
        logger: createLogger('search-reindex', config.LOG_LEVEL),
        ...(config.MEILI_API_KEY ? { apiKey: config.MEILI_API_KEY } : {}),
      });
      await index.applySettings();
      for (const kind of ['bills', 'votes'] as const) {
        const n = await index.reindex(pool, kind);
        process.stdout.write(`${index.uid(kind)}: ${n} documents, swapped in\n`);
      }
      return 0;
    } finally {
      await pool.end();
    }
  },
  async deadletters(args) {
    const [action, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: { all: { type: 'boolean' }, id: { type: 'string', multiple: true } },
    });
    const ids = (values.id ?? []).map(Number);
    if ((action !== 'list' && action !== 'replay') || ids.some((n) => !Number.isInteger(n))) {
      process.stderr.write(USAGE);
      return 2;
    }
    const { openDeadLetterPool, runDeadLetters } = await import(
      '../../projector/deadLetters/deadLettersCli.ts'
    );
    const pool = openDeadLetterPool();
    try {
      return await runDeadLetters(pool, action, { all: values.all ?? false, ids });
    } finally {
      await pool.end();
    }
  },
  async ingest(args) {
    const { runIngestCli } = await import('../../command/importers/ingestCli.ts');
    return runIngestCli(args);
  },
};

const [name, ...rest] = process.argv.slice(2);
if (name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
const command = name ? commands[name] : undefined;
if (!command) {
  process.stderr.write(USAGE);
  process.exit(name ? 2 : 0);
}
const embedded =
  needsDatabase(name!, rest) && defaultToEmbedded(process.env, (line) => process.stderr.write(`${line}\n`));
await runMain(
  async () => {
    try {
      process.exitCode = await command(rest);
    } catch (err) {
      // A mistyped option is a usage error, not a crash.
      if (
        !(err instanceof TypeError && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      ) {
        throw err;
      }
      process.stderr.write(`${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
    }
  },
  {
    hint: (f) =>
      embedded && f.kind === 'database'
        ? 'the embedded database runs while npm start does: start it in another terminal'
        : null,
  },
);
