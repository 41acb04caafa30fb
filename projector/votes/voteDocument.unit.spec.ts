import { expect } from 'chai';
import type { KeyedBallot, VoteMeta } from './voteDocument.ts';
import { voteDocument } from './voteDocument.ts';

const meta = (over: Partial<VoteMeta>): VoteMeta => ({
  jurisdiction: 'ca',
  session: '44-1',
  chamber: 'lower',
  chamberName: 'House of Commons',
  number: 881,
  year: null,
  date: '2024-06-19T15:00:00-04:00',
  question: 'Motion',
  subject: null,
  category: null,
  voteType: null,
  result: 'Agreed To',
  requires: null,
  bill: null,
  nomination: null,
  reportedTotals: { yea: 173, nay: 147, paired: 4 },
  ballotsComplete: false,
  sourceUrl: null,
  voteId: 'ca-44-1-h881',
  billId: null,
  ...over,
});
const ballot = (voter: string, positionClass: KeyedBallot['positionClass']): KeyedBallot => ({
  voter,
  name: voter,
  party: 'Liberal',
  region: null,
  position: positionClass,
  positionClass,
});

describe('voteDocument totals', () => {
  it('takes the reported totals of a roll whose ballots arrive one member at a time, and counts the ballots apart', () => {
    const d = voteDocument(meta({}), [ballot('ca-1', 'yea')]);
    expect(d.document.totals).to.deep.equal({
      yea: 173,
      nay: 147,
      present: 0,
      not_voting: 0,
      paired: 4,
      other: 0,
    });
    expect(d.margin).to.equal(26);
    expect(d.document.margin).to.equal(26);
    expect(d.listItem.totals).to.deep.equal(d.document.totals);
    expect(d.document.totalsFrom).to.equal('reported');
    expect(d.document.ballotTotals).to.deep.equal({
      yea: 1,
      nay: 0,
      present: 0,
      not_voting: 0,
      paired: 0,
      other: 0,
    });
  });

  it('counts a complete roll from its ballots, whatever was reported', () => {
    const d = voteDocument(meta({ ballotsComplete: true }), [
      ballot('ca-1', 'yea'),
      ballot('ca-2', 'nay'),
      ballot('ca-3', 'nay'),
    ]);
    expect(d.document.totals).to.include({ yea: 1, nay: 2 });
    expect(d.margin).to.equal(-1);
    expect(d.document.totalsFrom).to.equal('ballots');
  });

  it('counts the ballots when nothing (or no yea and nay) was reported', () => {
    for (const reportedTotals of [null, { paired: 4 }]) {
      const d = voteDocument(meta({ reportedTotals }), [ballot('ca-1', 'yea')]);
      expect(d.document.totals).to.include({ yea: 1, nay: 0, paired: 0 });
      expect(d.document.totalsFrom).to.equal('ballots');
    }
  });
});

describe('voteDocument positions', () => {
  it('lists the positions in one order whatever order the ballots were read in', () => {
    const ballots = [
      ballot('ca-1', 'nay'),
      ballot('ca-2', 'yea'),
      ballot('ca-3', 'not_voting'),
      ballot('ca-4', 'yea'),
    ];
    const orders = [ballots, [...ballots].reverse(), [ballots[2]!, ballots[0]!, ballots[3]!, ballots[1]!]];
    const bodies = orders.map((b) =>
      JSON.stringify(voteDocument(meta({ ballotsComplete: true }), b).document.positions),
    );
    expect(new Set(bodies).size).to.equal(1);
    expect(bodies[0]).to.equal('{"yea":2,"nay":1,"not_voting":1}');
  });
});
