import http from 'node:http';
import { expect } from 'chai';
import pg from 'pg';
import { smallVoteCommand } from '../infra/testing/smallVote.ts';
import { createTestDatabase, type TestDatabase } from '../infra/testing/testDatabase.ts';
import { createApiKey } from './auth/apiKeys.ts';
import { loadCommandConfig } from './config.ts';
import { startCommandService } from './index.ts';

/** A small roll call, as the body of a request; `n` makes each one a different event. */
const vote = (n: number) => JSON.stringify(smallVoteCommand(n));

type Answer = { status: number; connection: string | undefined } | { error: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves true when `p` settles within `ms`. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), sleep(ms).then(() => false)]);

describe('command service stop() during traffic (real Postgres behind it)', () => {
  let db: TestDatabase;
  let key: string;
  const agents: http.Agent[] = [];

  before(async () => {
    db = await createTestDatabase();
    const admin = new pg.Pool({ connectionString: db.url, max: 1 });
    key = (await createApiKey(admin, 'shutdown', ['write'])).key;
    await admin.end();
  });
  after(async () => {
    for (const a of agents) a.destroy();
    await db?.drop();
  });

  const start = (shutdownGraceMs?: number) =>
    startCommandService(
      loadCommandConfig({
        DATABASE_URL: db.url,
        COMMAND_PORT: '0',
        LOG_LEVEL: 'silent',
        COMMAND_RATE_LIMIT_RPS: '0',
      }),
      shutdownGraceMs ? { shutdownGraceMs } : {},
    );
  const request = (url: string, path: string, type: string, agent: http.Agent | false) => {
    const u = new URL(url);
    return http.request({
      host: u.hostname,
      port: u.port,
      path,
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${key}`, 'content-type': type },
    });
  };
  const answer = (req: http.ClientRequest) =>
    new Promise<Answer>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      });
      req.on('error', (err: Error & { code?: string }) => resolve({ error: err.code ?? err.message }));
    });

  it('finishes while a client keeps one kept-alive connection busy, answering what is in flight', async () => {
    const svc = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    // A client posting back to back on one kept-alive connection, until the service lets go of it.
    const answers: Answer[] = [];
    let stopped = false;
    const loop = (async () => {
      for (let i = 0; i < 500 && !stopped; i++) {
        const req = request(svc.url, '/api/v1/commands', 'application/json', agent);
        req.end(vote(100 + i));
        const a = await answer(req);
        answers.push(a);
        if ('error' in a) return;
        await sleep(20);
      }
    })();
    // An NDJSON ingest still being sent when the stop begins, on a kept-alive connection of its own: its answer
    // closes the connection.
    const slowAgent = new http.Agent({ keepAlive: true });
    agents.push(slowAgent);
    const slow = request(svc.url, '/api/v1/ingest', 'application/x-ndjson', slowAgent);
    const slowAnswer = answer(slow);
    slow.write(`${vote(1)}\n`);
    await sleep(300);

    const stop = svc.stop();
    await sleep(300);
    slow.end(`${vote(2)}\n`);
    // The default grace is 10 s: finishing well before it means the connections were let go, not cut.
    const finished = await within(stop, 3_000);
    stopped = true;
    await loop;
    if (!finished) {
      agent.destroy();
      await stop;
    }
    expect(finished, 'stop() finished within 3 s').to.equal(true);
    expect(await slowAnswer).to.deep.equal({ status: 202, connection: 'close' });
    // Every request was answered 202 until the connection went (closed by the service as the stop began, or
    // after an answer that said `Connection: close`); the next one found no service to connect to, or, when it
    // was sent the moment the service closed the idle connection, a reset (the race of every kept-alive client).
    const served = answers.slice(0, -1);
    expect(served.length).to.be.at.least(5);
    expect(served.every((a) => 'status' in a && a.status === 202)).to.equal(true);
    expect((answers.at(-1) as { error?: string }).error).to.be.oneOf(['ECONNREFUSED', 'ECONNRESET']);
  });

  it('cuts a request that is still in flight when the grace period is over', async () => {
    const svc = await start(1_000);
    const hung = request(svc.url, '/api/v1/ingest', 'application/x-ndjson', false);
    const hungAnswer = answer(hung);
    hung.write(`${vote(3)}\n`);
    await sleep(200);
    const started = Date.now();
    const stop = svc.stop();
    const finished = await within(stop, 3_000);
    if (!finished) {
      hung.destroy();
      await stop;
    }
    expect(finished, 'stop() finished within 3 s').to.equal(true);
    expect(Date.now() - started).to.be.at.least(900);
    expect(await hungAnswer).to.have.property('error');
  });
});
