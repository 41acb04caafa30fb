import { expect } from 'chai';
import { projectEvents, projectUsVotes } from '../../infra/testing/projectUsVotes.ts';
import { useQueryService } from '../../infra/testing/queryService.ts';
import { asEvent, usBillCommands, usLegislatorCommand } from '../../infra/testing/usEvents.ts';

/** List parameters a client can get wrong: each is a 400 naming the parameter, never a silently different page. */
describe('list and search parameters: precise 400s, aliases as /members takes them', function () {
  this.timeout(120_000);
  const t = useQueryService(async (admin, url) => {
    await projectEvents(
      admin,
      url,
      [...usBillCommands(), usLegislatorCommand('K000367')].map((c) => asEvent(c)),
    );
    await projectUsVotes(admin, url, ['2021/h48', '2021/h49']);
  });
  const request = async (path: string) => {
    const r = await fetch(`${t.url}${path}`);
    return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as any };
  };

  const refused = async (path: string, param: string) => {
    const r = await request(path);
    expect(r.status, path).to.equal(400);
    expect(r.type, path).to.match(/^application\/problem\+json/);
    expect(
      r.body.errors.map((e: { path: string }) => e.path),
      path,
    ).to.include(param);
    return r.body.errors as { path: string; message: string }[];
  };

  it('takes a page size only as digits', async () => {
    for (const path of [
      '/api/v1/bills',
      '/api/v1/votes',
      '/api/v1/bills/search',
      '/api/v1/members/us-P000197/votes',
    ])
      for (const limit of ['1e1', '0x10', '%201', '', '1.5', '-1'])
        await refused(`${path}?limit=${limit}`, 'limit');
    expect((await request('/api/v1/bills?limit=3')).body.items).to.have.length(3);
    expect((await request('/api/v1/bills')).body.items).to.have.length(20);
  });

  it('refuses a date range that ends before it starts', async () => {
    const errors = await refused(
      '/api/v1/bills?introducedFrom=2022-01-01&introducedTo=2021-01-01',
      'introducedTo',
    );
    expect(errors[0]!.message).to.match(/before introducedFrom/);
    await refused('/api/v1/votes?from=2021-12-09&to=2021-12-01', 'to');
    await refused(
      '/api/v1/bills/search?q=tax&introducedFrom=2022-01-01&introducedTo=2021-01-01',
      'introducedTo',
    );
    await refused('/api/v1/votes/search?from=2021-12-09&to=2021-12-01', 'to');
    expect((await request('/api/v1/votes?from=2021-01-01&to=2021-01-01')).status).to.equal(200);
  });

  it('refuses list parameters beside ids, naming each', async () => {
    const errors = await refused('/api/v1/bills?ids=us-117-hr-1319&status=introduced&cursor=xyz', 'status');
    expect(errors.map((e) => e.path).sort()).to.deep.equal(['cursor', 'status']);
    const ok = await request('/api/v1/bills?ids=us-117-hr-1319');
    expect(ok.body.items.map((b: { id: string }) => b.id)).to.deep.equal(['us-117-hr-1319']);
  });

  // Amy Klobuchar: bioguide K000367, LIS S311.
  it('filters bills by any id of their sponsor, as /members/:id resolves it', async () => {
    const byBioguide = await request('/api/v1/bills?sponsor=us-K000367&limit=100');
    expect(byBioguide.body.items.length).to.be.greaterThan(0);
    expect((await request('/api/v1/members/us-lis-S311')).body.id).to.equal('us-K000367');
    const byLis = await request('/api/v1/bills?sponsor=us-lis-S311&limit=100');
    expect(byLis.status).to.equal(200);
    expect(byLis.body.items).to.deep.equal(byBioguide.body.items);
  });
});
