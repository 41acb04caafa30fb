import { memberAlias } from '../../command/contract/ids.ts';
import type { Ballot, PositionClass, VoteRecorded } from '../../command/vote/vote.ts';
import { toDoc } from '../document.ts';
import { columnar, type Sql, sql } from '../sql.ts';
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
  const rows = columnar(9);
  const docs = columnar(14);
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
      JSON.stringify(summary),
      doc.body,
      doc.etag,
      position,
      margin,
      JSON.stringify(listItem),
    ]);
  }

  const voteIds = [...current.keys()];
  const changed = [...deltas.entries()].filter(([, d]) => Object.values(d).some((v) => v !== 0));
  const statements: Sql[] = [
    sql('DELETE FROM ballots WHERE vote_id = ANY($1::text[])', [voteIds]),
    sql(
      `INSERT INTO ballots (vote_id, voter, name, region, position, position_class, party, with_party, voted_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::timestamptz[])`,
      rows.cols,
    ),
    sql(
      `INSERT INTO votes (id, jurisdiction, session, chamber, voted_at, bill_id, category, result, summary, body, etag,
                            position, margin, list_item)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                            $8::text[], $9::jsonb[], $10::text[], $11::text[], $12::text[], $13::int[], $14::text[])
       ON CONFLICT (id) DO UPDATE SET jurisdiction = EXCLUDED.jurisdiction, session = EXCLUDED.session,
         chamber = EXCLUDED.chamber, voted_at = EXCLUDED.voted_at, bill_id = EXCLUDED.bill_id,
         category = EXCLUDED.category, result = EXCLUDED.result, summary = EXCLUDED.summary, body = EXCLUDED.body,
         etag = EXCLUDED.etag, position = EXCLUDED.position, margin = EXCLUDED.margin, list_item = EXCLUDED.list_item`,
      docs.cols,
    ),
  ];
  if (changed.length) {
    const cols = STAT_COLUMNS.map((c) => changed.map(([, d]) => d[c] ?? 0));
    statements.push(
      sql(
        `INSERT INTO voter_stats (voter, ${STAT_COLUMNS.join(', ')})
         SELECT * FROM unnest($1::text[], ${STAT_COLUMNS.map((_, i) => `$${i + 2}::int[]`).join(', ')})
         ON CONFLICT (voter) DO UPDATE SET ${STAT_COLUMNS.map((c) => `${c} = voter_stats.${c} + EXCLUDED.${c}`).join(', ')}`,
        [changed.map(([v]) => v), ...cols],
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
