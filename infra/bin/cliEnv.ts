import { embeddedDatabaseUrl } from '../dev/embeddedUrl.ts';

/** The commands that open the database themselves (ingest only with --direct: otherwise it talks HTTP). */
export const needsDatabase = (command: string, args: readonly string[]) =>
  ['migrate', 'apikey', 'rebuild', 'deadletters', 'search'].includes(command) ||
  (command === 'ingest' && args.includes('--direct') && !args.includes('--help') && !args.includes('-h'));

/**
 * Without DATABASE_URL, the database is the embedded one `npm start` runs (same port, EMBEDDED_PG_PORT), so the
 * commands the quick start prints work in a second terminal as they are; says so, since it is a guess.
 * Returns whether it did (a connection failure then means npm start is not running).
 */
export const defaultToEmbedded = (env: NodeJS.ProcessEnv, note: (line: string) => void) => {
  if (env.DATABASE_URL?.trim()) return false;
  env.DATABASE_URL = embeddedDatabaseUrl(env);
  note(`DATABASE_URL is not set: using the embedded database npm start runs (${env.DATABASE_URL})`);
  return true;
};
