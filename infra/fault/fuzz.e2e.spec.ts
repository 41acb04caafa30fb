import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import type pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool } from '../kernel/db.ts';
import { eventually } from '../testing/eventually.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { usBillCommand, usVoteCommand } from '../testing/usEvents.ts';

/**
 * Property-based fuzzing of the running command and query services, driven by their own /openapi.json:
 * whatever arrives, the answer is never a 5xx, and every refusal is a problem+json 4xx.
 * FUZZ_RUNS scales the number of generated requests (default keeps the spec well under a minute).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);

type Json = any;

// Injection and encoding edge cases, put into every text field of real commands and every query parameter.
const NASTY = [
  "'; DROP TABLE rm.votes; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(10)',
  '$1',
  "E'\\x00'",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  ['{{7*7}}$', '{7*7}'].join(''),
  '../../../../etc/passwd',
  '\u0000',
  '%00%ff',
  '\uD800',
  '\uFEFF\u202Eevil',
  '𝕆𝕡𝕖𝕟 🏛️',
  ' ',
  'a'.repeat(6_000),
];
const INJECTIONS = [NASTY[0]!, NASTY[5]!];
const text = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 300 }),
);

/** Tammy Baldwin as in us/legislators/legislators-current.csv. */
const MEMBER = {
  type: 'RecordMember',
  data: {
    jurisdiction: 'us',
    ids: [
      { scheme: 'bioguide', id: 'B001230' },
      { scheme: 'lis', id: 'S354' },
    ],
    name: { full: 'Tammy Baldwin', first: 'Tammy', last: 'Baldwin' },
    gender: 'F',
    birthday: '1962-02-11',
    terms: [{ chamber: 'upper', start: '2019-01-03', end: '2025-01-03', party: 'Democrat', region: 'WI' }],
  },
};

/** Real commands, trimmed so thousands of requests stay cheap: a vote's first ballots, a bill's first actions. */
const baseCommands = (): Json[] => {
  const vote = structuredClone(usVoteCommand('2021/s419')) as Json;
  vote.data.ballotsComplete = false;
  vote.data.ballots = vote.data.ballots.slice(0, 4);
  const bill = structuredClone(usBillCommand('hr/hr1319')) as Json;
  for (const [k, v] of Object.entries(bill.data)) if (Array.isArray(v)) bill.data[k] = v.slice(0, 2);
  return [MEMBER, vote, bill];
};

type Path = (string | number)[];

/** Every string leaf of a JSON value, by path. */
const stringPaths = (v: unknown, at: Path = []): Path[] => {
  if (typeof v === 'string') return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringPaths(x, [...at, i]));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...at, k]));
  return [];
};
const allPaths = (v: unknown, at: Path = []): Path[] => {
  const inner = Array.isArray(v)
    ? v.flatMap((x, i) => allPaths(x, [...at, i]))
    : v && typeof v === 'object'
      ? Object.entries(v).flatMap(([k, x]) => allPaths(x, [...at, k]))
      : [];
  return at.length ? [at, ...inner] : inner;
};
const setAt = (root: Json, path: Path, value: unknown) => {
  const copy = structuredClone(root);
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k];
  const last = path.at(-1)!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
};

