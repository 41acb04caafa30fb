import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { createApiKey, revokeApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool, withCredentials } from '../kernel/db.ts';
import { eventually } from '../testing/eventually.ts';
import { freePort, type Service, stopService } from '../testing/stack.ts';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { usVoteCommand } from '../testing/usEvents.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

/** A service process whose every byte of stdout and stderr is kept (stack.ts keeps only the last 20 kB). */
const spawnCaptured = (
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): Service & { all: () => string } => {
  const chunks: string[] = [];
  const child: ChildProcess = spawn(TSX, [entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  const all = () => chunks.join('');
  return { name, child, output: () => all().slice(-20_000), all };
};

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** The forms a key's secret could take in a log: itself, its stored hash (hex, base64, bytea), part of it. */
const secretForms = (label: string, key: string) => {
  const secret = /^op_[a-f0-9]{12}_(.+)$/.exec(key)?.[1] ?? key;
  const forms: [string, string][] = [
    [`${label} key`, key],
    [`${label} secret`, secret],
    [`${label} secret (first 16)`, secret.slice(0, 16)],
    [`${label} secret (last 16)`, secret.slice(-16)],
  ];
  for (const h of [sha256(secret), sha256(key)]) {
    forms.push([`${label} hash (hex)`, h.toString('hex')], [`${label} hash (base64)`, h.toString('base64')]);
    forms.push([`${label} hash (base64url)`, h.toString('base64url')]);
  }
  return forms;
};

/**
 * Secrets come only from the environment and never reach a log. The three services run as processes with
 * database URLs carrying random passwords of their own roles, at LOG_LEVEL=trace, and are exercised on every
 * path that logs: writes with a valid key (Authorization and X-API-Key), unknown, revoked, read-only and
 * malformed keys, bad requests, rate limiting, the projector applying the writes, and a database outage (5xx
 * and retry logs carrying errors). Every byte they wrote is then searched for each secret.
 */
describe('secrets never reach the logs (three services at LOG_LEVEL=trace)', function () {
  this.timeout(120_000);
  const suffix = randomBytes(4).toString('hex');
  const roles = {
    owner: { name: `op_secret_${suffix}_owner`, member: null },
    command: { name: `op_secret_${suffix}_command`, member: 'openpolicy_command' },
    projector: { name: `op_secret_${suffix}_projector`, member: 'openpolicy_projector' },
    query: { name: `op_secret_${suffix}_query`, member: 'openpolicy_query' },
  } as const;
  const passwords = Object.fromEntries(
    Object.keys(roles).map((r) => [r, `pw${randomBytes(16).toString('hex')}`]),
  ) as Record<keyof typeof roles, string>;
  let db: TestDatabase;
  let admin: pg.Pool;
  let services: ReturnType<typeof spawnCaptured>[] = [];
  let commandUrl: string;
  let queryUrl: string;
  const keys = {} as Record<'write' | 'read' | 'revoked' | 'unknown' | 'malformed', string>;
  const basicAuth = `Basic ${Buffer.from(`someone:${randomBytes(12).toString('hex')}`).toString('base64')}`;

  const setConnections = async (allowed: boolean) => {
    for (const r of Object.values(roles)) {
      const ddl = await admin.query<{ ddl: string }>(
        allowed
          ? "SELECT format('ALTER ROLE %I CONNECTION LIMIT -1', $1::text) AS ddl"
          : "SELECT format('ALTER ROLE %I CONNECTION LIMIT 0', $1::text) AS ddl",
        [r.name],
      );
      await admin.query(ddl.rows[0]!.ddl);
    }
  };

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'secrets-test', max: 2 });
    for (const [role, r] of Object.entries(roles) as [
      keyof typeof roles,
      (typeof roles)[keyof typeof roles],
    ][]) {
      const ddl = await admin.query<{ ddl: string }>(
        r.member
          ? "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', $1::text, $2::text, $3::text) AS ddl"
          : "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text) AS ddl",
        r.member ? [r.name, passwords[role], r.member] : [r.name, passwords[role]],
      );
      await admin.query(ddl.rows[0]!.ddl);
    }
    keys.write = (await createApiKey(admin, 'secrets writer', ['write'])).key;
    keys.read = (await createApiKey(admin, 'secrets reader', ['read'])).key;
    const revoked = await createApiKey(admin, 'secrets revoked', ['write']);
    await revokeApiKey(admin, revoked.id);
    keys.revoked = revoked.key;
    keys.unknown = `op_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    keys.malformed = `op_${randomBytes(20).toString('hex')}`;

    const url = (role: keyof typeof roles) => withCredentials(db.url, roles[role].name, passwords[role]);
    const [commandPort, queryPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: url('owner'),
      COMMAND_DATABASE_URL: url('command'),
      PROJECTOR_DATABASE_URL: url('projector'),
      QUERY_DATABASE_URL: url('query'),
      COMMAND_PORT: String(commandPort),
      QUERY_PORT: String(queryPort),
      LOG_LEVEL: 'trace',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      KAFKA_BROKERS: '',
      PROJECTOR_IDLE_POLL_MS: '200',
      VIEW_REFRESH_DEBOUNCE_MS: '0',
      COMMAND_RATE_LIMIT_RPS: '0',
      // Small per-client buckets on the read side, so a key flooding it gets 429s (logged at warn).
      QUERY_RATE_LIMIT_RPS: '1',
      QUERY_RATE_LIMIT_BURST: '20',
    };
    services = [
      spawnCaptured('command', 'command/index.ts', env),
      spawnCaptured('projector', 'projector/index.ts', env),
      spawnCaptured('query', 'query/index.ts', env),
    ];
    commandUrl = `http://127.0.0.1:${commandPort}`;
    queryUrl = `http://127.0.0.1:${queryPort}`;
    for (const u of [commandUrl, queryUrl]) {
      await eventually(async () => ((await fetch(`${u}/readyz`)).ok ? true : undefined), 30_000, 100).catch(
        (err) => {
          throw new Error(`${String(err)}\n${services.map((s) => `[${s.name}] ${s.output()}`).join('\n')}`);
        },
      );
    }
  });

  after(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await admin?.end();
    await db?.drop();
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    try {
      for (const r of Object.values(roles)) {
        const ddl = await c.query<{ ddl: string }>(
          "SELECT format('DROP ROLE IF EXISTS %I', $1::text) AS ddl",
          [r.name],
        );
        await c.query(ddl.rows[0]!.ddl);
      }
    } finally {
      await c.end();
    }
  });

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${commandUrl}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('stores only the SHA-256 of each key secret', async () => {
    const { rows } = await admin.query<{ id: string; row: string; secret_hash: Buffer }>(
      'SELECT id, to_jsonb(k)::text AS row, secret_hash FROM command.api_keys k ORDER BY id',
    );
    expect(rows).to.have.length(3);
    for (const key of [keys.write, keys.read, keys.revoked]) {
      const [, id, secret] = /^op_([a-f0-9]{12})_(.+)$/.exec(key)!;
      const row = rows.find((r) => r.id === id)!;
      expect(row.secret_hash.equals(sha256(secret!))).to.equal(true);
      expect(row.row).not.to.include(secret!.slice(0, 16));
    }
  });

  it('logs requests, refusals, projection and a database outage without any secret', async () => {
    // Writes with a valid key, in the Authorization header and in X-API-Key.
    const first = await post(
      '/api/v1/commands',
      JSON.stringify(usVoteCommand('2021/h1')),
      bearer(keys.write),
    );
    expect(first.status, await first.clone().text()).to.equal(202);
    const ingest = await post(
      '/api/v1/ingest',
      `${[usVoteCommand('2021/h2'), usVoteCommand('2021/h3')].map((c) => JSON.stringify(c)).join('\n')}\n`,
      { 'content-type': 'application/x-ndjson', 'x-api-key': keys.write },
    );
    expect(ingest.status, await ingest.clone().text()).to.equal(202);
    const eventId = ((await first.json()) as { events: { eventId: string }[] }).events[0]!.eventId;

    // Keys that must be refused, each in both headers, and other credentials.
    const vote = JSON.stringify(usVoteCommand('2021/h4'));
    for (const [key, status] of [
      [keys.unknown, 401],
      [keys.revoked, 401],
      [keys.malformed, 401],
      [keys.read, 403],
    ] as const) {
      expect((await post('/api/v1/commands', vote, bearer(key))).status).to.equal(status);
      expect((await post('/api/v1/commands', vote, { 'x-api-key': key })).status).to.equal(status);
      expect((await post('/api/v1/commands', vote, { authorization: `bearer ${key}` })).status).to.equal(
        status,
      );
    }
    expect((await post('/api/v1/commands', vote, { authorization: basicAuth })).status).to.equal(401);
    // The read scope reads where an event went.
    const where = await fetch(`${commandUrl}/api/v1/events/${eventId}`, { headers: bearer(keys.read) });
    expect(where.status).to.equal(200);

    // Bad requests from a valid key: broken JSON, an invalid command, an unknown route.
    expect((await post('/api/v1/commands', '{"type": "RecordVote", ', bearer(keys.write))).status).to.equal(
      400,
    );
    const invalid = await post(
      '/api/v1/commands',
      JSON.stringify({ type: 'RecordVote', data: {} }),
      bearer(keys.write),
    );
    expect(invalid.status).to.equal(422);
    expect((await post('/api/v1/nowhere', '{}', bearer(keys.write))).status).to.equal(404);

    // The projector applies the writes; the read side is asked with keys it does not need.
    await eventually(async () => {
      const r = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM rm.votes');
      return r.rows[0]!.n === 3 ? true : undefined;
    }, 30_000);
    const read = await fetch(`${queryUrl}/api/v1/votes/us-117-2021-h1`, { headers: bearer(keys.write) });
    expect(read.status).to.equal(200);
    const badRead = await fetch(`${queryUrl}/api/v1/bills?limit=abc`, {
      headers: { 'x-api-key': keys.unknown },
    });
    expect(badRead.status).to.equal(400);
    // A flood under one key: that key's bucket runs dry, and 429s are logged at warn.
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      statuses.push(
        (await fetch(`${queryUrl}/api/v1/bills?limit=1`, { headers: bearer(keys.unknown) })).status,
      );
    }
    expect(statuses).to.include(429);

    // Database outage: every service role's sessions ended and new ones refused (connection limit 0, as a
    // server at max_connections does). Failures are logged with their errors (5xx, retries, listeners); the
    // write is a retriable 503; every service recovers once connections are allowed again.
    await setConnections(false);
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND usename = ANY($1::text[])`,
        [Object.values(roles).map((r) => r.name)],
      );
      const refused = await eventually(async () => {
        const r = await post(
          '/api/v1/commands',
          JSON.stringify(usVoteCommand('2021/h5')),
          bearer(keys.write),
        );
        return r.status === 503 ? r : undefined;
      }, 15_000);
      expect(((await refused.json()) as { retriable?: boolean }).retriable).to.equal(true);
      await fetch(`${queryUrl}/readyz`);
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      await setConnections(true);
    }
    await eventually(async () => {
      const r = await post('/api/v1/commands', JSON.stringify(usVoteCommand('2021/h5')), bearer(keys.write));
      return r.status === 202 ? true : undefined;
    }, 30_000);
    await eventually(async () => {
      const r = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM rm.votes');
      return r.rows[0]!.n === 4 ? true : undefined;
    }, 30_000).catch((err) => {
      throw new Error(`${String(err)}\n[projector] ${services[1]!.output().slice(-6_000)}`);
    });

    // Stop them (shutdown logs count too), then read every byte they wrote.
    await Promise.all(services.map((s) => stopService(s)));
    const logs = Object.fromEntries(services.map((s) => [s.name, s.all()]));
    const lines = Object.entries(logs).flatMap(([name, text]) =>
      text.split('\n').map((line) => ({ name, line, json: parseJson(line) })),
    );

    // The logs are there and say what happened, so a leak would be seen: request lines with their headers
    // (the key-bearing ones redacted), refusals, the 503, the projector's batches and its retries.
    const requestLines = lines.filter((l) => l.json?.req?.url === '/api/v1/commands' && l.json.res);
    expect(requestLines.length, logs.command).to.be.greaterThan(15);
    const statusesLogged = new Set(requestLines.map((l) => l.json!.res!.statusCode));
    for (const s of [202, 400, 401, 403, 422, 503]) expect([...statusesLogged]).to.include(s);
    expect(requestLines.some((l) => l.json!.req!.headers?.authorization === '[Redacted]')).to.equal(true);
    expect(requestLines.some((l) => l.json!.req!.headers?.['x-api-key'] === '[Redacted]')).to.equal(true);
    expect(
      lines.some((l) => l.name === 'command' && l.json?.msg === 'request failed' && l.json.err),
    ).to.equal(true);
    expect(lines.some((l) => l.name === 'query' && l.json?.res?.statusCode === 429)).to.equal(true);
    expect(lines.some((l) => l.name === 'projector' && l.json?.msg === 'batch applied')).to.equal(true);
    expect(lines.some((l) => l.name === 'projector' && l.json?.err)).to.equal(true);

    const secrets: [string, string][] = [
      ...(Object.entries(passwords) as [string, string][]).map(([r, p]): [string, string] => [
        `${r} DB password`,
        p,
      ]),
      ...Object.entries(keys).flatMap(([label, key]) => secretForms(label, key)),
      ['Authorization header (Bearer)', `Bearer ${keys.write}`],
      ['Authorization header (Basic)', basicAuth],
      ['Basic credentials', basicAuth.slice('Basic '.length)],
    ];
    const leaks = secrets.flatMap(([label, secret]) =>
      lines
        .filter((l) => l.line.includes(secret))
        .map((l) => `${label} in ${l.name}: ${l.line.slice(0, 400)}`),
    );
    expect(leaks, leaks.join('\n')).to.deep.equal([]);
  });
});

type LogLine = {
  msg?: string;
  err?: unknown;
  req?: { url?: string; headers?: Record<string, string> };
  res?: { statusCode?: number };
};

const parseJson = (line: string): LogLine | null => {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return null;
  }
};
