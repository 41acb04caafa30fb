import { expect } from 'chai';
import { readJson } from '../../infra/testing/realData.ts';
import { parseUsVote, type UsVoteJson } from '../importers/usVote.ts';
import { Command } from './commands.ts';

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
