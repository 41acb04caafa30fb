/** Response shapes of the query service (see query/ and the projector's documents), as the app reads them. */

export type PositionCounts = {
  yea: number;
  nay: number;
  present: number;
  not_voting: number;
  paired: number;
  other: number;
};

export type Sponsor = {
  name: string;
  party: string | null;
  region?: string | null;
  ref?: { id: string; scheme: string } | null;
};

export type VoteSummary = {
  id: string;
  date: string;
  chamber: string;
  chamberName?: string | null;
  number: number | null;
  question: string;
  category?: string | null;
  result: string;
  totals: PositionCounts | null;
  margin: number | null;
  parties?: { party: string; yea: number; nay: number; majority: 'yea' | 'nay' | null }[];
};

export type Bill = {
  id: string;
  stub: boolean;
  session: string | null;
  type: string | null;
  number: number | string | null;
  title: string;
  titles: { type?: string | null; text: string; lang?: string | null }[];
  originChamber: string | null;
  introducedDate: string | null;
  status: string;
  /** The legislature's own wording of the status (LEGISinfo: "At second reading in the Senate"), if it has one. */
  statusText?: string | null;
  latestAction: { date: string; text: string } | null;
  /** Sanitized HTML (p, ul, ol, li, b, i, strong, em, br, a) from the bill status record. */
  summary: { date: string | null; html: string } | null;
  sponsor: Sponsor | null;
  cosponsors: unknown[];
  policyArea: string | null;
  subjects: string[];
  actions: { date: string; text: string; stage?: string | null; chamber?: string | null }[];
  laws: { type?: string; number?: string }[];
  url: string | null;
  voteCount: number;
  votes: VoteSummary[];
};

export type PartyTally = {
  party: string;
  counts: PositionCounts;
  majority: 'yea' | 'nay' | null;
  dissenters: number;
  dissentPct: number;
  freeVote: boolean;
};

export type VoteBallot = {
  memberId: string;
  name: string;
  party: string | null;
  region: string | null;
  position: string;
  class: keyof PositionCounts;
  withParty: boolean | null;
};

export type Vote = Omit<VoteSummary, 'parties'> & {
  session: string | null;
  year: number | null;
  subject: string | null;
  voteType: string | null;
  requires: string | null;
  bill: { id: string; title: string | null } | null;
  /** `reported`: the ballots on record are only part of the roll, and `totals` are the legislature's own. */
  totalsFrom?: 'reported' | 'ballots';
  /** The ballots on record, counted. */
  ballotTotals?: PositionCounts;
  ballotsComplete?: boolean;
  positions: Record<string, number>;
  parties: PartyTally[];
  dissenters: VoteBallot[];
  ballots: VoteBallot[];
  sourceUrl: string | null;
};

export type Member = {
  id: string;
  stub: boolean;
  name: { full: string; first: string | null; last: string | null };
  aliases: string[];
  party: string | null;
  region: string | null;
  district: string | number | null;
  terms: {
    start: string;
    end?: string | null;
    party?: string | null;
    region?: string | null;
    chamber?: string | null;
    district?: string | null;
  }[];
  stats: {
    rollCalls: number;
    votesCast: number;
    yea: number;
    nay: number;
    present: number;
    notVoting: number;
    missedPct: number | null;
    withParty: number;
    againstParty: number;
    withPartyPct: number | null;
  };
  recentDissents: {
    voteId: string;
    date: string;
    position: string;
    party: string | null;
    question: string;
  }[];
};

export type VoteListItem = Omit<VoteSummary, 'parties'> & {
  bill: { id: string; title: string | null } | null;
};

export type RecordItem = {
  position: string;
  party: string | null;
  withParty: boolean | null;
  vote: VoteListItem | null;
};

export type Page<T> = { items: T[]; nextCursor: string | null; limit: number };

export type BillListItem = {
  id: string;
  title: string;
  status: string;
  statusText?: string | null;
  introducedDate: string | null;
  latestAction: { date: string; text: string } | null;
  latestActionDate: string | null;
  sponsor: { name: string; party: string | null } | null;
  voteCount: number;
};

export type Dashboard = {
  refreshedAt: string | null;
  billsByStatus: Record<string, number>;
  bills: number;
  votes: { total: number; newest: string | null; last7Days: number; last30Days: number };
  closestVotes: VoteListItem[];
  topDissenters: { memberId: string; name: string | null; againstParty: number; withParty: number }[];
  partyUnity: {
    jurisdiction: string;
    party: string;
    withParty: number;
    againstParty: number;
    unityPct: number | null;
  }[];
  recentBills: BillListItem[];
};

export type Facets = Record<string, { value: string; count: number }[]>;

export type BillHit = {
  id: string;
  label: string;
  title: string;
  status: string;
  session: string | null;
  chamber: 'house' | 'senate' | null;
  introducedDate: string | null;
  sponsor: { name: string; party: string | null } | null;
  policyArea: string | null;
  becameLaw: boolean;
  voteCount: number;
  highlights: { title: string; summary: string | null };
};

export type SearchResult<H> = {
  engine: string;
  q: string;
  /** The query actually run when misspelt words were corrected (Postgres engine), else null. */
  corrected: string | null;
  total: number;
  hits: H[];
  facets: Facets;
  nextCursor: string | null;
  limit: number;
};

/** Freshness and caching metadata the query service sends with every answer. */
export type Meta = {
  /** Cache-Control max-age in milliseconds (null when the answer says nothing). */
  maxAgeMs: number | null;
  asOf: string | null;
  lagMs: number | null;
  position: string | null;
  receivedAt: number;
};

export type Loaded<T> = { data: T; meta: Meta };
