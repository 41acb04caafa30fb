import { expect } from 'chai';
import { readJson } from '../../infra/testing/realData.ts';
import { parseUsVote, type UsVoteJson } from '../importers/usVote.ts';
import { Command } from './commands.ts';
import { decide } from './decide.ts';

const META = { recordedAt: '2026-01-01T00:00:00.000Z' };

/** House roll call 49 of 2021 (431 ballots) as a command, with one text changed. */
const h49 = (change: (c: ReturnType<typeof parseUsVote>) => void) => {
  const c = parseUsVote(readJson<UsVoteJson>('us/117/votes/2021/h49/data.json'));
  change(c);
  return c;
};

describe('Command: strings the event log cannot store', () => {
  it('names the path of a NUL or a lone surrogate, in a value or a key', () => {
    const r = Command.safeParse(
      h49((c) => {
        c.data.ballots[3]!.name = 'Adams\0';
        c.data.question = 'On Passage \ud800';
      }),
    );
    expect(r.success).to.equal(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).to.have.members(['data.ballots.3.name', 'data.question']);
    const key = Command.safeParse(h49((c) => (c.data.reportedTotals = { 'Yea\0': 1 })));
    expect(key.error!.issues.map((i) => i.path.join('.'))).to.deep.equal(['data.reportedTotals.Yea\0']);
  });

  it('accepts paired surrogates (emoji) and text that only looks like an escape', () => {
    expect(Command.safeParse(h49((c) => (c.data.question = 'On Passage 🗳️'))).success).to.equal(true);
    expect(Command.safeParse(h49((c) => (c.data.question = 'C:\\u0000 and \\ud800'))).success).to.equal(true);
  });
});

describe('Command: dates the event log cannot store', () => {
  const withDate = (date: string) => Command.safeParse(h49((c) => (c.data.date = date)));

  it('refuses a day, hour, minute or offset that does not exist, naming the field', () => {
    for (const date of [
      '2021-02-30T02:01:00-05:00',
      '2021-02-29',
      '2100-02-29T10:00:00Z',
      '2021-04-31T10:00:00Z',
      '2021-13-01T10:00:00Z',
      '2021-00-10T10:00:00Z',
      '0000-01-01T10:00:00Z',
      '2021-01-01T24:00:00Z',
      '2021-01-01T10:60:00Z',
      '2021-01-01T10:00:61Z',
      '2021-01-01T10:00:00+16:00',
    ]) {
      const r = withDate(date);
      expect(r.success, date).to.equal(false);
      expect(
        r.error!.issues.map((i) => i.path.join('.')),
        date,
      ).to.deep.equal(['data.date']);
    }
  });

  it('accepts leap days, a leap second and the real file dates', () => {
    for (const date of [
      '2024-02-29T10:00:00-05:00',
      '2000-02-29',
      '2016-12-31T23:59:60Z',
      '2021-01-03T13:24:00-0500',
      '2021-12-31T23:59:59.999+14:00',
    ]) {
      expect(withDate(date).success, date).to.equal(true);
    }
    expect(Command.safeParse(h49(() => undefined)).success).to.equal(true);
  });
});

describe('Command: an unknown type', () => {
  it('names the types there are', () => {
    const r = Command.safeParse({ type: 'RecordVotes', data: {} });
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).to.deep.equal([
      ['type', 'expected a type of RecordVote, RecordBill or RecordMember'],
    ]);
  });
});

describe('Command: what makes a roll call itself', () => {
  it('needs the year of a US roll call (numbered per year), so one roll call never gets two streams', () => {
    const r = Command.safeParse(h49((c) => (c.data.year = null)));
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).to.deep.equal([
      ['data.year', 'a US roll call needs its year'],
    ]);
  });

  it("keeps a joint session's roll call apart from the House's of the same number", () => {
    const house = Command.parse(h49(() => undefined));
    const joint = Command.parse(h49((c) => (c.data.chamber = 'joint')));
    expect(decide(house, META).streamId).to.equal('us-117-2021-h49');
    expect(decide(joint, META).streamId).to.equal('us-117-2021-j49');
  });
});
