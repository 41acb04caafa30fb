import type { z } from 'zod/v4';
import type { Ballot, PositionClass, RecordVote } from '../vote/vote.ts';

type RecordVoteCommand = z.input<typeof RecordVote>;

type UsVoter = { id: string; display_name?: string; party?: string; state?: string } | 'VP';

/** The `unitedstates/congress` roll-call JSON (data.json), as far as we read it. */
export type UsVoteJson = {
  vote_id: string;
  chamber: 'h' | 's';
  congress: number;
  session: string;
  number: number;
  date: string;
  question: string;
  subject?: string;
  category?: string;
  type?: string;
  result: string;
  requires?: string;
  source_url?: string;
  bill?: { congress: number; type: string; number: number; title?: string };
  nomination?: { number: string; title?: string };
  votes: Record<string, UsVoter[]>;
};

const CLASS_BY_POSITION: Record<string, PositionClass> = {
  Yea: 'yea',
  Aye: 'yea',
  Guilty: 'yea',
  Nay: 'nay',
  No: 'nay',
  'Not Guilty': 'nay',
  Present: 'present',
  'Not Voting': 'not_voting',
  Paired: 'paired',
};

/** Anything else (Speaker-election candidate names) is a real position that is neither yea nor nay. */
export const positionClass = (position: string): PositionClass => CLASS_BY_POSITION[position] ?? 'other';

const ballot = (chamber: 'h' | 's', position: string, voter: UsVoter): Ballot => {
  const positionClassOf = positionClass(position);
  if (voter === 'VP') {
    // The Vice President's tie-break is recorded as a bare string, not a member.
    return {
      voter: { scheme: 'office', id: 'VP' },
      name: 'Vice President',
      party: null,
      region: null,
      position,
      positionClass: positionClassOf,
    };
  }
  return {
    voter: { scheme: chamber === 's' ? 'lis' : 'bioguide', id: voter.id },
    name: voter.display_name ?? voter.id,
    party: voter.party ?? null,
    region: voter.state ?? null,
    position,
    positionClass: positionClassOf,
  };
};

/** One roll call file to one RecordVote command; pure, so it is unit-tested on the real files. */
export const parseUsVote = (json: UsVoteJson): RecordVoteCommand => ({
  type: 'RecordVote',
  data: {
    jurisdiction: 'us',
    session: String(json.congress),
    chamber: json.chamber === 's' ? 'upper' : 'lower',
    chamberName: json.chamber === 's' ? 'Senate' : 'House',
    number: json.number,
    year: Number(json.session),
    date: json.date,
    question: json.question,
    subject: json.subject ?? null,
    category: json.category ?? null,
    voteType: json.type ?? null,
    result: json.result,
    requires: json.requires ?? null,
    bill: json.bill
      ? {
          session: String(json.bill.congress),
          type: json.bill.type,
          number: String(json.bill.number),
          title: json.bill.title ?? null,
        }
      : null,
    nomination: json.nomination
      ? { number: json.nomination.number, title: json.nomination.title ?? null }
      : null,
    reportedTotals: null,
    ballotsComplete: true,
    ballots: Object.entries(json.votes).flatMap(([position, voters]) =>
      voters.map((v) => ballot(json.chamber, position, v)),
    ),
    sourceUrl: json.source_url ?? null,
  },
});
