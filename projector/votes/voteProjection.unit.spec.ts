import { expect } from 'chai';
import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import type { VoteRecorded } from '../../command/vote/vote.ts';
import { readJson } from '../../infra/testing/realData.ts';
import type { Sql } from '../sql.ts';
import { evolveVotes, type StoredBallot, type VoteState } from './voteProjection.ts';

type LoggedVote = EventEnvelope<VoteRecorded> & { position: string };

const voteEvent = (path: string, position = '1'): LoggedVote => {
  const e = decide(Command.parse(parseUsVote(readJson<UsVoteJson>(path))), {
    recordedAt: '2026-01-01T00:00:00Z',
  });
  return { ...(e as EventEnvelope<VoteRecorded>), position };
};

const EMPTY: VoteState = { ballots: new Map(), votes: new Map() };

/** The ballots a first projection stored, as the runner would load them before a replay. */
const rowsOf = (value: unknown) => JSON.parse(value as string) as Record<string, unknown>[];

const BALLOT_COLUMNS = [
  'vote_id',
  'voter',
  'name',
  'region',
  'position',
  'position_class',
  'party',
  'with_party',
  'voted_at',
];
/**
 * The ballot rows of the INSERT INTO ballots statement, whose parameters are one column each: a delimited text
 * (split by string_to_array: unit separator between values, record separator for null) or an array.
 */
const ballotRowsOf = (s: Sql): Record<string, unknown>[] => {
  const columns = (s.values as (string | unknown[])[]).map((v, j) =>
    Array.isArray(v)
      ? v
      : v
          .split('\u001f')
          .map((x) => (x === '\u001e' ? null : BALLOT_COLUMNS[j] === 'with_party' ? x === 't' : x)),
  );
  return columns[0]!.map((_, i) => Object.fromEntries(BALLOT_COLUMNS.map((c, j) => [c, columns[j]![i]])));
};

const statementInto = (r: { statements: Sql[] }, table: string) =>
  r.statements.find((s) => s.text.includes(`INTO ${table} `));

const storedFrom = (e: LoggedVote): VoteState => {
  const r = evolveVotes([e], EMPTY);
  const ballots: StoredBallot[] = ballotRowsOf(statementInto(r, 'ballots')!).map((row) => ({
    voter: row.voter as string,
    name: row.name as string,
    region: row.region as string | null,
    position: row.position as string,
    positionClass: row.position_class as StoredBallot['positionClass'],
    party: row.party as string | null,
    withParty: row.with_party as boolean | null,
  }));
  const stored = { billId: e.data.billId, votedAtMs: Date.parse(e.data.date), question: e.data.question };
  return { ballots: new Map([[e.data.voteId, ballots]]), votes: new Map([[e.data.voteId, stored]]) };
};

const documentOf = (e: LoggedVote, state = EMPTY) => {
  const r = evolveVotes([e], state);
  return JSON.parse(rowsOf(statementInto(r, 'votes')!.values[0])[0]!.body as string);
};

