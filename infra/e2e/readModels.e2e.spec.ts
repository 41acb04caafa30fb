import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import type pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool } from '../kernel/db.ts';
import { eventually } from '../testing/eventually.ts';
import { dataPath } from '../testing/realData.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { usBillCommand, usVoteCommand } from '../testing/usEvents.ts';

type Json = any;

const ROLL_CALLS = ['2021/h48', '2021/h49', '2021/h72', '2021/s419', '2021/h1'];
const HJRES = readdirSync(dataPath('us/117/bills/hjres')).sort();

describe('read models on real data: member percentages, the dashboard, pagination while data arrives', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let stack: Stack;
  let key: string;

  const post = async (commands: unknown[]) => {
    const r = await fetch(`${stack.commandUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
      body: `${commands.map((c) => JSON.stringify(c)).join('\n')}\n`,
    });
    expect(r.status).to.equal(202);
  };
  const get = async (path: string): Promise<Json> => {
    const r = await fetch(`${stack.queryUrl}${path}`);
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    return r.json();
  };

  before(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'e2e-read-models' });
    stack = await startStack({
      databaseUrl: db.url,
      env: { VIEW_REFRESH_DEBOUNCE_MS: '100', VIEW_REFRESH_MAX_DELAY_MS: '500' },
    });
    key = (await createApiKey(admin, 'read models e2e', ['write'])).key;
    await post([...ROLL_CALLS.map(usVoteCommand), usBillCommand('hr/hr1319')]);
  });
  after(async () => {
    await stack?.stop();
    await admin?.end();
    await db?.drop();
  });

  it("computes Golden's missed-vote and with-party percentages over four known roll calls", async () => {
    // Counted in the files: h48 Nay with the Democratic majority, h49 and h72 Nay against it, h1 Present.
    const golden = await eventually(async () => {
      const m = await get('/api/v1/members/us-G000592');
      return m.stats.rollCalls === 4 ? m : undefined;
    }, 30_000);
    expect(golden.stats).to.include({
      votesCast: 4,
      missedPct: 0,
      withParty: 1,
      againstParty: 2,
      withPartyPct: 33.33,
    });
    expect(golden.recentDissents.map((d: Json) => d.voteId)).to.deep.equal([
      'us-117-2021-h72',
      'us-117-2021-h49',
    ]);
    const record = await get('/api/v1/members/us-G000592/votes?limit=3');
    expect(record.items.map((i: Json) => i.vote.id)).to.deep.equal([
      'us-117-2021-h72',
      'us-117-2021-h49',
      'us-117-2021-h48',
    ]);
    expect(record.items.map((i: Json) => i.withParty)).to.deep.equal([false, false, true]);
    const rest = await get(`/api/v1/members/us-G000592/votes?limit=3&cursor=${record.nextCursor}`);
    expect(rest.items.map((i: Json) => i.vote.id)).to.deep.equal(['us-117-2021-h1']);
    expect(rest.nextCursor).to.equal(null);
  });

  it('serves the dashboard counts computed by hand from the five roll calls', async () => {
    const dash = await eventually(async () => {
      const d = await get('/api/v1/dashboard/summary');
      return d.votes.total === 5 && d.bills === 1 ? d : undefined;
    }, 30_000);
    expect(dash.billsByStatus).to.deep.equal({ enacted: 1 });
    // |yea - nay|: s419 1, h49 7, h72 9, h48 13; the quorum call h1 has no yea or nay and is left out.
    expect(dash.closestVotes.map((v: Json) => v.id)).to.deep.equal([
      'us-117-2021-s419',
      'us-117-2021-h49',
      'us-117-2021-h72',
      'us-117-2021-h48',
    ]);
    expect(dash.topDissenters.map((d: Json) => [d.memberId, d.againstParty])).to.deep.equal([
      ['us-G000592', 2],
      ['us-S001180', 1],
    ]);
    // With/against the party majority over yea/nay ballots: D 705/3, R 675/0, I 2/0.
    const unity = Object.fromEntries(
      dash.partyUnity.map((p: Json) => [p.party, [p.withParty, p.againstParty, p.unityPct]]),
    );
    expect(unity).to.deep.equal({ D: [705, 3, 99.58], R: [675, 0, 100], I: [2, 0, 100] });
  });

  it('pages the bill list without skipping or repeating while new bills arrive between pages', async () => {
    const firstHalf = HJRES.slice(0, 50).map((b) => usBillCommand(`hjres/${b}`));
    const secondHalf = HJRES.slice(50).map((b) => usBillCommand(`hjres/${b}`));
    await post(firstHalf);
    const before = await eventually(async () => {
      const n = (await admin.query('SELECT count(*)::int AS n FROM rm.bills WHERE NOT stub')).rows[0].n;
      return n === 51 ? n : undefined;
    }, 30_000);
    const existing = new Set(
      (await admin.query<{ id: string }>('SELECT id FROM rm.bills WHERE NOT stub')).rows.map((r) => r.id),
    );
    expect(before).to.equal(51);

    const seen: string[] = [];
    let page = await get('/api/v1/bills?limit=7&sort=introduced');
    let arrivals = 0;
    while (page) {
      seen.push(...page.items.map((i: Json) => i.id));
      // Land a slice of the other bills between page reads.
      if (arrivals < secondHalf.length) {
        await post(secondHalf.slice(arrivals, arrivals + 8));
        arrivals += 8;
      }
      page = page.nextCursor
        ? await get(`/api/v1/bills?limit=7&sort=introduced&cursor=${page.nextCursor}`)
        : null;
    }
    expect(new Set(seen).size).to.equal(seen.length);
    expect([...existing].filter((id) => !seen.includes(id))).to.deep.equal([]);
  });
});
