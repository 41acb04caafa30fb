/** One facet filter: any of the values (OR within a facet, AND across facets). */
export type FacetFilter = readonly string[];

export type BillSearchParams = Readonly<{
  q: string;
  chamber?: FacetFilter;
  status?: FacetFilter;
  policyArea?: FacetFilter;
  sponsorParty?: FacetFilter;
  session?: FacetFilter;
  becameLaw?: boolean;
  introducedFrom?: string;
  introducedTo?: string;
  facets: readonly BillFacet[];
  limit: number;
  offset: number;
}>;

export type VoteSearchParams = Readonly<{
  q: string;
  chamber?: FacetFilter;
  session?: FacetFilter;
  result?: FacetFilter;
  category?: FacetFilter;
  from?: string;
  to?: string;
  facets: readonly VoteFacet[];
  limit: number;
  offset: number;
}>;

export const BILL_FACETS = [
  'chamber',
  'status',
  'policyArea',
  'sponsorParty',
  'session',
  'becameLaw',
] as const;
export type BillFacet = (typeof BILL_FACETS)[number];
export const VOTE_FACETS = ['chamber', 'result', 'category', 'session'] as const;
export type VoteFacet = (typeof VOTE_FACETS)[number];

/**
 * One page of results, the same whichever engine answered. `hits` are JSON objects as text (each with a
 * `highlights` object of HTML-escaped snippets whose only markup is `<mark>`), assembled without a re-parse.
 */
export type SearchPage = Readonly<{
  total: number;
  hits: readonly string[];
  facets: Readonly<Record<string, readonly { value: string; count: number }[]>>;
  /** The query actually run when misspelt words were corrected, else null. */
  corrected: string | null;
}>;

export type SearchEngine = Readonly<{
  name: 'postgres' | 'meilisearch';
  bills: (p: BillSearchParams) => Promise<SearchPage>;
  votes: (p: VoteSearchParams) => Promise<SearchPage>;
}>;

/** Adds the highlights to a precomputed hit (a JSON object as text) without parsing it. */
export const withHighlights = (hit: string, highlights: Readonly<Record<string, string | null>>) =>
  `${hit.slice(0, hit.lastIndexOf('}'))},"highlights":${JSON.stringify(highlights)}}`;
