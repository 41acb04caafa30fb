/**
 * The failures a first run meets (a bad or missing variable, a port in use, the database not there) as one
 * readable message instead of a stack trace; null for anything else, which is a bug and keeps its stack.
 */
export type StartupFailure = Readonly<{
  kind: 'explained' | 'config' | 'port' | 'database';
  message: string;
  exitCode: 2;
}>;

/** A failure whose message already says what happened and what to do: printed as it is, exit 2. */
export class StartupError extends Error {}

type ErrorLike = {
  message?: unknown;
  code?: unknown;
  port?: unknown;
  address?: unknown;
  cause?: unknown;
  errors?: unknown;
};

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);
/** Postgres SQLSTATEs a wrong DATABASE_URL gives: bad password, unknown role, unknown database. */
const LOGIN_CODES = new Set(['28P01', '28000', '3D000']);

/** The error and every error it wraps (`cause`, AggregateError's `errors`: Node tries ::1 and 127.0.0.1). */
const chain = (err: unknown, seen = new Set<unknown>()): ErrorLike[] => {
  if (!err || typeof err !== 'object' || seen.has(err)) return [];
  seen.add(err);
  const e = err as ErrorLike;
  const inner = Array.isArray(e.errors) ? e.errors : [];
  return [e, ...chain(e.cause, seen), ...inner.flatMap((x) => chain(x, seen))];
};

/** zod says "Expected number, received nan" for QUERY_PORT=abc; name the value the variable holds instead. */
const configLines = (message: string, env: NodeJS.ProcessEnv) =>
  message.replace(/^(\s+)([A-Z][A-Z0-9_]*): Expected number, received nan$/gm, (_, indent, name) => {
    return `${indent}${name}: expected a number, got ${JSON.stringify(env[name] ?? '')}`;
  });

export const describeStartupError = (
  err: unknown,
  o: { env?: NodeJS.ProcessEnv; portVariables?: string } = {},
): StartupFailure | null => {
  const env = o.env ?? process.env;
  if (err instanceof StartupError) return { kind: 'explained', message: err.message, exitCode: 2 };
  const all = chain(err);
  const first = all[0];
  if (!first) return null;
  const message = String(first.message ?? '');
  if (message.startsWith('invalid configuration:'))
    return { kind: 'config', message: configLines(message, env), exitCode: 2 };
  const inUse = all.find((e) => e.code === 'EADDRINUSE');
  if (inUse) {
    return {
      kind: 'port',
      message: `port ${String(inUse.port ?? '?')} in use: set ${o.portVariables ?? 'COMMAND_PORT / QUERY_PORT'}`,
      exitCode: 2,
    };
  }
  const unreachable = all.find((e) => CONNECTION_CODES.has(String(e.code)));
  if (unreachable) {
    const where = unreachable.address
      ? `${String(unreachable.address)}${unreachable.port ? `:${String(unreachable.port)}` : ''}`
      : String(unreachable.message ?? unreachable.code);
    return {
      kind: 'database',
      message: `cannot connect to the database (${String(unreachable.code)} ${where}): is PostgreSQL running, and is DATABASE_URL right?`,
      exitCode: 2,
    };
  }
  const login = all.find((e) => LOGIN_CODES.has(String(e.code)));
  if (login)
    return {
      kind: 'database',
      message: `the database refused the connection: ${String(login.message)}`,
      exitCode: 2,
    };
  return null;
};
