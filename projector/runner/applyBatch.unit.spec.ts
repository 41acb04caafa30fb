import { expect } from 'chai';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { decodeAhead, wholeVoteChunks } from './applyBatch.ts';

const ev = (voteId: string, ballots: number, n: number) => ({
  n,
  data: { voteId, ballots: Array(ballots).fill(0) },
});

describe('wholeVoteChunks', () => {
  it('keeps every event of a roll call in one chunk, in order, and cuts after the size is reached', () => {
    const events = [ev('a', 4, 1), ev('b', 3, 2), ev('a', 1, 3), ev('c', 2, 4), ev('d', 6, 5), ev('b', 1, 6)];
    const chunks = wholeVoteChunks(events, 6);
    expect(chunks.map((c) => c.map((e) => e.n))).to.deep.equal([
      [1, 3, 2, 6],
      [4, 5],
    ]);
  });

  it('gives one chunk for a small batch and none for no roll call', () => {
    expect(wholeVoteChunks([ev('a', 2, 1), ev('b', 2, 2)], 10_000)).to.have.length(1);
    expect(wholeVoteChunks([], 10_000)).to.deep.equal([]);
  });
});

describe('decodeAhead', () => {
  it('keeps a valid event with its position and a poison event with its reason', () => {
    const payload = JSON.parse(JSON.stringify(usVoteEvent('2021/h49')));
    const [good] = decodeAhead([{ offset: 5, position: '5', payload }]);
    expect(good!.decoded).to.have.nested.property('event.position', '5');
    expect(good!.decoded).to.have.nested.property('event.data.voteId', payload.data.voteId);
    const [bad] = decodeAhead([{ offset: 7, position: '7', payload: { schemaVersion: 1, type: 'Nope' } }]);
    expect(bad!.decoded).to.have.property('error').that.is.a('string').and.not.empty;
    const [old] = decodeAhead([{ offset: 8, position: '8', payload: { schemaVersion: 0 } }]);
    expect(old!.decoded).to.deep.equal({ error: 'unsupported event schemaVersion 0' });
  });
});