/** A real command with one field replaced (by a nasty string or any JSON value) or removed. */
const mutatedCommand = (bases: Json[]) =>
  fc
    .constantFrom(...bases)
    .chain((base) =>
      fc.tuple(
        fc.constant(base),
        fc.constantFrom(...allPaths(base)),
        fc.oneof(
          { weight: 3, arbitrary: text },
          { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
      ),
    )
    .map(([base, path, value]) => setAt(base, path, value));

/** Percent-encodes as a browser would; a lone surrogate becomes its (invalid) three UTF-8-style bytes. */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

type Sent = { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array };
type Answer = { status: number; type: string; body: string };

const send = async (r: Sent): Promise<Answer> => {
  const res = await fetch(r.url, {
    method: r.method,
    headers: r.headers,
    ...(r.body === undefined ? {} : { body: r.body }),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

/** The invariant every answer must hold. */
const wellBehaved = (req: Sent, a: Answer) => {
  const what = `${req.method} ${req.url.slice(0, 300)} -> ${a.status} ${a.type} ${a.body.slice(0, 300)}`;
  expect(a.status, what).to.be.below(500);
  if (a.status >= 400) {
    expect(a.type, what).to.match(/^application\/problem\+json/);
    if (req.method === 'HEAD') return;
    const problem = JSON.parse(a.body);
    expect(problem.status, what).to.equal(a.status);
    expect(problem.title, what).to.be.a('string');
  }
};

const check = async (req: Sent) => {
  const a = await send(req);
  wellBehaved(req, a);
  return a;
};

describe('fuzzing the running services (property-based, from /openapi.json)', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let stack: Stack;
  let key: string;
  let commandSpec: Json;
  let querySpec: Json;
  const counts = { command: 0, query: 0 };
  const bases = baseCommands();

  const command = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}): Sent => ({
    method: 'POST',
    url: `${stack.commandUrl}${path}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'fuzz' });
    key = (await createApiKey(admin, 'fuzz writer', ['write'])).key;
    // No query rate limit here: the fuzzer is one client sending thousands of requests on purpose.
    stack = await startStack({
      databaseUrl: db.url,
      env: { QUERY_RATE_LIMIT_RPS: '0', COMMAND_RATE_LIMIT_RPS: '0', LOG_LEVEL: 'fatal' },
    });
    for (const c of bases) {
      const r = await send(command('/api/v1/commands', JSON.stringify(c)));
      expect(r.status, r.body).to.equal(202);
    }
    await eventually(async () =>
      (await fetch(`${stack.queryUrl}/api/v1/votes/us-117-2021-s419`)).ok ? true : undefined,
    );
  });
  after(async () => {
    console.log(
      `      fuzz requests: ${counts.command} to the command service, ${counts.query} to the query service`,
    );
    await stack?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('publishes OpenAPI 3.1 documents generated from the zod schemas', async () => {
    commandSpec = JSON.parse(
      (await check({ method: 'GET', url: `${stack.commandUrl}/openapi.json`, headers: {} })).body,
    );
    querySpec = JSON.parse(
      (await check({ method: 'GET', url: `${stack.queryUrl}/openapi.json`, headers: {} })).body,
    );
    for (const spec of [commandSpec, querySpec]) expect(spec.openapi).to.equal('3.1.0');
    const variants =
      commandSpec.components.schemas.Command.anyOf ?? commandSpec.components.schemas.Command.oneOf;
    expect(variants.map((v: Json) => v.properties.type.const).sort()).to.deep.equal([
      'RecordBill',
      'RecordMember',
      'RecordVote',
    ]);
    // The ballot's position class is the contract's closed enum, straight from the schema.
    const vote = variants.find((v: Json) => v.properties.type.const === 'RecordVote');
    expect(vote.properties.data.properties.ballots.items.properties.positionClass.enum).to.include('paired');
    const bills = querySpec.paths['/api/v1/bills'].get.parameters.map((p: Json) => p.name);
    expect(bills).to.include.members(['limit', 'cursor', 'sort', 'status', 'ids']);
    const limit = querySpec.paths['/api/v1/votes'].get.parameters.find((p: Json) => p.name === 'limit');
    expect(limit.schema).to.include({ minimum: 1, maximum: 100 });
  });

  it('answers a nasty string in every text field of real commands with 202 or a problem+json 4xx', async () => {
    const statuses = new Set<number>();
    for (const base of bases) {
      for (const [i, path] of stringPaths(base).entries()) {
        // Both injection kinds into every field, the other edge cases in rotation across the fields.
        const rest = NASTY.filter((n) => !INJECTIONS.includes(n));
        for (const nasty of [...INJECTIONS, rest[(2 * i) % rest.length]!, rest[(2 * i + 1) % rest.length]!]) {
          const a = await check(command('/api/v1/commands', JSON.stringify(setAt(base, path, nasty))));
          counts.command += 1;
          statuses.add(a.status);
        }
      }
    }
    expect([...statuses].sort()).to.deep.equal([202, 422]);
  });

  it('never answers a mutated or random command with a 5xx', async () => {
    const body = fc.oneof(
      { weight: 4, arbitrary: mutatedCommand(bases).map((c) => JSON.stringify(c) ?? '') },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    );
    const headers = fc.record(
      {
        'content-type': fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/problem+json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
        'content-encoding': fc.constantFrom('identity', 'gzip', 'br', 'deflate', 'x-unknown'),
        authorization: fc.oneof(
          fc.constant(''),
          fc.constant('Bearer op_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
          text.map((t) => `Bearer ${t.replace(/[^\x20-\x7e]/g, '')}`),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, headers, async (b, h) => {
        counts.command += 1;
        await check(command('/api/v1/commands', b, h));
      }),
      { numRuns: 600 * RUNS },
    );
  });

  it('never answers an NDJSON stream of good, bad and broken lines with a 5xx', async () => {
    const line = fc.oneof(
      mutatedCommand(bases).map((c) => Buffer.from(JSON.stringify(c) ?? '')),
      fc.constantFrom(...bases).map((c) => Buffer.from(JSON.stringify(c))),
      fc.string({ unit: 'binary', maxLength: 100 }).map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
      fc.constant(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x7b])),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 8 }), fc.boolean(), async (lines, crlf) => {
        counts.command += 1;
        const body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from(crlf ? '\r\n' : '\n')]));
        await check(command('/api/v1/ingest', body, { 'content-type': 'application/x-ndjson' }));
      }),
      { numRuns: 150 * RUNS },
    );
  });

  it('refuses oversized bodies, deep JSON, invalid UTF-8 and huge NDJSON lines with a problem+json 4xx', async () => {
    const vote = JSON.stringify(bases[1]);
    // A good line, then one too long: the good one lands and the answer names line 2.
    const mixed = command('/api/v1/ingest', `${vote}\n{"x":"${'y'.repeat(2 << 20)}"}\n`, {
      'content-type': 'application/x-ndjson',
    });
    const cases: [Sent, number][] = [
      [command('/api/v1/commands', `{"type":"RecordVote","pad":"${'x'.repeat(2 << 20)}"}`), 413],
      [command('/api/v1/commands', `${'['.repeat(200_000)}${']'.repeat(200_000)}`), 422],
      [command('/api/v1/commands', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`), 422],
      [command('/api/v1/commands', `${'['.repeat(200_000)}`), 400],
      [
        command(
          '/api/v1/commands',
          Buffer.concat([
            Buffer.from(vote.slice(0, 60)),
            Buffer.from([0xc3, 0x28, 0xff]),
            Buffer.from(vote.slice(60)),
          ]),
        ),
        400,
      ],
      [command('/api/v1/commands', Buffer.from([0xff, 0xfe, 0xfd])), 400],
      [command('/api/v1/commands', ''), 400],
      [command('/api/v1/commands', vote, { 'content-type': 'text/plain' }), 415],
      [command('/api/v1/commands', vote.replace('"data":{', '"data":{"numbr":5,')), 422],
      [command('/api/v1/commands', 'null'), 400],
      [command('/api/v1/commands', 'not json', { 'content-encoding': 'gzip' }), 400],
      [mixed, 202],
      [
        command('/api/v1/ingest', `{"x":"${'y'.repeat(2 << 20)}"}`, {
          'content-type': 'application/x-ndjson',
        }),
        422,
      ],
      [
        command('/api/v1/ingest', Buffer.from([0xff, 0x0a, 0xc3]), {
          'content-type': 'application/x-ndjson',
        }),
        422,
      ],
      [
        command('/api/v1/ingest', `${'['.repeat(100_000)}\n`, { 'content-type': 'application/x-ndjson' }),
        422,
      ],
      [command('/api/v1/ingest', '\n\n\n', { 'content-type': 'application/x-ndjson' }), 400],
      [command('/api/v1/ingest', vote, { 'content-type': 'application/json' }), 415],
      [
        command('/api/v1/ingest', `${vote}\n`, { 'content-type': 'Application/X-NDJSON; charset=utf-8' }),
        202,
      ],
      [command('/api/v1/ingest', `${vote}\n`, { 'content-type': 'application/x-ndjsonfoo' }), 415],
      [
        command('/api/v1/ingest', gzipSync(`${vote}\n`), {
          'content-type': 'application/x-ndjson',
          'content-encoding': 'gzip',
        }),
        202,
      ],
      [
        command('/api/v1/ingest', `${vote}\n`, {
          'content-type': 'application/x-ndjson',
          'content-encoding': 'br',
        }),
        415,
      ],
      [
        command('/api/v1/ingest', `${vote}\n`, {
          'content-type': 'application/x-ndjson',
          'content-encoding': 'gzip',
        }),
        400,
      ],
    ];
    for (const [req, status] of cases) {
      counts.command += 1;
      const a = await check(req);
      expect(a.status, `${req.url} ${String(req.body).slice(0, 80)}: ${a.body.slice(0, 300)}`).to.equal(
        status,
      );
    }
    const ingested = JSON.parse((await send(mixed)).body);
    // Past Node's 16 KB for the request line and headers: refused before any handler, still as problem+json.
    const long = 'x'.repeat(20_000);
    for (const req of [
      { method: 'GET', url: `${stack.queryUrl}/api/v1/bills/search?q=${long}`, headers: {} },
      { ...command('/api/v1/commands', vote), headers: { ...command('', '').headers, 'x-padding': long } },
    ]) {
      expect((await check(req)).status, req.url).to.equal(431);
    }
    for (const path of ['/api/v1/commands', '/api/v1/ingest']) {
      const put = { ...command(path, vote), method: 'PUT' };
      expect((await check(put)).status, path).to.equal(405);
      expect((await fetch(put.url, put)).headers.get('allow'), path).to.equal('POST');
    }
    expect(ingested.rejected.map((r: Json) => r.line)).to.deep.equal([2]);
  });

  it('never answers a generated query (any route, parameter, id or method) with a 5xx', async () => {
    const ops = Object.entries(querySpec.paths as Record<string, Json>).map(([path, item]) => ({
      path,
      params: (item.get.parameters ?? []) as { name: string; in: string; schema: Json }[],
    }));
    const idValue = fc.oneof(
      fc.constantFrom('us-117-2021-s419', 'us-117-hr-1319', 'us-B001230', 'us-lis-S354', 'us-117-2021-h1'),
      text.map(encode),
      fc.constantFrom('%FF', '%', '%E0%A4%A', '%C0%AF', '..%2F..%2F', '%00', 'a%2Fb', '%uD800'),
    );
    const valueFor = (schema: Json): fc.Arbitrary<string> =>
      fc.oneof(
        schema?.enum ? fc.constantFrom(...(schema.enum as string[])) : fc.constant('1'),
        schema?.type === 'integer' || schema?.type === 'number'
          ? fc.integer({ min: -5, max: 500 }).map(String)
          : fc.constant('2021-01-03'),
        fc.constantFrom('2021-13-45', '0000-01-01', '2021-02-29', '1e309', '-0', '', '%FF', '99999999999'),
        // Cursors that decode to JSON of the wrong shape or type for the route or sort.
        fc
          .constantFrom<unknown[]>(
            ['latest', 1, 'x'],
            ['votes', '2021-01-01', 'x'],
            ['introduced', '2021-13-45', 'x'],
            ['x', 'y'],
            ['2021-01-03T00:00:00.000000Z', 'x'],
            ['2021-02-30T25:00:00Z', 'x'],
            [1, 2, 3],
            {},
          )
          .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
        text,
      );
    const request = fc.constantFrom(...ops).chain((op) =>
      fc.record({
        path: idValue.map((id) => op.path.replace('{id}', id)),
        query: fc.array(
          fc.oneof(
            {
              weight: 4,
              arbitrary: fc
                .constantFrom(
                  ...(op.params.filter((p) => p.in === 'query').length
                    ? op.params.filter((p) => p.in === 'query')
                    : [{ name: 'x', in: 'query', schema: {} }]),
                )
                .chain((p) => valueFor(p.schema).map((v) => [p.name, v] as const)),
            },
            { weight: 1, arbitrary: fc.tuple(text, text) },
          ),
          { maxLength: 4 },
        ),
        method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'DELETE'),
        headers: fc.record(
          {
            'if-none-match': fc.oneof(
              fc.constant('*'),
              fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
            ),
            'accept-encoding': fc.constantFrom('br', 'gzip', 'identity', 'gzip;q=0, br;q=0', '*', 'x'),
            'x-api-key': fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x21-\x7e]/g, '') || 'k'),
          },
          { requiredKeys: [] },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        counts.query += 1;
        const qs = r.query.map(([k, v]) => `${encode(k)}=${v.startsWith('%') ? v : encode(v)}`);
        const a = await send({
          method: r.method,
          url: `${stack.queryUrl}${r.path}${qs.length ? `?${qs.join('&')}` : ''}`,
          headers: r.headers,
        });
        wellBehaved(
          { method: r.method, url: `${stack.queryUrl}${r.path}?${qs.join('&')}`, headers: r.headers },
          a,
        );
      }),
      { numRuns: 2_000 * RUNS },
    );
  });

  it('stores injection strings as plain data: the query service returns them verbatim', async () => {
    const member = setAt(
      setAt(MEMBER, ['data', 'ids'], [{ scheme: 'bioguide', id: 'Z999001' }]),
      ['data', 'name', 'full'],
      NASTY[0],
    );
    const marked = setAt(member, ['data', 'terms', 0, 'region'], NASTY[5]);
    const r = await check(command('/api/v1/commands', JSON.stringify(marked)));
    expect(r.status).to.equal(202);
    // Everything the command service accepted during the fuzzing projects cleanly: no dead letters.
    const end = (await admin.query('SELECT max(position)::int AS n FROM events.log')).rows[0].n;
    await eventually(
      async () => {
        const cp = await admin.query(
          "SELECT next_offset FROM projector.checkpoints WHERE source = 'postgres'",
        );
        if (!(cp.rows[0]?.next_offset > end)) return undefined;
        // ...and the member documents those batches queued are rendered.
        return (await admin.query('SELECT 1 FROM rm.member_dirty LIMIT 1')).rowCount ? undefined : true;
      },
      90_000,
      200,
    ).catch((err) => {
      throw new Error(`${String(err)}\n${stack.services.map((s) => s.output()).join('\n')}`);
    });
    const dead = await admin.query('SELECT position, reason FROM projector.dead_letters');
    expect(dead.rows).to.deep.equal([]);
    const res = await fetch(`${stack.queryUrl}/api/v1/members/us-Z999001`);
    expect(res.status).to.equal(200);
    const doc = (await res.json()) as Json;
    expect(doc.name.full).to.equal(NASTY[0]);
    expect(JSON.stringify(doc)).to.include(JSON.stringify(NASTY[5]).slice(1, -1));
    const votes = await admin.query('SELECT count(*)::int AS n FROM rm.votes');
    expect(votes.rows[0].n).to.be.greaterThan(0);
  });
});
