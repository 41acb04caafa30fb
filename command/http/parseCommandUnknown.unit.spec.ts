import { expect } from 'chai';
import { readJson } from '../../infra/testing/realData.ts';
import { parseUsVote, type UsVoteJson } from '../importers/usVote.ts';
import { parseCommand } from './parseCommand.ts';

const asSent = (value: unknown) => JSON.parse(JSON.stringify(value));
const h49 = () => asSent(parseUsVote(readJson<UsVoteJson>('us/117/votes/2021/h49/data.json')));

describe('parseCommand: an unknown field is named even when other fields are wrong', () => {
  it('a misspelt field is reported with the field it was meant to be', () => {
    const r = parseCommand({ type: 'RecordBill', data: { numbr: 1 } });
    expect(r.ok).to.equal(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).to.deep.include({ path: 'data.numbr', message: 'unknown field "numbr"' });
    expect(errors.map((e) => e.path)).to.include.members(['data.number', 'data.title']);
  });

  it('in a real roll call with a bad field: unknown ones deep down by path, and no known field reported', () => {
    const c = h49();
    c.data.chamber = 'x';
    c.data.ballots[3].extra = 1;
    c.data.bill.titel = 'x';
    c.extra = true;
    const r = parseCommand(c);
    expect(r.ok).to.equal(false);
    const unknown = r.ok ? [] : r.errors.filter((e) => e.message.startsWith('unknown field'));
    expect(unknown).to.have.deep.members([
      { path: 'extra', message: 'unknown field "extra"' },
      { path: 'data.bill.titel', message: 'unknown field "titel"' },
      { path: 'data.ballots.3.extra', message: 'unknown field "extra"' },
    ]);
    expect(!r.ok && r.errors.map((e) => e.path)).to.include('data.chamber');
  });
});
