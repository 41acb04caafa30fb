import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import pg from 'pg';
import { createLogger } from '../../infra/kernel/logger.ts';
import { smallVoteCommand } from '../../infra/testing/smallVote.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { createCommandApp } from '../app.ts';
import { createApiKey } from '../auth/apiKeys.ts';
import { loadCommandConfig } from '../config.ts';
import type { EventLog } from '../log/eventLog.ts';
import { openEventLog } from '../log/openEventLog.ts';

const vote = smallVoteCommand;
const ndjson = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${JSON.stringify(vote(from + i))}\n`).join('');

describe('POST /api/v1/ingest: bad lines in bulk, failures mid-stream (real Postgres behind it)', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let key: string;
  let server: Server;
  let url: string;
  let close: () => Promise<void>;
  /** Appends after this many fail, as a log that went away mid-request would. */
  let appendsLeft = Number.POSITIVE_INFINITY;

  before(async () => {
    db = await createTestDatabase();
    admin = new pg.Pool({ connectionString: db.url, max: 1 });
    key = (await createApiKey(admin, 'ingest-failures', ['write'])).key;
    const logger = createLogger('command', 'silent');
    const opened = await openEventLog(loadCommandConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: '' }), {
      logger,
      applicationName: 'ingest-failures-spec',
      clientId: 'spec',
      maxConnections: 2,
    });
    const log: EventLog = {
      kind: opened.log.kind,
      append: async (events) => {
        if (appendsLeft <= 0) throw new Error('connection terminated');
        appendsLeft -= 1;
        return opened.log.append(events);
      },
      close: () => opened.log.close(),
    };
    const app = createCommandApp({
      pool: opened.pool,
      log,
      logger,
      now: () => new Date(),
      maxBodyBytes: 1_048_576,
      ingest: { maxLineBytes: 1_048_576, maxTotalBytes: 256 * 1_048_576, chunk: 500 },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await opened.log.close();
      await opened.pool.end();
    };
  });
  after(async () => {
    await close?.();
    await admin?.end();
    await db?.drop();
  });
  beforeEach(() => {
    appendsLeft = Number.POSITIVE_INFINITY;
  });

  /** Events of the roll calls numbered from `from` (each test sends its own numbers; the log is append-only). */
  const logged = async (from: number) =>
    (
      await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM events.log WHERE (data->>'number')::int BETWEEN $1 AND $1 + 9999",
        [from],
      )
    ).rows[0]!.n;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', ...headers },
      body,
    });

  it('answers a large body of bad lines with the first 1,000 listed and all of them counted, quickly', async () => {
    const lines = 300_000;
    const started = Date.now();
    const r = await post('x\n'.repeat(lines));
    const text = await r.text();
    const elapsed = Date.now() - started;
    expect(r.status).to.equal(422);
    expect(r.headers.get('x-rejected-count')).to.equal(String(lines));
    const problem = JSON.parse(text) as { detail: string; errors: { line: number }[] };
    expect(problem.detail).to.equal(`all ${lines} lines were rejected; the first 1000 are listed`);
    expect(problem.errors).to.have.length(1_000);
    expect(problem.errors.at(-1)!.line).to.equal(1_000);
    // Every error used to be listed: 300,000 of them, about 30 MB.
    expect(text.length).to.be.below(200_000);
    expect(elapsed).to.be.below(5_000);
  });

  it('accepts the good lines among more than 1,000 bad ones, listing 1,000 and counting all', async () => {
    const bad = Array.from({ length: 1_500 }, (_, i) => `{"type":"RecordVote","n":${i}}\n`).join('');
    const r = await post(`${ndjson(1, 1)}${bad}`);
    expect(r.status).to.equal(202);
    expect(r.headers.get('x-rejected-count')).to.equal('1500');
    const body = (await r.json()) as {
      accepted: number;
      rejected: { line: number }[];
      rejectedCount: number;
      rejectedTruncated: boolean;
    };
    expect(body.accepted).to.equal(1);
    expect(body.rejected).to.have.length(1_000);
    expect(body.rejected[0]!.line).to.equal(2);
    expect(body.rejectedCount).to.equal(1_500);
    expect(body.rejectedTruncated).to.equal(true);
  });

  it('lists at most 100 field errors of one line, and says how many more there were', async () => {
    const one = vote(7);
    const ballots = Array.from({ length: 150 }, (_, i) => ({ ...one.data.ballots[0]!, position: i }));
    const many = { ...one, data: { ...one.data, ballots } };
    const r = await post(`${JSON.stringify(many)}\n`);
    expect(r.status).to.equal(422);
    const { errors } = (await r.json()) as { errors: { path: string; message: string }[] };
    expect(errors).to.have.length(101);
    expect(errors.at(-1)!.message).to.match(/^and \d+ more errors$/);
  });

  it('a log failure after the first chunk says which commands landed (503, retriable)', async () => {
    appendsLeft = 1;
    const r = await post(ndjson(10_000, 700));
    expect(r.status).to.equal(503);
    expect(r.headers.get('retry-after')).to.equal('1');
    const problem = (await r.json()) as { detail: string; retriable?: boolean };
    expect(await logged(10_000)).to.equal(500);
    expect(problem.retriable).to.equal(true);
    expect(problem.detail).to.include('the first 500 commands were accepted, through line 500');
  });

  it('a log failure on the first chunk says that nothing landed', async () => {
    appendsLeft = 0;
    const r = await post(ndjson(20_000, 10));
    expect(r.status).to.equal(503);
    expect(((await r.json()) as { detail: string }).detail).to.include('no command was accepted');
    expect(await logged(20_000)).to.equal(0);
  });

  it('a truncated gzip body says which commands before the break landed (400)', async () => {
    const gz = gzipSync(ndjson(30_000, 3_000));
    const r = await post(gz.subarray(0, gz.length - 40), { 'content-encoding': 'gzip' });
    expect(r.status).to.equal(400);
    const problem = (await r.json()) as { detail: string };
    const n = await logged(30_000);
    expect(n).to.be.at.least(500);
    expect(problem.detail).to.match(/^the body is not valid gzip: /);
    expect(problem.detail).to.include(`the first ${n} commands were accepted, through line ${n}`);
  });
});
