import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { RecordVote, voteStreamId } from '../vote/vote.ts';
import { parseCaVotes } from './caVotes.ts';
import type { Parsed } from './parsed.ts';

const DATA = new URL('../../../shared/data/', import.meta.url);
const xml = readFileSync(new URL('ca/raw/members/votes/votes_example.xml', DATA), 'utf8');
const vote = (p: Parsed | undefined) => {
  if (!p || !('command' in p)) throw new Error(`expected a command, got ${JSON.stringify(p)}`);
  return RecordVote.parse(p.command).data;
};

// Facts checked with python3 xml.etree over <ArrayOfMemberVote>/<MemberVote> (counts with collections.Counter).
describe('parseCaVotes (ourcommons.ca member voting record XML -> RecordVote)', () => {
  const parsed = parseCaVotes(xml);

  it('makes one valid vote per division: 832, all 44th Parliament, 1st session', () => {
    expect(parsed).to.have.length(832);
    const votes = parsed.map(vote);
    expect(new Set(votes.map((v) => v.session))).to.deep.equal(new Set(['44-1']));
    expect(new Set(votes.map((v) => v.number)).size).to.equal(832);
  });

  it('reads division 881 (the first record) with its reported totals and the one ballot', () => {
    expect(parsed[0]?.position).to.equal('record 1 (division 881)');
    const v = vote(parsed[0]);
    expect(voteStreamId(v)).to.equal('ca-44-1-h881');
    expect(v).to.deep.include({
      jurisdiction: 'ca',
      chamber: 'lower',
      chamberName: 'House of Commons',
      number: 881,
      year: null,
      // Ottawa time in the file (no offset): 20:16 UTC.
      date: '2024-11-07T15:16:00-05:00',
      question: '20th report of the Standing Committee on Industry and Technology (main motion as amended)',
      category: 'Routine Proceedings',
      result: 'Agreed To',
      bill: null,
      reportedTotals: { yea: 173, nay: 147, paired: 4 },
      ballotsComplete: false,
    });
    expect(v.ballots).to.deep.equal([
      {
        voter: { scheme: 'ca-person', id: '89156' },
        name: 'Ziad Aboultaif',
        party: 'Conservative',
        region: 'Alberta',
        position: 'Yea',
        positionClass: 'yea',
      },
    ]);
  });

  it('links division 242 to Bill C-36 and follows VoteValueName (Nay) over the IsVotePaired flag', () => {
    const v = vote(parsed[613]);
    expect(parsed[613]?.position).to.equal('record 614 (division 242)');
    expect(v.bill).to.deep.equal({ session: '44-1', type: 'c', number: '36', title: null });
    expect(v.ballots[0]).to.include({ position: 'Nay', positionClass: 'nay' });
    expect(v.reportedTotals).to.deep.equal({ yea: 205, nay: 106, paired: 12 });
  });

  it('classes the 832 ballots as 422 yea, 387 nay, 23 paired; 444 divisions name a bill', () => {
    const votes = parsed.map(vote);
    const classes: Record<string, number> = {};
    for (const v of votes)
      for (const b of v.ballots) classes[b.positionClass] = (classes[b.positionClass] ?? 0) + 1;
    expect(classes).to.deep.equal({ yea: 422, nay: 387, paired: 23 });
    expect(votes.filter((v) => v.bill !== null)).to.have.length(444);
  });

  it('rejects one division with a bad total and keeps the others', () => {
    const broken = xml.replace(
      '<DecisionDivisionNumberOfYeas>173</DecisionDivisionNumberOfYeas>',
      '<DecisionDivisionNumberOfYeas>many</DecisionDivisionNumberOfYeas>',
    );
    const out = parseCaVotes(broken);
    expect(out[0]).to.deep.equal({
      position: 'record 1 (division 881)',
      error: 'DecisionDivisionNumberOfYeas is not a count: many',
    });
    expect(out.slice(1).every((p) => 'command' in p)).to.equal(true);
  });

  it('reads counts only as digits: 1e2 is not a hundred', () => {
    const broken = xml.replace(
      '<DecisionDivisionNumberOfYeas>173</DecisionDivisionNumberOfYeas>',
      '<DecisionDivisionNumberOfYeas>1e2</DecisionDivisionNumberOfYeas>',
    );
    expect(parseCaVotes(broken)[0]).to.deep.equal({
      position: 'record 1 (division 881)',
      error: 'DecisionDivisionNumberOfYeas is not a count: 1e2',
    });
  });
});
