import { expect } from 'chai';
import { readJson } from '../../infra/testing/realData.ts';
import { parseUsVote, type UsVoteJson } from '../importers/usVote.ts';
import { Command } from './commands.ts';
import { decide } from './decide.ts';

const meta = { recordedAt: '2026-01-01T00:00:00.000Z' };
const h49 = () => Command.parse(parseUsVote(readJson<UsVoteJson>('us/117/votes/2021/h49/data.json')));

describe('decide (command -> event)', () => {
  it('derives the stream id from the natural key and links the bill', () => {
    const e = decide(h49(), meta);
    expect(e.type).to.equal('VoteRecorded');
    expect(e.streamId).to.equal('us-117-2021-h49');
    expect(e.type === 'VoteRecorded' && e.data.billId).to.equal('us-117-hr-1319');
  });

  it('gives the same record the same event id, whenever and however often it is ingested', () => {
    const a = decide(h49(), meta);
    const b = decide(h49(), { recordedAt: '2030-05-05T00:00:00.000Z', source: 'other' });
    expect(a.eventId).to.equal(b.eventId);
  });

  it('gives reported totals the same event id whatever order their keys were written in', () => {
    const withTotals = (totals: Record<string, number>) => {
      const raw = parseUsVote(readJson<UsVoteJson>('us/117/votes/2021/h49/data.json'));
      return decide(Command.parse({ ...raw, data: { ...raw.data, reportedTotals: totals } }), meta);
    };
    const a = withTotals({ yea: 218, nay: 212, Speaker: 1, not_voting: 2 });
    const b = withTotals({ Speaker: 1, not_voting: 2, nay: 212, yea: 218 });
    expect(a.eventId).to.equal(b.eventId);
    // The importers' own order (yea, nay, paired) is already the canonical one: their ids did not change.
    const ca = withTotals({ yea: 173, nay: 147, paired: 4 });
    expect(ca.type === 'VoteRecorded' && Object.keys(ca.data.reportedTotals!)).to.deep.equal([
      'yea',
      'nay',
      'paired',
    ]);
  });

  it('gives a corrected record a new event id, so the correction lands as an update', () => {
    const original = h49();
    const corrected = structuredClone(original);
    if (corrected.type !== 'RecordVote') throw new Error('expected a vote');
    corrected.data.ballots[0]!.position = 'Present';
    corrected.data.ballots[0]!.positionClass = 'present';
    expect(decide(corrected, meta).eventId).to.not.equal(decide(original, meta).eventId);
    expect(decide(corrected, meta).streamId).to.equal(decide(original, meta).streamId);
  });

  it('accepts the long vote types real roll calls carry (Senate 2007 roll 335 runs past 200 characters)', () => {
    const long = { ...h49(), data: { ...h49().data, voteType: 'On the Motion '.repeat(30) } };
    expect(Command.safeParse(long).success).to.equal(true);
  });
});
