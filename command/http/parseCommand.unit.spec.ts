import { expect } from 'chai';
import { readJson } from '../../infra/testing/realData.ts';
import { usBillCommands } from '../../infra/testing/usEvents.ts';
import { parseUsVote, type UsVoteJson } from '../importers/usVote.ts';
import { parseCommand } from './parseCommand.ts';

/** A command as a client sends it: JSON text, so only what JSON can carry. */
const asSent = (value: unknown) => JSON.parse(JSON.stringify(value));
const h49 = () => asSent(parseUsVote(readJson<UsVoteJson>('us/117/votes/2021/h49/data.json')));

describe('parseCommand: a field the contract does not know is refused by its path, not dropped', () => {
  it('names a misspelt field of the data and an extra field of a ballot', () => {
    const c = h49();
    c.data.numbr = 5;
    c.data.ballots[3].extra = 1;
    c.data.bill.titel = 'x';
    const r = parseCommand(c);
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.errors).to.have.deep.members([
      { path: 'data.numbr', message: 'unknown field "numbr"' },
      { path: 'data.bill.titel', message: 'unknown field "titel"' },
      { path: 'data.ballots.3.extra', message: 'unknown field "extra"' },
    ]);
  });

  it('accepts the real roll call and every real us/117 bill as the importer sends them', () => {
    expect(parseCommand(h49()).ok).to.equal(true);
    const refused = usBillCommands()
      .map((c) => parseCommand(asSent(c)))
      .filter((r) => !r.ok);
    expect(refused).to.deep.equal([]);
  });
});
