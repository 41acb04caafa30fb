import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Command } from '../../command/contract/commands.ts';
import { parseCaBillsXml } from '../../command/importers/caBills.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { dataPath } from '../../infra/testing/realData.ts';
import { asEvent, usBillCommand } from '../../infra/testing/usEvents.ts';
import { startTestQueryService } from '../../query/testService.ts';
import type { RawEvent } from '../runner/applyBatch.ts';
import { processBatch } from '../runner/processBatch.ts';

type Json = any;

// Real records through the importers, the projector and the query service, as `openpolicy ingest` lands them.
describe('bills as served: latest action and the legislature status wording (real Postgres)', () => {
  const t = useProjectorDatabase();
  let svc: Awaited<ReturnType<typeof startTestQueryService>>;
  const get = async (path: string): Promise<Json> => {
    const r = await fetch(`${svc.url}${path}`);
    expect(r.status, path).to.equal(200);
    return r.json();
  };

  before(async () => {
    // LEGISinfo's XML export: 7 bills of the 44th Parliament, 1st session (S-290 to S-288, C-415 to C-418).
    const ca = parseCaBillsXml(
      readFileSync(dataPath('ca/raw/bills/bills_recently_introduced.xml'), 'utf8'),
    ).map((p) => {
      if (!('command' in p)) throw new Error(`rejected: ${JSON.stringify(p)}`);
      return Command.parse(p.command);
    });
    const events = [usBillCommand('hr/hr5305'), ...ca].map(asEvent);
    const raws: RawEvent[] = events.map((e, i) => ({
      offset: i + 1,
      position: String(i + 1),
      payload: JSON.parse(JSON.stringify(e)),
    }));
    await processBatch(t.pool, { consumer: 'bills-test', source: 'postgres', partition: 0 }, raws, null);
    svc = await startTestQueryService(t.db.url, { REDIS_URL: '' });
  });
  after(async () => svc?.stop());

  it('serves H.R. 5305 with the source\'s <latestAction> "Became Public Law No: 117-43.", in detail and list', async () => {
    const bill = await get('/api/v1/bills/us-117-hr-5305');
    const latest = { date: '2021-09-30', text: 'Became Public Law No: 117-43.' };
    expect(bill.latestAction).to.deep.equal(latest);
    expect(bill.actions.at(-1)).to.include(latest);
    expect(bill.status).to.equal('enacted');
    expect(bill.statusText).to.equal(null);
    const list = await get('/api/v1/bills?session=117&sort=latest');
    expect(list.items.map((i: Json) => [i.id, i.latestAction, i.latestActionDate])).to.deep.equal([
      ['us-117-hr-5305', latest, '2021-09-30'],
    ]);
    const { rows } = await t.admin.query(
      `SELECT latest_action_date::text AS d, status FROM rm.bills WHERE id = 'us-117-hr-5305'`,
    );
    expect(rows).to.deep.equal([{ d: '2021-09-30', status: 'enacted' }]);
  });

  it("serves LEGISinfo's own status wording (StatusNameEn) next to the neutral status", async () => {
    const s290 = await get('/api/v1/bills/ca-44-1-s-290');
    expect([s290.status, s290.statusText]).to.deep.equal(['introduced', 'At second reading in the Senate']);
    const c417 = await get('/api/v1/bills/ca-44-1-c-417');
    expect([c417.status, c417.statusText]).to.deep.equal(['introduced', 'Outside the Order of Precedence']);
    const list = await get('/api/v1/bills?session=44-1&limit=100');
    const wording = Object.fromEntries(list.items.map((i: Json) => [i.id, i.statusText]));
    expect(wording).to.deep.equal({
      'ca-44-1-s-290': 'At second reading in the Senate',
      'ca-44-1-s-289': 'At second reading in the Senate',
      'ca-44-1-s-288': 'At second reading in the Senate',
      'ca-44-1-c-418': 'Outside the Order of Precedence',
      'ca-44-1-c-417': 'Outside the Order of Precedence',
      'ca-44-1-c-416': 'Outside the Order of Precedence',
      'ca-44-1-c-415': 'Outside the Order of Precedence',
    });
  });
});
