import { expect } from 'chai';
import type { EventEnvelope } from '../../command/contract/events.ts';
import type { VoteRecorded } from '../../command/vote/vote.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { usVoteEvent } from '../../infra/testing/usEvents.ts';
import { evolveVotes } from './voteProjection.ts';

type Logged = EventEnvelope<VoteRecorded> & { position: string };

/** A real roll call whose first ballots carry the texts a delimited column must survive. */
const withNames = (names: readonly (string | null)[], voteId: string): Logged => {
  const e = usVoteEvent('2021/h49') as EventEnvelope<VoteRecorded>;
  const ballots = e.data.ballots.map((b, i) =>
    i < names.length ? { ...b, name: names[i] ?? b.name, region: names[i] === null ? null : b.region } : b,
  );
  return { ...e, data: { ...e.data, voteId, ballots }, position: '1' };
};

const h49 = () => (usVoteEvent('2021/h49') as EventEnvelope<VoteRecorded>).data.ballots;

const ODD = ['O\'Brien "Bob", {Jr.}', 'back\\slash', 'NULL', '', 'Ñúñez 名前', null];

describe('ballot rows as delimited columns or as arrays (real Postgres)', () => {
  const t = useProjectorDatabase();

  const project = async (e: Logged) => {
    const v = evolveVotes([e], { ballots: new Map(), votes: new Map() });
    const insert = v.statements.find((s) => s.text.includes('INSERT INTO ballots'))!;
    await inTransaction(t.pool, async (c) => {
      for (const s of v.statements) await c.query(s.text, s.values as unknown[]);
    });
    return insert;
  };
  const rows = async (voteId: string) =>
    (
      await t.admin.query(
        `SELECT voter, name, region, position, position_class, party, with_party, voted_at
         FROM rm.ballots WHERE vote_id = $1 ORDER BY voter`,
        [voteId],
      )
    ).rows;

  it('stores the same rows either way, odd texts, empty texts and nulls included', async () => {
    const split = await project(withNames(ODD, 'us-117-2021-hsplit'));
    expect(split.text).to.include('string_to_array');
    // The same, and a unit separator in the next ballot's name: that statement sends arrays.
    const arrays = await project(withNames([...ODD, 'unit\u001fsep'], 'us-117-2021-harrays'));
    expect(arrays.text).to.include('$1::text[]');
    const a = await rows('us-117-2021-hsplit');
    const b = await rows('us-117-2021-harrays');
    expect(a).to.have.length(h49().length);
    const odd = h49()[ODD.length]!;
    expect(b.filter((r) => r.name === 'unit\u001fsep')).to.have.length(1);
    expect(b.map((r) => (r.name === 'unit\u001fsep' ? { ...r, name: odd.name } : r))).to.deep.equal(a);
    expect(a.map((r) => r.name)).to.include.members(ODD.filter((n) => n !== null));
    expect(a.filter((r) => r.region === null)).to.have.length(1);
  });
});
