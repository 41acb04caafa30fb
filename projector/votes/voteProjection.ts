import { memberAlias } from '../../command/contract/ids.ts';
import type { Ballot, PositionClass, VoteRecorded } from '../../command/vote/vote.ts';
import { toDoc } from '../document.ts';
import { jsonRows, type Sql, sql } from '../sql.ts';
import { type KeyedBallot, type VoteMeta, voteDocument } from './voteDocument.ts';

export type StoredBallot = KeyedBallot & { withParty: boolean | null };
export type VoteState = Readonly<{
  ballots: Map<string, StoredBallot[]>;
  billIds: Map<string, string | null>;
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
type Stat = Record<(typeof STAT_COLUMNS)[number], number>;

const contribution = (cls: PositionClass, withParty: boolean | null, sign: 1 | -1): Partial<Stat> => ({
  ballots: sign,
  [cls]: sign,
  ...(withParty === true ? { with_party: sign } : withParty === false ? { against_party: sign } : {}),
});

type Latest = { at: string; voteId: string; name: string; party: string | null; region: string | null };

const isLater = (at: string, voteId: string, than: Latest) =>
  Date.parse(at) > Date.parse(than.at) || (Date.parse(at) === Date.parse(than.at) && voteId > than.voteId);

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
    for (const b of ballots)
      next.set(voterKey(meta.jurisdiction, b), { ...b, voter: voterKey(meta.jurisdiction, b) });
    current.set(meta.voteId, { meta, ballots: next, position: e.position });
  }

  const deltas = new Map<string, Partial<Stat>>();
  const partyDeltas = new Map<string, Partial<Stat>>();
  const latest = new Map<string, Latest>();
  const accumulate = (into: Map<string, Partial<Stat>>, key: string, d: Partial<Stat>) => {
    const acc = into.get(key) ?? {};
    for (const [k, v] of Object.entries(d) as [keyof Stat, number][]) acc[k] = (acc[k] ?? 0) + v;
    into.set(key, acc);
  };
  const add = (jurisdiction: string, b: { voter: string; party: string | null }, d: Partial<Stat>) => {
    accumulate(deltas, b.voter, d);
    // Party unity counts the party a member sat with on the day of the vote.
    if (b.party) accumulate(partyDeltas, `${jurisdiction}\u0000${b.party}`, d);
  };
  const rows = jsonRows({
    vote_id: 'text',
    voter: 'text',
    name: 'text',
    region: 'text',
    position: 'text',
    position_class: 'text',
    party: 'text',
    with_party: 'boolean',
    voted_at: 'timestamptz',
  });
  const docs = jsonRows({
    id: 'text',
    jurisdiction: 'text',
    session: 'text',
    chamber: 'text',
    voted_at: 'timestamptz',
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

  for (const [voteId, { meta, ballots, position }] of current) {
    for (const old of state.ballots.get(voteId) ?? []) {
      add(meta.jurisdiction, old, contribution(old.positionClass, old.withParty, -1));
    }
    const oldBill = state.billIds.get(voteId);
    if (oldBill) dirtyBills.add(oldBill);
    if (meta.billId) dirtyBills.add(meta.billId);

    const { summary, document, listItem, margin, tallied } = voteDocument(meta, [...ballots.values()]);
    for (const b of tallied) {
      add(meta.jurisdiction, b, contribution(b.positionClass, b.withParty, 1));
      const seen = latest.get(b.voter);
      if (!seen || isLater(meta.date, voteId, seen)) {
        latest.set(b.voter, { at: meta.date, voteId, name: b.name, party: b.party, region: b.region });
      }
      rows.push([
        voteId,
        b.voter,
        b.name,
        b.region,
        b.position,
        b.positionClass,
        b.party,
        b.withParty,
        meta.date,
      ]);
    }
    const doc = toDoc(document);
    docs.push([
      voteId,
      meta.jurisdiction,
      meta.session,
      meta.chamber,
      meta.date,
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
  const changed = [...deltas.entries()].filter(
    ([voter, d]) => latest.has(voter) || Object.values(d).some((v) => v !== 0),
  );
  const statements: Sql[] = [
    sql('DELETE FROM ballots WHERE vote_id = ANY($1::text[])', [voteIds]),
    sql(
      `INSERT INTO ballots (vote_id, voter, name, region, position, position_class, party, with_party, voted_at)
       SELECT ${rows.columns()} FROM ${rows.source(1)}`,
      [rows.param()],
    ),
    sql(
      `INSERT INTO votes (id, jurisdiction, session, chamber, voted_at, bill_id, category, result, summary, body, etag,
                          position, margin, list_item)
       SELECT ${docs.columns()} FROM ${docs.source(1)}
       ON CONFLICT (id) DO UPDATE SET jurisdiction = EXCLUDED.jurisdiction, session = EXCLUDED.session,
         chamber = EXCLUDED.chamber, voted_at = EXCLUDED.voted_at, bill_id = EXCLUDED.bill_id,
         category = EXCLUDED.category, result = EXCLUDED.result, summary = EXCLUDED.summary, body = EXCLUDED.body,
         etag = EXCLUDED.etag, position = EXCLUDED.position, margin = EXCLUDED.margin, list_item = EXCLUDED.list_item`,
      [docs.param()],
    ),
  ];
  if (changed.length) {
    const stats = jsonRows({
      voter: 'text',
      ...Object.fromEntries(STAT_COLUMNS.map((c) => [c, 'int'])),
      last_voted_at: 'timestamptz',
      last_vote_id: 'text',
      last_name: 'text',
      last_party: 'text',
      last_region: 'text',
    });
    for (const [voter, d] of changed) {
      const l = latest.get(voter);
      stats.push([
        voter,
        ...STAT_COLUMNS.map((c) => d[c] ?? 0),
        l?.at ?? null,
        l?.voteId ?? null,
        l?.name ?? null,
        l?.party ?? null,
        l?.region ?? null,
      ]);
    }
    // Counters add up; the "latest ballot" columns keep whichever ballot is later (date, then vote id), so the
    // result does not depend on the order events arrive in.
    const later = `(EXCLUDED.last_voted_at, EXCLUDED.last_vote_id) > (voter_stats.last_voted_at, voter_stats.last_vote_id)
                   OR voter_stats.last_voted_at IS NULL`;
    statements.push(
      sql(
        `INSERT INTO voter_stats (${stats.names()})
         SELECT ${stats.columns()} FROM ${stats.source(1)}
         ON CONFLICT (voter) DO UPDATE SET ${STAT_COLUMNS.map((c) => `${c} = voter_stats.${c} + EXCLUDED.${c}`).join(', ')},
           ${['last_voted_at', 'last_vote_id', 'last_name', 'last_party', 'last_region']
             .map(
               (c) =>
                 `${c} = CASE WHEN EXCLUDED.last_voted_at IS NOT NULL AND (${later}) THEN EXCLUDED.${c} ELSE voter_stats.${c} END`,
             )
             .join(', ')}`,
        [stats.param()],
      ),
    );
  }
  const partyChanged = [...partyDeltas.entries()].filter(
    ([, d]) => d.ballots || d.with_party || d.against_party,
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
          partyChanged.map(([, d]) => d.ballots ?? 0),
          partyChanged.map(([, d]) => d.with_party ?? 0),
          partyChanged.map(([, d]) => d.against_party ?? 0),
        ],
      ),
    );
  }
  return { statements, dirtyBills, dirtyVoters: new Set(deltas.keys()), votes: voteIds };
};
