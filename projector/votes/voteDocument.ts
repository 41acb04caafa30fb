import type { Ballot, PositionClass, VoteRecorded } from '../../command/vote/vote.ts';
import { type Counts, tally } from './tally.ts';

export type VoteMeta = Omit<VoteRecorded['data'], 'ballots'>;

/** A ballot under its voter key (the member alias); the source's member reference is no longer needed. */
export type KeyedBallot = Omit<Ballot, 'voter'> & { voter: string };

const CLASS_ORDER: readonly PositionClass[] = ['yea', 'nay', 'present', 'not_voting', 'paired', 'other'];

/**
 * The roll call's totals. Ballots that arrive one member at a time (the House of Commons' records of a member's
 * votes) are only part of the roll: then the totals the legislature reported count, class by class, and the
 * ballots at hand only for a class it did not report. A complete roll is counted from its ballots.
 */
const divisionTotals = (
  meta: VoteMeta,
  counted: Counts,
): { totals: Counts; from: 'reported' | 'ballots' } => {
  const reported = meta.reportedTotals;
  if (meta.ballotsComplete || !reported || reported.yea === undefined || reported.nay === undefined)
    return { totals: counted, from: 'ballots' };
  const totals = { ...counted };
  for (const c of Object.keys(totals) as PositionClass[]) totals[c] = reported[c] ?? counted[c];
  return { totals, from: 'reported' };
};

/** The vote detail document and the compact summary that bill pages embed; pure. */
export const voteDocument = (meta: VoteMeta, ballots: readonly KeyedBallot[]) => {
  const t = tally(ballots);
  const { totals, from } = divisionTotals(meta, t.totals);
  const margin = totals.yea - totals.nay;
  const members = t.ballots
    .map((b) => ({
      memberId: b.voter,
      name: b.name,
      party: b.party,
      region: b.region,
      position: b.position,
      class: b.positionClass,
      withParty: b.withParty,
    }))
    .sort(
      (a, b) =>
        a.class.localeCompare(b.class) ||
        a.name.toLowerCase().localeCompare(b.name.toLowerCase()) ||
        a.memberId.localeCompare(b.memberId),
    );
  // Keys in one order whatever order the ballots were read in (class, then name): the rows' order in Postgres
  // depends on their history, and a body that changed with it changed the ETag and failed a rebuild's comparison.
  const counted = new Map<string, { n: number; rank: number }>();
  for (const b of ballots) {
    const c = counted.get(b.position);
    if (c) c.n += 1;
    else counted.set(b.position, { n: 1, rank: CLASS_ORDER.indexOf(b.positionClass) });
  }
  const positions: Record<string, number> = {};
  for (const [position, { n }] of [...counted].sort(
    ([a, x], [b, y]) => x.rank - y.rank || (a < b ? -1 : a > b ? 1 : 0),
  ))
    positions[position] = n;
  const summary = {
    id: meta.voteId,
    date: meta.date,
    chamber: meta.chamber,
    chamberName: meta.chamberName,
    number: meta.number,
    question: meta.question,
    category: meta.category,
    result: meta.result,
    totals,
    margin,
    parties: t.parties.map((p) => ({
      party: p.party,
      yea: p.counts.yea,
      nay: p.counts.nay,
      majority: p.majority,
    })),
  };
  const document = {
    ...summary,
    jurisdiction: meta.jurisdiction,
    session: meta.session,
    year: meta.year,
    subject: meta.subject,
    voteType: meta.voteType,
    requires: meta.requires,
    bill: meta.billId ? { id: meta.billId, title: meta.bill?.title ?? null } : null,
    nomination: meta.nomination,
    positions,
    reportedTotals: meta.reportedTotals,
    /** Where `totals` come from: the ballots, or (ballots not complete) what the legislature reported. */
    totalsFrom: from,
    /** The ballots at hand, counted (the same as `totals` for a complete roll). */
    ballotTotals: t.totals,
    ballotsComplete: meta.ballotsComplete,
    parties: t.parties,
    dissenters: members.filter((m) => m.withParty === false),
    ballots: members,
    sourceUrl: meta.sourceUrl,
  };
  const { parties: _parties, ...compact } = summary;
  const listItem = { ...compact, bill: document.bill };
  // The summary carries the bill title the vote reported, so a stub bill can be named before its record arrives.
  return {
    summary: { ...summary, billTitle: meta.bill?.title ?? null },
    document,
    listItem,
    margin,
    tallied: t.ballots,
  };
};
