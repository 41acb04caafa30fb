import type { Ballot, PositionClass } from '../../command/vote/vote.ts';

export type Counts = Record<PositionClass, number>;

export type PartyTally = Readonly<{
  party: string;
  counts: Counts;
  majority: 'yea' | 'nay' | null;
  dissenters: number;
  dissentPct: number;
  freeVote: boolean;
}>;

type Tallyable = Pick<Ballot, 'party' | 'positionClass'>;

/** OpenParliament's rule: a party vote is "free" when 15% or more of its members voted against its majority. */
export const FREE_VOTE_SHARE = 0.15;

export const emptyCounts = (): Counts => ({ yea: 0, nay: 0, present: 0, not_voting: 0, paired: 0, other: 0 });

const count = (ballots: readonly Tallyable[]) => {
  const c = emptyCounts();
  for (const b of ballots) c[b.positionClass] += 1;
  return c;
};

/** Totals, per-party breakdown with majority position, and each ballot marked with or against its party. */
export const tally = <B extends Tallyable>(ballots: readonly B[]) => {
  const byParty = new Map<string, B[]>();
  for (const b of ballots) {
    if (!b.party) continue;
    const list = byParty.get(b.party) ?? [];
    list.push(b);
    byParty.set(b.party, list);
  }
  const majorities = new Map<string, 'yea' | 'nay' | null>();
  const parties: PartyTally[] = [...byParty.entries()]
    .map(([party, list]) => {
      const counts = count(list);
      const majority: 'yea' | 'nay' | null =
        counts.yea > counts.nay ? 'yea' : counts.nay > counts.yea ? 'nay' : null;
      majorities.set(party, majority);
      const dissenters = majority ? counts[majority === 'yea' ? 'nay' : 'yea'] : 0;
      const decided = counts.yea + counts.nay;
      const dissentPct = decided ? Math.round((dissenters / decided) * 10_000) / 100 : 0;
      return {
        party,
        counts,
        majority,
        dissenters,
        dissentPct,
        freeVote: decided > 0 && dissenters / decided >= FREE_VOTE_SHARE,
      };
    })
    .sort(
      (a, b) => b.counts.yea + b.counts.nay - (a.counts.yea + a.counts.nay) || a.party.localeCompare(b.party),
    );

  const tallied: (B & { withParty: boolean | null })[] = ballots.map((b) => {
    const majority = b.party ? majorities.get(b.party) : null;
    const decided = b.positionClass === 'yea' || b.positionClass === 'nay';
    return { ...b, withParty: majority && decided ? b.positionClass === majority : null };
  });
  const totals = count(ballots);
  return { totals, parties, ballots: tallied, margin: totals.yea - totals.nay };
};
