import { expect } from 'chai';
import { projectUsVotes } from '../../infra/testing/projectUsVotes.ts';
import { useQueryService } from '../../infra/testing/queryService.ts';

// House roll calls of December 2021 (source dates, Eastern time): h402 19:05 to h405 21:51 on the 7th, which in UTC
// are on the 8th; h406 17:54 on the 8th.
const EVENING_OF_7TH = ['us-117-2021-h402', 'us-117-2021-h403', 'us-117-2021-h404', 'us-117-2021-h405'];

describe('vote date filters: the day the vote was held, in the legislature own time', function () {
  this.timeout(120_000);
  const t = useQueryService((admin, url) =>
    projectUsVotes(admin, url, ['2021/h402', '2021/h403', '2021/h404', '2021/h405', '2021/h406']),
  );
  type Page = { items?: { id: string }[]; hits?: { id: string }[] };
  const get = async (path: string) => {
    const r = await fetch(`${t.url}${path}`);
    expect(r.status, await r.clone().text()).to.equal(200);
    return (await r.json()) as Page;
  };
  const ids = (page: Page) => (page.items ?? page.hits ?? []).map((v) => v.id).sort();

  it('lists an evening vote on the day it was held, not on the UTC day', async () => {
    expect(ids(await get('/api/v1/votes?from=2021-12-07&to=2021-12-07'))).to.deep.equal(EVENING_OF_7TH);
    expect(ids(await get('/api/v1/votes?from=2021-12-08&to=2021-12-08'))).to.deep.equal(['us-117-2021-h406']);
    expect(ids(await get('/api/v1/votes?from=2021-12-08'))).to.deep.equal(['us-117-2021-h406']);
    expect(ids(await get('/api/v1/votes?to=2021-12-07'))).to.deep.equal(EVENING_OF_7TH);
  });

  it('filters vote search by the same day', async () => {
    expect(ids(await get('/api/v1/votes/search?from=2021-12-07&to=2021-12-07&limit=50'))).to.deep.equal(
      EVENING_OF_7TH,
    );
    const eighth = ids(await get('/api/v1/votes/search?q=passage&from=2021-12-08&to=2021-12-08'));
    const seventh = ids(await get('/api/v1/votes/search?q=passage&from=2021-12-07&to=2021-12-07'));
    expect(seventh).to.include('us-117-2021-h405').and.not.include('us-117-2021-h406');
    expect(eighth).to.not.include('us-117-2021-h405');
  });

  it('keeps the day the source wrote in rm.votes.vote_date', async () => {
    const { rows } = await t.admin.query<{ id: string; day: string }>(
      `SELECT id, vote_date::text AS day FROM rm.votes ORDER BY id`,
    );
    expect(rows.map((r) => `${r.id} ${r.day}`)).to.deep.equal([
      ...EVENING_OF_7TH.map((id) => `${id} 2021-12-07`),
      'us-117-2021-h406 2021-12-08',
    ]);
  });
});
