import { Readable } from 'node:stream';
import { expect } from 'chai';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { usVoteCommand } from '../../infra/testing/usEvents.ts';
import { createApiKey } from '../auth/apiKeys.ts';
import { loadCommandConfig } from '../config.ts';
import { startCommandService } from '../index.ts';

/** Three real roll calls as NDJSON: about 3 × 70 KB. */
const NDJSON = `${['2021/h49', '2021/h50', '2021/h51'].map((v) => JSON.stringify(usVoteCommand(v))).join('\n')}\n`;
const LIMIT = 150_000;

describe('POST /api/v1/ingest past its body limit (real Postgres behind it)', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let key: string;
  let svc: Awaited<ReturnType<typeof startCommandService>>;

  before(async () => {
    db = await createTestDatabase();
    admin = new pg.Pool({ connectionString: db.url, max: 1 });
    key = (await createApiKey(admin, 'limit', ['write'])).key;
    svc = await startCommandService(
      loadCommandConfig({
        DATABASE_URL: db.url,
        COMMAND_PORT: '0',
        LOG_LEVEL: 'silent',
        COMMAND_RATE_LIMIT_RPS: '0',
        INGEST_MAX_BODY_BYTES: String(LIMIT),
      }),
    );
  });
  after(async () => {
    await svc?.stop();
    await admin?.end();
    await db?.drop();
  });

  const logged = async () =>
    (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM events.log')).rows[0]!.n;
  const post = (body: string | ReadableStream) =>
    fetch(`${svc.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body,
      duplex: 'half',
    } as RequestInit);

  it('refuses a body whose Content-Length is over the limit before appending anything (413)', async () => {
    expect(Buffer.byteLength(NDJSON)).to.be.greaterThan(LIMIT);
    const r = await post(NDJSON);
    expect(r.status).to.equal(413);
    expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(await logged()).to.equal(0);
  });

  it('past the limit mid-stream (no Content-Length), says how many commands before it were accepted', async () => {
    const r = await post(Readable.toWeb(Readable.from([Buffer.from(NDJSON)])) as ReadableStream);
    expect(r.status).to.equal(413);
    const problem = (await r.json()) as { detail: string };
    const n = await logged();
    expect(n).to.be.within(1, 2);
    expect(problem.detail).to.include(`the first ${n} commands were accepted`);
  });
});
