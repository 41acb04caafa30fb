import { expect } from 'chai';
import { parseChange } from './changes.ts';

const tags = (payload: unknown) => {
  const c = parseChange(JSON.stringify(payload));
  return c.all ? 'all' : [...c.tags].sort();
};

describe('change notification -> cache tags', () => {
  it('names each row, the list of each kind that changed, and the dashboard', () => {
    expect(
      tags({ position: '7', votes: ['v1'], bills: ['b1'], members: ['us-lis-S354', 'us-B001230'] }),
    ).to.deep.equal([
      'bill:b1',
      'bills',
      'dashboard',
      'member:us-B001230',
      'member:us-lis-S354',
      'members',
      'vote:v1',
      'votes',
    ]);
    expect(parseChange('{"position":"7","votes":[],"bills":["b"],"members":[]}').position).to.equal('7');
  });

  it('touches nothing for a batch that changed no row', () => {
    expect(tags({ position: '8', votes: [], bills: [], members: [] })).to.deep.equal([]);
  });

  it('turns a view refresh into the dashboard tag, without moving the position', () => {
    const c = parseChange(JSON.stringify({ position: '9', views: ['bill_summary_mv', 'dashboard_mv'] }));
    expect(c.position).to.equal(null);
    expect(tags({ position: '9', views: ['dashboard_mv'] })).to.deep.equal([
      'dashboard',
      'view:dashboard_mv',
    ]);
  });

  it('reads all:true, and anything it cannot read, as everything', () => {
    expect(parseChange('{"position":"10","all":true}')).to.deep.equal({ position: '10', all: true });
    expect(parseChange('not json')).to.deep.equal({ position: null, all: true });
    expect(parseChange(undefined)).to.deep.equal({ position: null, all: true });
    expect(parseChange('{"position":"11","votes":"oops"}')).to.deep.equal({ position: null, all: true });
  });
});
