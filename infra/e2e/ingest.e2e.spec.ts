import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool } from '../kernel/db.ts';
import { runProcess } from '../kernel/runProcess.ts';
import { eventually } from '../testing/eventually.ts';
import { dataPath } from '../testing/realData.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs `openpolicy ingest` as a user would, against the running command service. */
const ingest = (args: string[], env: NodeJS.ProcessEnv) =>
  runProcess(`${ROOT}node_modules/.bin/tsx`, ['infra/bin/openpolicy.ts', 'ingest', ...args], {
    cwd: ROOT,
    env,
  });

type Json = any;

describe('ingest real source files through the CLI and the running services', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let paths: string[];
  let first: { code: number; stdout: string; stderr: string };

  const get = async (path: string): Promise<Json> => {
    const r = await fetch(`${stack.queryUrl}${path}`);
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    return r.json();
  };

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'e2e-ingest' });
    stack = await startStack({ databaseUrl: db.url });
    env = { OPENPOLICY_API_KEY: (await createApiKey(admin, 'ingest e2e', ['write'])).key };
    // Deliberately corrupted copies of real files: a roll call cut off mid-file, and a member's 832 Canadian
    // divisions with one record's subject left unclosed (its other 831 records repeat ca/raw: duplicates).
    dir = mkdtempSync(join(tmpdir(), 'op-ingest-'));
    const h1 = readFileSync(dataPath('us/117/votes/2021/h1/data.json'), 'utf8');
    writeFileSync(join(dir, 'data.json'), h1.slice(0, 5_000));
    const ca = readFileSync(dataPath('ca/raw/members/votes/votes_example.xml'), 'utf8');
    const fifth = ca.split('<MemberVote>', 5).join('<MemberVote>').length;
    const subject = ca.indexOf('</DecisionDivisionSubject>', fifth);
    writeFileSync(join(dir, 'votes.xml'), ca.slice(0, subject) + ca.slice(subject + 26));
    paths = [
      dataPath('us/legislators/legislators-current.yaml'),
      dataPath('us/117/votes/2021/h49'),
      dataPath('us/117/votes/2021/s419'),
      dataPath('us/117/bills/hr/hr1319'),
      dataPath('ca/raw'),
      join(dir, 'data.json'),
      join(dir, 'votes.xml'),
    ];
    first = await ingest(
      ['--url', stack.commandUrl, '--rejects', join(dir, 'rejects.ndjson'), ...paths],
      env,
    );
  });
  after(async () => {
    await stack?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('reports the corrupted file precisely, exits 1, and lands every good record', async () => {
    expect(first.code).to.equal(1);
    const rejects = readFileSync(join(dir, 'rejects.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).to.have.length(2);
    expect(rejects[0].file).to.equal(join(dir, 'data.json'));
    expect(rejects[0].reason).to.match(/JSON/i);
    // One record of the corrupted vote file, by its number and where it breaks; its 831 others were read.
    expect(rejects[1]).to.include({ file: join(dir, 'votes.xml') });
    expect(rejects[1].position).to.match(/^record 5 \(line 1, column \d+\)$/);
    expect(rejects[1].reason).to.match(/^invalid XML: Expected closing tag 'DecisionDivisionSubject'/);
    expect(first.stdout).to.match(/rejected 2\b/);
    const duplicates = /duplicates ([\d,]+)/.exec(first.stdout)?.[1] ?? '0';
    expect(Number(duplicates.replace(/,/g, ''))).to.be.at.least(831);
  });

  it('serves House roll 49 with the per-party counts in the source file', async () => {
    const vote = await eventually(() => get('/api/v1/votes/us-117-2021-h49'), 30_000);
    const d = vote.parties.find((p: Json) => p.party === 'D');
    expect(d.counts).to.include({ yea: 219, nay: 2 });
    expect(vote.parties.find((p: Json) => p.party === 'R').counts).to.include({ nay: 210, not_voting: 1 });
  });

  it("serves H.R. 1319 with its sponsor and status from the bill file, and both roll calls' links", async () => {
    const bill = await eventually(async () => {
      const b = await get('/api/v1/bills/us-117-hr-1319');
      return b.stub === false ? b : undefined;
    }, 30_000);
    expect(bill.sponsor).to.include({ name: 'Rep. Yarmuth, John A. [D-KY-3]' });
    expect(bill.status).to.equal('enacted');
    expect(bill.votes.map((v: Json) => v.id)).to.include('us-117-2021-h49');
  });

  it('finds a senator by LIS id and by bioguide id as the same member, with terms from the YAML', async () => {
    const byLis = await eventually(async () => {
      const m = await get('/api/v1/members/us-lis-S354');
      return m.stub === false && m.stats.rollCalls === 1 ? m : undefined;
    }, 30_000);
    expect(byLis.id).to.equal('us-B001230');
    expect(await get('/api/v1/members/us-B001230')).to.deep.equal(byLis);
    expect(byLis.name.full).to.match(/Baldwin/);
    expect(byLis.terms.length).to.be.greaterThan(5);
  });

  it('serves a Canadian division with the totals the House of Commons reported (881: 173 / 147 / 4 paired)', async () => {
    const vote = await eventually(() => get('/api/v1/votes/ca-44-1-h881'), 30_000);
    expect(vote.reportedTotals).to.deep.equal({ yea: 173, nay: 147, paired: 4 });
    expect(vote.chamberName).to.equal('House of Commons');
    // The sample holds one member's ballots: the division's totals and margin are the House's, not that ballot's.
    expect(vote.totals).to.include({ yea: 173, nay: 147, paired: 4 });
    expect(vote.margin).to.equal(26);
    expect(vote.totalsFrom).to.equal('reported');
    expect(Object.values(vote.ballotTotals as Record<string, number>).reduce((n, c) => n + c, 0)).to.equal(1);
    const list = await get('/api/v1/votes?session=44-1&limit=100');
    const item = list.items.find((v: { id: string }) => v.id === 'ca-44-1-h881');
    expect(item.totals).to.include({ yea: 173, nay: 147 });
    expect(item.margin).to.equal(26);
  });

  it("does not count a Canadian member's paired divisions as votes cast", async () => {
    const m = await eventually(async () => {
      const r = await get('/api/v1/members/ca-89156');
      return r.stats?.rollCalls === 832 ? r : undefined;
    }, 30_000);
    // votes_example.xml, counted by VoteValueName: 422 Yea, 387 Nay, 23 Paired.
    expect(m.stats).to.include({ yea: 422, nay: 387, paired: 23, votesCast: 809 });
  });

  it('counts a second run of the same paths as duplicates and changes no answer', async () => {
    const before = await Promise.all(
      ['/api/v1/votes/us-117-2021-h49', '/api/v1/members/us-B001230'].map(get),
    );
    const again = await ingest(['--url', stack.commandUrl, ...paths.slice(0, -2)], env);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.match(/accepted [\d,]+ \(duplicates [\d,]+\)/);
    const m = /accepted ([\d,]+) \(duplicates ([\d,]+)\)/.exec(again.stdout)!;
    expect(m[1]).to.equal(m[2]);
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await Promise.all(['/api/v1/votes/us-117-2021-h49', '/api/v1/members/us-B001230'].map(get));
    expect(after).to.deep.equal(before);
  });
});
