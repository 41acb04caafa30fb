import http from 'node:http';
import { expect } from 'chai';
import pg from 'pg';
import { smallVoteCommand } from '../../infra/testing/smallVote.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { createApiKey } from '../auth/apiKeys.ts';
import { loadCommandConfig } from '../config.ts';
import { startCommandService } from '../index.ts';

const VOTE = smallVoteCommand();

type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

describe('command service: request edges (real Postgres behind it)', () => {
  let db: TestDatabase;
  let key: string;
  let svc: Awaited<ReturnType<typeof startCommandService>>;
  const config = (env: Record<string, string> = {}) =>
    loadCommandConfig({ DATABASE_URL: db.url, COMMAND_PORT: '0', LOG_LEVEL: 'silent', ...env });

  before(async () => {
    db = await createTestDatabase();
    const admin = new pg.Pool({ connectionString: db.url, max: 1 });
    key = (await createApiKey(admin, 'edges', ['read', 'write'])).key;
    await admin.end();
    svc = await startCommandService(config({ COMMAND_RATE_LIMIT_RPS: '0' }));
  });
  after(async () => {
    await svc?.stop();
    await db?.drop();
  });

  const postCommand = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${svc.url}/api/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers 404 for an event id of 36 characters that is not a UUID (was a 500 from the uuid cast)', async () => {
    for (const id of ['-'.repeat(36), 'g'.repeat(36), '0123456789abcdef0123456789abcdef0123']) {
      const r = await fetch(`${svc.url}/api/v1/events/${id}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(r.status, id).to.equal(404);
    }
  });

  it('says a number past ±1.8e308 is out of range, not "expected number, received number"', async () => {
    const text = JSON.stringify(VOTE)
      .replace('"number":49', '"number":1e400')
      .replace('"year":2021', '"year":-1e400');
    const r = await postCommand(text);
    expect(r.status).to.equal(422);
    const { errors } = (await r.json()) as Problem;
    expect(errors!.map((e) => e.path)).to.deep.equal(['data.number', 'data.year']);
    for (const e of errors!) expect(e.message).to.match(/out of range \(not finite/);
    // A finite number out of the field's own bounds keeps zod's message; the accepted inputs are unchanged.
    const big = await postCommand(JSON.stringify({ ...VOTE, data: { ...VOTE.data, number: 1e300 } }));
    expect(((await big.json()) as Problem).errors![0]!.message).to.match(/^Too big/);
    expect((await postCommand(JSON.stringify(VOTE))).status).to.equal(202);
  });

  it('answers 400 "no body" for an empty chunked body, as for an empty one with a Content-Length', async () => {
    // node:http, so that the body really is chunked: a zero-length chunk and no Content-Length.
    const u = new URL(svc.url);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          path: '/api/v1/commands',
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(chunked.status).to.equal(400);
    expect((JSON.parse(chunked.body) as Problem).detail).to.match(/^the request has no body/);
    expect((await postCommand('')).status).to.equal(400);
    // An empty object is a body, and an invalid command.
    expect((await postCommand('{}')).status).to.equal(422);
  });

  it('refuses JSON that is not an object as such, not as "not valid JSON"', async () => {
    for (const [body, what] of [
      ['null', 'null'],
      ['5', 'of type number'],
      ['"x"', 'of type string'],
    ]) {
      const r = await postCommand(body!);
      expect(r.status, body).to.equal(400);
      const { detail } = (await r.json()) as Problem;
      expect(detail).to.equal(`the body is JSON ${what}, not an object: send one command {type, data}`);
    }
    const malformed = await postCommand('{"type":');
    expect(malformed.status).to.equal(400);
    expect(((await malformed.json()) as Problem).detail).to.match(/not valid JSON/);
  });

  it('trusts no proxy by default: X-Forwarded-For from the same host does not buy a bucket (COMMAND_TRUST_PROXY)', async () => {
    const limited = await startCommandService(
      config({ COMMAND_RATE_LIMIT_RPS: '1', COMMAND_RATE_LIMIT_BURST: '2' }),
    );
    const trusting = await startCommandService(
      config({ COMMAND_RATE_LIMIT_RPS: '1', COMMAND_RATE_LIMIT_BURST: '2', COMMAND_TRUST_PROXY: 'loopback' }),
    );
    try {
      const spoof = (url: string, i: number) =>
        fetch(`${url}/api/v1/commands`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` },
          body: '{}',
        });
      const statuses = async (url: string) => {
        const out: number[] = [];
        for (let i = 0; i < 5; i++) out.push((await spoof(url, i)).status);
        return out;
      };
      // Unauthenticated requests are charged to the address; a made-up forwarded address is ignored.
      expect(await statuses(limited.url)).to.include(429);
      // Behind a proxy on the loopback, each forwarded client has a bucket of its own.
      expect(await statuses(trusting.url)).to.deep.equal([401, 401, 401, 401, 401]);
    } finally {
      await limited.stop();
      await trusting.stop();
    }
  });

  it('documents the rate limit (429, Retry-After), 405 with Allow and the X-API-Key header in its OpenAPI', async () => {
    type Op = { security: Record<string, unknown>[]; responses: Record<string, { headers?: object }> };
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Op>>;
      components: { securitySchemes: Record<string, { in?: string; name?: string }> };
    };
    const scheme = Object.entries(doc.components.securitySchemes).find(([, s]) => s.in === 'header');
    expect(scheme?.[1].name).to.equal('X-API-Key');
    for (const path of ['/api/v1/commands', '/api/v1/ingest']) {
      const op = doc.paths[path]!.post!;
      expect(op.responses['429']?.headers, path).to.have.property('Retry-After');
      expect(op.responses['405']?.headers, path).to.have.property('Allow');
      expect(op.security.map((s) => Object.keys(s)[0])).to.include(scheme![0]);
    }
    // The ingest's 503 no longer claims that nothing was accepted: earlier chunks were.
    const ingest503 = JSON.stringify(doc.paths['/api/v1/ingest']!.post!.responses['503']);
    expect(ingest503).not.to.include('nothing was accepted');
  });
});
