import type { MemberRecorded } from '../../command/member/member.ts';

type Profile = MemberRecorded['data'];

export type VoterStats = Readonly<{
  ballots: number;
  yea: number;
  nay: number;
  present: number;
  not_voting: number;
  paired: number;
  other: number;
  with_party: number;
  against_party: number;
}>;

export type Dissent = Readonly<{
  voteId: string;
  date: string;
  position: string;
  party: string | null;
  question: string;
}>;
export type LastSeen = Readonly<{ name: string; party: string | null; region: string | null }> | null;

const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 100 : null);

/**
 * A member's profile with counters: `missedPct` is the share of roll calls they were eligible for and did not
 * vote in; `withPartyPct` the share of their yea/nay votes that matched their party's majority.
 */
export const memberDocument = (
  id: string,
  profile: Profile | null,
  aliases: readonly string[],
  s: VoterStats,
  recentDissents: readonly Dissent[],
  lastSeen: LastSeen,
) => {
  const terms = [...(profile?.terms ?? [])].sort((a, b) => (a.start < b.start ? -1 : 1));
  // Sources without dated terms (the legislators CSV) still report the latest one.
  const current = terms.at(-1) ?? profile?.latestTerm ?? null;
  return {
    id,
    stub: profile === null,
    jurisdiction: profile?.jurisdiction ?? id.split('-')[0],
    name: profile?.name ?? { full: lastSeen?.name ?? id, first: null, last: null },
    ids: profile?.ids ?? [],
    aliases: [...aliases].sort(),
    gender: profile?.gender ?? null,
    birthday: profile?.birthday ?? null,
    party: current?.party ?? lastSeen?.party ?? null,
    region: current?.region ?? lastSeen?.region ?? null,
    district: current?.district ?? null,
    terms,
    stats: {
      rollCalls: s.ballots,
      // A paired member agreed with an absent one not to vote: neither cast a vote.
      votesCast: s.ballots - s.not_voting - s.paired,
      yea: s.yea,
      nay: s.nay,
      present: s.present,
      notVoting: s.not_voting,
      paired: s.paired,
      other: s.other,
      missedPct: pct(s.not_voting, s.ballots),
      withParty: s.with_party,
      againstParty: s.against_party,
      withPartyPct: pct(s.with_party, s.with_party + s.against_party),
    },
    recentDissents,
  };
};
