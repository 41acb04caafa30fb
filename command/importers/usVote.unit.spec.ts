import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { RecordVote, voteBillId, voteStreamId } from '../vote/vote.ts';
import { parseUsVote, type UsVoteJson } from './usVote.ts';

const DATA = new URL('../../../shared/data/', import.meta.url);
const vote = (path: string) =>
  RecordVote.parse(parseUsVote(JSON.parse(readFileSync(new URL(path, DATA), 'utf8')) as UsVoteJson)).data;

// Counts checked with python3: {k: len(v) for k, v in json.load(...)['votes'].items()}.
describe('parseUsVote (unitedstates/congress data.json -> RecordVote)', () => {
  it('reads House roll 49 of 2021 (H.R. 1319): 219 yea, 212 nay, 1 not voting', () => {
    const v = vote('us/117/votes/2021/h49/data.json');
    expect(voteStreamId(v)).to.equal('us-117-2021-h49');
    expect(voteBillId(v)).to.equal('us-117-hr-1319');
    expect([v.chamber, v.year, v.date, v.result]).to.deep.equal([
      'lower',
      2021,
      '2021-02-27T02:01:00-05:00',
      'Passed',
    ]);
    const classes: Record<string, number> = {};
    for (const b of v.ballots) classes[b.positionClass] = (classes[b.positionClass] ?? 0) + 1;
    expect(classes).to.deep.equal({ nay: 212, not_voting: 1, yea: 219 });
    expect(v.ballots.every((b) => b.voter.scheme === 'bioguide')).to.equal(true);
    expect(v.ballotsComplete).to.equal(true);
  });

  it("records the Vice President's tie-break on Senate vote 325 of 2022 (H.R. 5376) as an office ballot", () => {
    const v = vote('us/117/votes/2022/s325/data.json');
    expect(v.ballots).to.have.length(101);
    expect(v.ballots.filter((b) => b.voter.scheme === 'lis')).to.have.length(100);
    expect(v.ballots.find((b) => b.voter.scheme === 'office')).to.deep.equal({
      voter: { scheme: 'office', id: 'VP' },
      name: 'Vice President',
      party: null,
      region: null,
      position: 'Yea',
      positionClass: 'yea',
    });
  });
});

describe('parseUsVote on a broken record: refused with the field, never coerced into another roll call', () => {
  const h49 = () => JSON.parse(readFileSync(new URL('us/117/votes/2021/h49/data.json', DATA), 'utf8'));
  const refusal = (change: (j: Record<string, unknown>) => void) => {
    const j = h49();
    change(j);
    try {
      RecordVote.parse(parseUsVote(j as UsVoteJson));
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };

  it('names the field that identifies the roll call', () => {
    expect(refusal((j) => (j.number = true))).to.equal('number: expected a whole number, got true');
    expect(refusal((j) => (j.session = ['2021']))).to.equal('session: expected a whole number, got ["2021"]');
    expect(refusal((j) => (j.chamber = 'x'))).to.equal('chamber: expected "h" or "s", got "x"');
    expect(refusal((j) => ((j.bill as { number: unknown }).number = null))).to.equal(
      'bill.number: expected a whole number, got null',
    );
  });

  it('names the position whose voters are not a list, and the voter without an id', () => {
    expect(refusal((j) => ((j.votes as Record<string, unknown>).Yea = null))).to.equal(
      'votes.Yea: expected a list of voters',
    );
    expect(refusal((j) => ((j.votes as Record<string, unknown[]>).Nay![3] = { name: 'x' }))).to.equal(
      'votes.Nay[3]: expected a voter with an id (or "VP")',
    );
  });

  it('still reads numbers written as digits', () => {
    expect(refusal((j) => (j.number = '49'))).to.equal('accepted');
  });
});
