import { memberAlias } from '../../command/contract/ids.ts';
import type { Ballot, PositionClass, VoteRecorded } from '../../command/vote/vote.ts';
import { toDoc } from '../document.ts';
import { delimitedColumns, jsonRows, SPLIT, type Sql, sql } from '../sql.ts';
import { type KeyedBallot, type VoteMeta, voteDocument } from './voteDocument.ts';

export type StoredBallot = KeyedBallot & { withParty: boolean | null };
/** What a vote looked like before the batch: its bill, and what its ballots' rows and voters' documents show. */
export type StoredVote = Readonly<{ billId: string | null; votedAtMs: number; question: string }>;
export type VoteState = Readonly<{
  ballots: Map<string, StoredBallot[]>;
  votes: Map<string, StoredVote>;
}>;
type Logged<E> = E & { position: string };

const STAT_COLUMNS = [
  'ballots',
  'yea',
  'nay',
  'present',
  'not_voting',
  'paired',
  'other',
  'with_party',
  'against_party',
] as const;
/** Counter deltas in STAT_COLUMNS order (a fixed-length array: one per voter and per party, ~500k updates). */
type Stat = number[];
const STAT_INDEX = Object.fromEntries(STAT_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof STAT_COLUMNS)[number],
  number
>;
const BALLOTS = STAT_INDEX.ballots;
const WITH_PARTY = STAT_INDEX.with_party;
const AGAINST_PARTY = STAT_INDEX.against_party;

/** Adds one ballot's contribution (sign 1) or takes it back (sign -1). */
const contribute = (acc: Stat, cls: PositionClass, withParty: boolean | null, sign: 1 | -1) => {
  acc[BALLOTS]! += sign;
  acc[STAT_INDEX[cls]]! += sign;
  if (withParty === true) acc[WITH_PARTY]! += sign;
  else if (withParty === false) acc[AGAINST_PARTY]! += sign;
};

const sameBallot = (a: StoredBallot, b: StoredBallot) =>
  a.name === b.name &&
  a.region === b.region &&
  a.position === b.position &&
  a.positionClass === b.positionClass &&
  a.party === b.party &&
  a.withParty === b.withParty;

export const voterKey = (jurisdiction: VoteMeta['jurisdiction'], b: Ballot) =>
  memberAlias(jurisdiction, b.voter);

/**
 * VoteRecorded -> ballots, the vote document, per-voter counter deltas. Given the ballots stored before the
 * batch, it is pure; replaying an event subtracts exactly what it adds, so counters never double.
 */
