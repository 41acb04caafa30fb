import { resolve } from 'node:path';
import { loadCommandConfig } from '../../command/config.ts';
import { startCommandService } from '../../command/index.ts';
import { loadProjectorConfig } from '../../projector/config.ts';
import { startProjector } from '../../projector/index.ts';
import { loadQueryConfig } from '../../query/config.ts';
import { startQueryService } from '../../query/index.ts';
import { onShutdown, runMain } from '../kernel/main.ts';
import { migrate } from '../kernel/migrate.ts';
import { ensureDevApiKey } from './devApiKey.ts';
import { startEmbeddedPostgres } from './embeddedPostgres.ts';
import { EMBEDDED_PORT, embeddedPort } from './embeddedUrl.ts';
import { ensureWebBuild } from './webBuild.ts';

/**
 * `npm start`: the whole platform in one process. Without DATABASE_URL it brings its own PostgreSQL
 * (embedded, data under .data/) and uses the Postgres event log; with DATABASE_URL / KAFKA_BROKERS it uses those.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);
const stateDir = resolve(process.env.OPENPOLICY_STATE ?? '.data');
const env = { ...process.env };
let embedded: { stop: () => Promise<void> } | null = null;
// What is running so far, so a failed start can stop it before the database it uses goes away.
const started: { stop: () => Promise<void> }[] = [];

const main = async () => {
  if (!env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres(stateDir, say, env);
    embedded = pg;
    env.DATABASE_URL = pg.url;
    // The password is the fixed local one (no secret): the whole URL is what psql or DATABASE_URL needs.
    say(`postgres (embedded)  ${pg.url}`);
  }
  env.LOG_LEVEL ??= 'warn';
  const commandConfig = loadCommandConfig(env);
  await migrate(env.DATABASE_URL, {
    query: loadQueryConfig(env).QUERY_DB_PASSWORD,
    projector: loadProjectorConfig(env).PROJECTOR_DB_PASSWORD,
    command: commandConfig.COMMAND_DB_PASSWORD,
  });
  // The CLI finds the embedded database by itself (DATABASE_URL unset), on a port other than the default only if
  // told the same EMBEDDED_PG_PORT; a DATABASE_URL of the user's own is in their environment already.
  const apiKeyCommand = `${embedded && embeddedPort(env) !== EMBEDDED_PORT ? `EMBEDDED_PG_PORT=${embeddedPort(env)} ` : ''}npm run openpolicy -- apikey create --name me --scope write`;
  const devKey = await ensureDevApiKey(env.DATABASE_URL);
  const projector = await startProjector(loadProjectorConfig(env));
  started.push(projector);
  const command = await startCommandService(commandConfig);
  started.push(command);
  await ensureWebBuild(say);
  const query = await startQueryService(loadQueryConfig(env));
  say(
    `event log            ${commandConfig.KAFKA_BROKERS ? `kafka ${commandConfig.KAFKA_BROKERS.join(',')}` : 'postgres (events.log)'}`,
  );
  say(`command service      ${command.url}/api/v1/commands   ${command.url}/api/v1/ingest`);
  say(
    `query service        ${query.url}/api/v1/bills   ${query.url}/api/v1/votes/:id   ${query.url}/api/v1/members/:id`,
  );
  say(
    devKey
      ? `write API key        ${devKey}   (shown once; stored hashed)`
      : `write API key        ${apiKeyCommand}`,
  );
  say(`web app              ${query.url}/   (dashboard, search, bills, votes, members)`);
  say('ready. Ctrl-C stops everything.');
  onShutdown(async () => {
    await command.stop();
    await query.stop();
    await projector.stop();
    await embedded?.stop();
  });
};

// A failed start (a port in use, say) stops the embedded server it started, or the next npm start finds it running.
await runMain(() =>
  main().catch(async (err: unknown) => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }),
);