describe('vote projection on real roll calls', () => {
  // House roll 49 of 2021, passage of H.R. 1319 (American Rescue Plan); counted by hand from data.json:
  // D 219 Yea / 2 Nay (Golden G000592, Schrader S001180); R 210 Nay / 1 Not Voting.
  const h49 = () => voteEvent('us/117/votes/2021/h49/data.json');

  it('tallies totals, per-party counts and majorities', () => {
    const doc = documentOf(h49());
    expect(doc.totals).to.deep.equal({ yea: 219, nay: 212, present: 0, not_voting: 1, paired: 0, other: 0 });
    expect(doc.margin).to.equal(7);
    const [d, r] = doc.parties;
    expect(d).to.include({ party: 'D', majority: 'yea', dissenters: 2, freeVote: false });
    expect(d.counts).to.include({ yea: 219, nay: 2 });
    expect(r).to.include({ party: 'R', majority: 'nay', dissenters: 0 });
    expect(r.counts).to.include({ nay: 210, not_voting: 1 });
  });

  it('names the members who voted against their party majority', () => {
    const doc = documentOf(h49());
    expect(doc.dissenters.map((m: { memberId: string }) => m.memberId).sort()).to.deep.equal([
      'us-G000592',
      'us-S001180',
    ]);
  });

  it('keys Senate ballots by LIS alias and keeps the Vice President tie-break', () => {
    // Senate roll 419 of 2021 (PN572, Lhamon): 50-50 broken by "VP" in the Yea list.
    const doc = documentOf(voteEvent('us/117/votes/2021/s419/data.json'));
    expect(doc.totals).to.include({ yea: 51, nay: 50 });
    const ids = doc.ballots.map((b: { memberId: string }) => b.memberId);
    expect(ids).to.include('us-office-VP');
    expect(ids.filter((id: string) => id.startsWith('us-lis-S'))).to.have.length(100);
  });

  it('replaying an event writes nothing but the vote document: no ballot row, counter or member render', () => {
    const e = h49();
    const replay = evolveVotes([e], storedFrom(e));
    expect(replay.statements.map((s) => s.text.trim().split(/\s+/).slice(0, 3).join(' '))).to.deep.equal([
      'INSERT INTO votes',
    ]);
    expect([...replay.dirtyVoters]).to.deep.equal([]);
    expect(documentOf(e, storedFrom(e))).to.deep.equal(documentOf(e));
  });

  const live = (e: LoggedVote, ballots: LoggedVote['data']['ballots']): LoggedVote => ({
    ...e,
    data: { ...e.data, ballotsComplete: false, ballots },
  });
  const statsOf = (r: { statements: Sql[] }) => rowsOf(statementInto(r, 'voter_stats')?.values[0] ?? '[]');

  it('merging one ballot into a live roll call writes that ballot and that voter only', () => {
    const e = h49();
    const next = e.data.ballots[100]!;
    const r = evolveVotes([live(e, [next])], storedFrom(live(e, e.data.ballots.slice(0, 100))));
    expect(ballotRowsOf(statementInto(r, 'ballots')!).map((b) => b.voter)).to.deep.equal([
      `us-${next.voter.id}`,
    ]);
    expect(r.statements.some((s) => s.text.startsWith('DELETE FROM ballots'))).to.equal(false);
    expect([...r.dirtyVoters]).to.deep.equal([`us-${next.voter.id}`]);
    expect(statsOf(r)).to.have.length(1);
    expect(statsOf(r)[0]).to.include({ voter: `us-${next.voter.id}`, ballots: 1, [next.positionClass]: 1 });
  });

  it('a ballot that turns a party majority rewrites the party members it turns against it', () => {
    const e = h49();
    const dem = (position: string) =>
      e.data.ballots.filter((b) => b.party === 'D' && b.position === position).map((b) => b.voter.id);
    const [yea] = dem('Yea');
    const nays = dem('Nay');
    expect(nays).to.deep.equal(['G000592', 'S001180']);
    const pick = (ids: string[]) => e.data.ballots.filter((b) => ids.includes(b.voter.id));
    // One Democrat stored (with the party: it is the whole party so far); then the two who voted Nay arrive.
    const r = evolveVotes([live(e, pick(nays))], storedFrom(live(e, pick([yea!]))));
    expect([...r.dirtyVoters].sort()).to.deep.equal([`us-${yea}`, ...nays.map((id) => `us-${id}`)].sort());
    const removed = r.statements.find((s) => s.text.startsWith('DELETE FROM ballots'));
    expect(removed!.values).to.deep.equal([[e.data.voteId], [`us-${yea}`]]);
    const turned = statsOf(r).find((row) => row.voter === `us-${yea}`);
    expect(turned).to.include({ ballots: 0, yea: 0, with_party: -1, against_party: 1 });
  });

  it('a complete roll that drops a ballot deletes it and takes its counters back', () => {
    const e = h49();
    const dropped = e.data.ballots.at(-1)!;
    const r = evolveVotes(
      [{ ...e, data: { ...e.data, ballots: e.data.ballots.slice(0, -1) } }],
      storedFrom(e),
    );
    expect([...r.dirtyVoters]).to.deep.equal([`us-${dropped.voter.id}`]);
    expect(statementInto(r, 'ballots')).to.equal(undefined);
    expect(statsOf(r)).to.have.length(1);
    expect(statsOf(r)[0]).to.include({ voter: `us-${dropped.voter.id}`, ballots: -1 });
    // A voter left with no ballot has no counters row (as if never seen), whatever the batching.
    const emptied = r.statements.find((s) => s.text.startsWith('DELETE FROM voter_stats'))!;
    expect(emptied.values).to.deep.equal([[`us-${dropped.voter.id}`]]);
  });

  it('adds one counter per ballot on first projection', () => {
    const r = evolveVotes([h49()], EMPTY);
    const stats = r.statements.find((s) => s.text.includes('INTO voter_stats'))!;
    const rows = rowsOf(stats.values[0]);
    expect(rows).to.have.length(432);
    expect(rows.every((row) => row.ballots === 1)).to.equal(true);
    expect(r.statements.some((s) => s.text.includes('DELETE FROM voter_stats'))).to.equal(false);
    expect([...r.dirtyBills]).to.deep.equal(['us-117-hr-1319']);
  });

  it('merges partial ballots (one member at a time) instead of replacing them', () => {
    const e = h49();
    const first = { ...e, data: { ...e.data, ballotsComplete: false, ballots: e.data.ballots.slice(0, 1) } };
    const second = { ...e, data: { ...e.data, ballotsComplete: false, ballots: e.data.ballots.slice(1, 2) } };
    const r = evolveVotes([first, second], EMPTY);
    expect(ballotRowsOf(statementInto(r, 'ballots')!)).to.have.length(2);
  });
});