export const evolveVotes = (events: readonly Logged<VoteRecorded>[], state: VoteState) => {
  const current = new Map<string, { meta: VoteMeta; ballots: Map<string, KeyedBallot>; position: string }>();
  for (const e of events) {
    const { ballots, ...meta } = e.data;
    const previous =
      current.get(meta.voteId)?.ballots ??
      new Map((state.ballots.get(meta.voteId) ?? []).map((b) => [b.voter, b]));
    const next = meta.ballotsComplete ? new Map<string, KeyedBallot>() : new Map(previous);
    for (const b of ballots) {
      const voter = voterKey(meta.jurisdiction, b);
      next.set(voter, { ...b, voter });
    }
    current.set(meta.voteId, { meta, ballots: next, position: e.position });
  }

  const deltas = new Map<string, Stat>();
  const partyDeltas = new Map<string, Stat>();
  const counters = (into: Map<string, Stat>, key: string) => {
    let acc = into.get(key);
    if (!acc) {
      acc = STAT_COLUMNS.map(() => 0);
      into.set(key, acc);
    }
    return acc;
  };
  const add = (
    jurisdiction: string,
    b: { voter: string; party: string | null; positionClass: PositionClass; withParty: boolean | null },
    sign: 1 | -1,
  ) => {
    contribute(counters(deltas, b.voter), b.positionClass, b.withParty, sign);
    // Party unity counts the party a member sat with on the day of the vote.
    if (b.party)
      contribute(
        counters(partyDeltas, `${jurisdiction}\u0000${b.party}`),
        b.positionClass,
        b.withParty,
        sign,
      );
  };
  // Ballots go as one column each through unnest (delimited texts, or arrays when a text holds a separator):
  // Postgres reads columns about twice as fast as json_to_recordset (which builds a field table per object).
  const ballotColumns = {
    vote_id: [] as string[],
    voter: [] as string[],
    name: [] as string[],
    region: [] as (string | null)[],
    position: [] as string[],
    position_class: [] as string[],
    party: [] as (string | null)[],
    with_party: [] as (boolean | null)[],
    voted_at: [] as string[],
  };
  const docs = jsonRows({
    id: 'text',
    jurisdiction: 'text',
    session: 'text',
    chamber: 'text',
    voted_at: 'timestamptz',
    vote_date: 'date',
    bill_id: 'text',
    category: 'text',
    result: 'text',
    summary: 'jsonb',
    body: 'text',
    etag: 'text',
    position: 'text',
    margin: 'int',
    list_item: 'text',
  });
  const dirtyBills = new Set<string>();

  const ballotRemovals = { vote_id: [] as string[], voter: [] as string[] };

  for (const [voteId, { meta, ballots, position }] of current) {
    const stored = state.votes.get(voteId);
    if (stored?.billId) dirtyBills.add(stored.billId);
    if (meta.billId) dirtyBills.add(meta.billId);

    const { summary, document, listItem, margin, tallied } = voteDocument(meta, [...ballots.values()]);
    const atMs = Date.parse(meta.date);
    // A ballot whose row would be the same as the stored one, on a vote whose date and question (what the row
    // and the voter's document show of it) did not change, is left alone: no row rewritten, no counter, no
    // render. A live roll call merges one ballot at a time, and each may move a party majority and so the
    // with-party flag of others; rewriting all ~430 rows and documents per ballot made it quadratic.
    const sameVote = stored !== undefined && stored.votedAtMs === atMs && stored.question === meta.question;
    const before = new Map((state.ballots.get(voteId) ?? []).map((b) => [b.voter, b]));
    /** A stored ballot's row is deleted and its counters taken back (it changed, or left the vote). */
    const takeBack = (old: StoredBallot) => {
      add(meta.jurisdiction, old, -1);
      ballotRemovals.vote_id.push(voteId);
      ballotRemovals.voter.push(old.voter);
    };
    for (const b of tallied) {
      const old = before.get(b.voter);
      before.delete(b.voter);
      if (sameVote && old && sameBallot(old, b)) continue;
      if (old) takeBack(old);
      add(meta.jurisdiction, b, 1);
      ballotColumns.vote_id.push(voteId);
      ballotColumns.voter.push(b.voter);
      ballotColumns.name.push(b.name);
      ballotColumns.region.push(b.region);
      ballotColumns.position.push(b.position);
      ballotColumns.position_class.push(b.positionClass);
      ballotColumns.party.push(b.party);
      ballotColumns.with_party.push(b.withParty);
      ballotColumns.voted_at.push(meta.date);
    }
    // Ballots no longer in the vote (a complete roll replacing an earlier one).
    for (const old of before.values()) takeBack(old);
    const doc = toDoc(document);
    docs.push([
      voteId,
      meta.jurisdiction,
      meta.session,
      meta.chamber,
      meta.date,
      // The day as the source wrote it, in the legislature's own time (sql/0016).
      meta.date.slice(0, 10),
      meta.billId,
      meta.category,
      meta.result,
      summary,
      doc.body,
      doc.etag,
      position,
      margin,
      JSON.stringify(listItem),
    ]);
  }

  const voteIds = [...current.keys()];
  const changed = [...deltas.entries()].filter(([, d]) => d.some((v) => v !== 0));
  const statements: Sql[] = [];
  if (ballotRemovals.voter.length) {
    statements.push(
      sql(
        `DELETE FROM ballots b USING unnest($1::text[], $2::text[]) AS r(vote_id, voter)
         WHERE b.vote_id = r.vote_id AND b.voter = r.voter`,
        [ballotRemovals.vote_id, ballotRemovals.voter],
      ),
    );
  }
  if (ballotColumns.voter.length) {
    const insert = `INSERT INTO ballots (vote_id, voter, name, region, position, position_class, party, with_party,
                                         voted_at)`;
    const columns = Object.values(ballotColumns);
    const split = delimitedColumns(columns);
    statements.push(
      split
        ? sql(
            `${insert} SELECT * FROM unnest(string_to_array($1, ${SPLIT}), string_to_array($2, ${SPLIT}),
               string_to_array($3, ${SPLIT}), string_to_array($4, ${SPLIT}), string_to_array($5, ${SPLIT}),
               string_to_array($6, ${SPLIT}), string_to_array($7, ${SPLIT}),
               string_to_array($8, ${SPLIT})::boolean[], string_to_array($9, ${SPLIT})::timestamptz[])`,
            split,
          )
        : sql(
            `${insert} SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                            $7::text[], $8::boolean[], $9::timestamptz[])`,
            columns,
          ),
    );
  }
  statements.push(
    sql(
      `INSERT INTO votes (id, jurisdiction, session, chamber, voted_at, vote_date, bill_id, category, result, summary,
                          body, etag, position, margin, list_item)
       SELECT ${docs.columns()} FROM ${docs.source(1)}
       ON CONFLICT (id) DO UPDATE SET jurisdiction = EXCLUDED.jurisdiction, session = EXCLUDED.session,
         chamber = EXCLUDED.chamber, voted_at = EXCLUDED.voted_at, vote_date = EXCLUDED.vote_date,
         bill_id = EXCLUDED.bill_id,
         category = EXCLUDED.category, result = EXCLUDED.result, summary = EXCLUDED.summary, body = EXCLUDED.body,
         etag = EXCLUDED.etag, position = EXCLUDED.position, margin = EXCLUDED.margin, list_item = EXCLUDED.list_item`,
      [docs.param()],
    ),
  );
  if (changed.length) {
    const stats = jsonRows({ voter: 'text', ...Object.fromEntries(STAT_COLUMNS.map((c) => [c, 'int'])) });
    for (const [voter, d] of changed) stats.push([voter, ...d]);
    // Counters add up, whatever order the events arrive in. A voter whose last ballot was taken back (a complete
    // roll without them) has no row, as if the ballot had never been seen: the same as the one-batch outcome.
    // What the voter's document shows of their newest ballot (name, party, state) is read from the ballots
    // themselves when it is rendered, so a correction of the same roll call reaches it too.
    statements.push(
      sql(
        `INSERT INTO voter_stats (${stats.names()})
         SELECT ${stats.columns()} FROM ${stats.source(1)}
         ON CONFLICT (voter) DO UPDATE SET ${STAT_COLUMNS.map((c) => `${c} = voter_stats.${c} + EXCLUDED.${c}`).join(', ')}`,
        [stats.param()],
      ),
    );
    const emptied = changed.filter(([, d]) => d[BALLOTS]! < 0).map(([voter]) => voter);
    if (emptied.length)
      statements.push(
        sql('DELETE FROM voter_stats WHERE voter = ANY($1::text[]) AND ballots = 0', [emptied]),
      );
  }
  const partyChanged = [...partyDeltas.entries()].filter(
    ([, d]) => d[BALLOTS] || d[WITH_PARTY] || d[AGAINST_PARTY],
  );
  if (partyChanged.length) {
    statements.push(
      sql(
        `INSERT INTO party_stats (jurisdiction, party, ballots, with_party, against_party)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
         ON CONFLICT (jurisdiction, party) DO UPDATE SET ballots = party_stats.ballots + EXCLUDED.ballots,
           with_party = party_stats.with_party + EXCLUDED.with_party,
           against_party = party_stats.against_party + EXCLUDED.against_party`,
        [
          partyChanged.map(([k]) => k.split('\u0000')[0]),
          partyChanged.map(([k]) => k.split('\u0000')[1]),
          partyChanged.map(([, d]) => d[BALLOTS]),
          partyChanged.map(([, d]) => d[WITH_PARTY]),
          partyChanged.map(([, d]) => d[AGAINST_PARTY]),
        ],
      ),
    );
    const emptiedParties = partyChanged.filter(([, d]) => d[BALLOTS]! < 0).map(([k]) => k.split('\u0000'));
    if (emptiedParties.length)
      statements.push(
        sql(
          `DELETE FROM party_stats p USING unnest($1::text[], $2::text[]) AS e(jurisdiction, party)
           WHERE p.jurisdiction = e.jurisdiction AND p.party = e.party AND p.ballots = 0`,
          [emptiedParties.map(([j]) => j), emptiedParties.map(([, party]) => party)],
        ),
      );
  }
  // Every voter whose ballot was written, changed or removed has counters here, and no one else.
  return { statements, dirtyBills, dirtyVoters: new Set(deltas.keys()), votes: voteIds };
};
