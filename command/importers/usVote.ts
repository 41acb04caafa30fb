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

/** A source field that cannot be read as what it must be: the record is rejected with the field's name. */
const fail = (field: string, problem: string): never => {
  throw new Error(`${field}: ${problem}`);
};

/** A whole number as the files write it (a number, or a string of digits); anything else is refused, not coerced. */
const wholeNumber = (v: unknown, field: string): number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : fail(field, `expected a whole number, got ${JSON.stringify(v)}`);

const voters = (position: string, list: unknown): UsVoter[] => {
  if (!Array.isArray(list)) return fail(`votes.${position}`, 'expected a list of voters');
  list.forEach((v, i) => {
    if (v !== 'VP' && (v === null || typeof v !== 'object' || typeof (v as { id?: unknown }).id !== 'string'))
      fail(`votes.${position}[${i}]`, 'expected a voter with an id (or "VP")');
  });
  return list as UsVoter[];
};

/**
 * One roll call file to one RecordVote command; pure, so it is unit-tested on the real files. The fields that make
 * the vote's identity (chamber, congress, year, number) and the ballots are checked here: a wrong one used to be
 * coerced into a real-looking roll call (`"number": true` became roll call 1, and replaced its ballots).
 */
export const parseUsVote = (json: UsVoteJson): RecordVoteCommand => {
  const chamber =
    json.chamber === 'h' || json.chamber === 's'
      ? json.chamber
      : fail('chamber', `expected "h" or "s", got ${JSON.stringify(json.chamber)}`);
  const votes =
    json.votes !== null && typeof json.votes === 'object' && !Array.isArray(json.votes)
      ? Object.entries(json.votes)
      : fail('votes', 'expected an object of positions to voters');
  const bill = json.bill;
  return {
    type: 'RecordVote',
    data: {
      jurisdiction: 'us',
      session: String(wholeNumber(json.congress, 'congress')),
      chamber: chamber === 's' ? 'upper' : 'lower',
      chamberName: chamber === 's' ? 'Senate' : 'House',
      number: wholeNumber(json.number, 'number'),
      year: wholeNumber(json.session, 'session'),
      date: json.date,
      question: json.question,
      subject: json.subject ?? null,
      category: json.category ?? null,
      voteType: json.type ?? null,
      result: json.result,
      requires: json.requires ?? null,
      bill: bill
        ? {
            session: String(wholeNumber(bill.congress, 'bill.congress')),
            type: typeof bill.type === 'string' ? bill.type : fail('bill.type', 'expected a bill type'),
            number: String(wholeNumber(bill.number, 'bill.number')),
            title: bill.title ?? null,
          }
        : null,
      nomination: json.nomination
        ? { number: json.nomination.number, title: json.nomination.title ?? null }
        : null,
      reportedTotals: null,
      ballotsComplete: true,
      ballots: votes.flatMap(([position, list]) =>
        voters(position, list).map((v) => ballot(chamber, position, v)),
      ),
      sourceUrl: json.source_url ?? null,
    },
  };
};
