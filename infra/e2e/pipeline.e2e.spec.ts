import { expect } from 'chai';
import type pg from 'pg';
import { createApiKey, revokeApiKey } from '../../command/auth/apiKeys.ts';
import { createPgPool } from '../kernel/db.ts';
import { eventually } from '../testing/eventually.ts';
import { requireKafka, TEST_KAFKA_BROKERS, uniqueName } from '../testing/kafka.ts';
import { type Stack, startStack } from '../testing/stack.ts';
import { createTestDatabase, type TestDatabase } from '../testing/testDatabase.ts';
import { usBillCommand, usVoteCommand } from '../testing/usEvents.ts';

// Tammy Baldwin as in us/legislators/legislators-current.csv (row 21): bioguide B001230, LIS S354.
const BALDWIN = {
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

/** Test-side JSON: documents are asserted field by field, so a loose type reads best here. */
type Json = any;
const json = async (r: Response): Promise<Json> => r.json();

const ndjson = (lines: unknown[]) =>
  `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;

for (const kind of ['postgres', 'kafka'] as const) {
  describe(`end to end over HTTP, ${kind} event log`, function () {
    this.timeout(120_000);
    let db: TestDatabase;
    let admin: pg.Pool;
    let stack: Stack;
    let writeKey: string;
    let readOnlyKey: string;

    const post = (
      path: string,
      body: string,
      headers: Record<string, string> = {},
      key: string | null = writeKey,
    ) =>
      fetch(`${stack.commandUrl}${path}`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
      });
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${stack.queryUrl}${path}`, { headers });
    const getJson = async (path: string) => {
      const r = await get(path);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return json(r);
    };
    /** Polls the query API until the document satisfies `ready`. */
    const until = (path: string, ready: (doc: Json) => boolean): Promise<Json> =>
      eventually(async () => {
        const r = await get(path);
        if (r.status !== 200) return undefined;
        const doc = await json(r);
        return ready(doc) ? doc : undefined;
      }, 45_000);

    before(async function () {
      if (kind === 'kafka') await requireKafka(this);
      db = await createTestDatabase();
      admin = createPgPool({ connectionString: db.url, applicationName: 'e2e' });
      writeKey = (await createApiKey(admin, 'e2e writer', ['write'])).key;
      readOnlyKey = (await createApiKey(admin, 'e2e reader', ['read'])).key;
      stack = await startStack({
        databaseUrl: db.url,
        ...(kind === 'kafka'
          ? {
              kafka: {
                brokers: TEST_KAFKA_BROKERS,
                topic: uniqueName('op-e2e'),
                group: uniqueName('op-e2e'),
              },
            }
          : {}),
      });
    });
    after(async () => {
      await stack?.stop();
      await admin?.end();
      await db?.drop();
    });

    it('accepts one command with 202, its event id and log position', async () => {
      const r = await post('/api/v1/commands', JSON.stringify(usVoteCommand('2021/h49')));
      expect(r.status).to.equal(202);
      const body = await json(r);
      expect(body.events[0]).to.include({ streamId: 'us-117-2021-h49', duplicate: false });
      expect(body.events[0].position).to.match(kind === 'kafka' ? /^\d+:\d+$/ : /^\d+$/);
    });

    it('ingests an NDJSON stream, landing good lines and naming the bad one', async () => {
      const r = await post(
        '/api/v1/ingest',
        ndjson([
          usVoteCommand('2021/h48'),
          '{"type":"RecordVote","data":{"jurisdiction":"xx"}}',
          usVoteCommand('2021/s419'),
          BALDWIN,
          usBillCommand('hr/hr1319'),
        ]),
        { 'content-type': 'application/x-ndjson' },
      );
      expect(r.status).to.equal(202);
      const body = await json(r);
      expect(body.accepted).to.equal(4);
      expect(body.rejected).to.have.length(1);
      expect(body.rejected[0].line).to.equal(2);
      expect(body.rejected[0].errors.map((e: { path: string }) => e.path)).to.include('data.jurisdiction');
      expect(body.events.map((e: { line: number }) => e.line)).to.deep.equal([1, 3, 4, 5]);
    });

    it('serves the exact per-party counts and dissenters of House roll 49 (2021)', async () => {
      const vote = await until('/api/v1/votes/us-117-2021-h49', () => true);
      expect(vote.totals).to.include({ yea: 219, nay: 212, not_voting: 1 });
      const parties = vote.parties as { party: string; counts: Record<string, number>; majority: string }[];
      expect(parties.find((p) => p.party === 'D')).to.deep.include({ majority: 'yea' });
      expect(parties.find((p) => p.party === 'D')!.counts).to.include({ yea: 219, nay: 2 });
      expect(parties.find((p) => p.party === 'R')!.counts).to.include({ nay: 210, not_voting: 1 });
      const dissent = vote.dissenters as { memberId: string; name: string; position: string }[];
      expect(dissent.map((d) => `${d.name}:${d.position}`).sort()).to.deep.equal([
        'Golden:Nay',
        'Schrader:Nay',
      ]);
    });

    it("resolves a senator's LIS id and bioguide id to one member with counters", async () => {
      // Baldwin voted Yea on Senate roll 419 (2021), the 50-50 nomination the Vice President broke.
      const byLis = await until(
        '/api/v1/members/us-lis-S354',
        (d) => d.stub === false && (d.stats as { rollCalls: number }).rollCalls === 1,
      );
      const byBioguide = await getJson('/api/v1/members/us-B001230');
      expect(byLis).to.deep.equal(byBioguide);
      expect(byLis.id).to.equal('us-B001230');
      expect(byLis.stats).to.include({ rollCalls: 1, yea: 1, withParty: 1, missedPct: 0 });
    });

    it('links both roll calls to the H.R. 1319 bill and pages the bill list without repeats', async () => {
      // hr1319/fdsys_billstatus.xml: sponsor Y000062 (Yarmuth), Public Law 117-2.
      const bill = await until('/api/v1/bills/us-117-hr-1319', (d) => d.voteCount === 2 && d.stub === false);
      expect(bill).to.include({ title: 'American Rescue Plan Act of 2021', status: 'enacted' });
      expect(bill.sponsor.ref).to.deep.equal({ scheme: 'bioguide', id: 'Y000062' });
      expect(bill.laws).to.deep.equal([{ type: 'Public Law', number: '117-2' }]);
      expect((bill.votes as { id: string }[]).map((v) => v.id)).to.deep.equal([
        'us-117-2021-h48',
        'us-117-2021-h49',
      ]);
      const first = await getJson('/api/v1/bills?limit=1');
      expect(first.items).to.have.length(1);
      const seen = new Set<string>();
      let page = first;
      for (let i = 0; i < 10 && page; i++) {
        for (const item of page.items as { id: string }[]) {
          expect(seen.has(item.id)).to.equal(false);
          seen.add(item.id);
        }
        page = page.nextCursor ? await getJson(`/api/v1/bills?limit=1&cursor=${page.nextCursor}`) : null;
      }
      const total = (await admin.query('SELECT count(*)::int AS n FROM rm.bills WHERE NOT stub')).rows[0].n;
      expect(seen.size).to.equal(total);
    });

    it('answers 304 to a matching If-None-Match', async () => {
      const r = await get('/api/v1/votes/us-117-2021-h49');
      const etag = r.headers.get('etag')!;
      expect((await get('/api/v1/votes/us-117-2021-h49', { 'if-none-match': etag })).status).to.equal(304);
    });

    it('treats re-ingesting the same records as duplicates and changes no answer', async () => {
      // Member documents follow their votes by a render: wait for both roll calls ingested above (Golden,
      // G000592, voted Nay in h48 and h49; checked in the two files) before taking the reference.
      await until('/api/v1/members/us-G000592', (d) => (d.stats as { rollCalls: number }).rollCalls === 2);
      const before = await (await get('/api/v1/members/us-G000592')).text();
      const r = await post('/api/v1/ingest', ndjson([usVoteCommand('2021/h49'), usVoteCommand('2021/h48')]), {
        'content-type': 'application/x-ndjson',
      });
      expect(await json(r)).to.include({ accepted: 2, duplicates: 2 });
      await new Promise((res) => setTimeout(res, 1_000));
      expect(await (await get('/api/v1/members/us-G000592')).text()).to.equal(before);
    });

    it('refuses bad input with a precise problem+json', async () => {
      const bad = usVoteCommand('2021/h1') as {
        data: { ballots: { positionClass: string }[]; date: string };
      };
      bad.data.ballots[3]!.positionClass = 'maybe';
      bad.data.date = 'yesterday';
      const r = await post('/api/v1/commands', JSON.stringify(bad));
      expect(r.status).to.equal(422);
      expect(r.headers.get('content-type')).to.match(/^application\/problem\+json/);
      const problem = await json(r);
      expect(problem.errors.map((e: { path: string }) => e.path).sort()).to.deep.equal([
        'data.ballots.3.positionClass',
        'data.date',
      ]);
      const malformed = await post('/api/v1/commands', '{"type":');
      expect(malformed.status).to.equal(400);
      const unknown = await get('/api/v1/votes/us-117-2021-h99999');
      expect(unknown.status).to.equal(404);
      expect(unknown.headers.get('content-type')).to.match(/^application\/problem\+json/);
    });

    it('refuses writes without a key, with a read-only key and with a revoked key', async () => {
      const body = JSON.stringify(usVoteCommand('2021/h1'));
      expect((await post('/api/v1/commands', body, {}, null)).status).to.equal(401);
      expect(
        (
          await post(
            '/api/v1/commands',
            body,
            {},
            'op_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          )
        ).status,
      ).to.equal(401);
      expect((await post('/api/v1/commands', body, {}, readOnlyKey)).status).to.equal(403);
      const { id, key } = await createApiKey(admin, 'short-lived', ['write']);
      expect((await post('/api/v1/commands', body, {}, key)).status).to.equal(202);
      await revokeApiKey(admin, id);
      expect((await post('/api/v1/commands', body, {}, key)).status).to.equal(401);
      expect(
        (await fetch(`${stack.commandUrl}/api/v1/events/00000000-0000-4000-8000-000000000000`)).status,
      ).to.equal(401);
    });
  });
}
