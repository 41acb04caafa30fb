import { Meilisearch } from 'meilisearch';
import type { BillSearchParams, FacetFilter, SearchEngine, SearchPage, VoteSearchParams } from './engine.ts';
import { withHighlights } from './engine.ts';
import { highlightHtml, MARK_END, MARK_START } from './highlight.ts';

/** A Meilisearch filter value: a JSON string literal is valid filter syntax (double quotes, backslash escapes). */
const lit = (v: string | number | boolean) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const anyOf = (attr: string, values: FacetFilter | undefined) =>
  values?.length ? [`${attr} IN [${values.map(lit).join(', ')}]`] : [];
const dayOf = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

type Hit = { hit: string; _formatted?: Record<string, string | null | undefined> };

const page = (
  res: {
    estimatedTotalHits?: number;
    totalHits?: number;
    hits: Hit[];
    facetDistribution?: Record<string, Record<string, number>>;
  },
  fields: Readonly<Record<string, string>>,
): SearchPage => ({
  total: res.totalHits ?? res.estimatedTotalHits ?? 0,
  corrected: null,
  facets: Object.fromEntries(
    Object.entries(res.facetDistribution ?? {}).map(([facet, counts]) => [
      facet,
      Object.entries(counts)
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
    ]),
  ),
  hits: res.hits.map((h) =>
    withHighlights(
      h.hit,
      Object.fromEntries(
        Object.entries(fields).map(([out, attr]) => {
          const v = h._formatted?.[attr];
          return [out, v ? highlightHtml(v) : null];
        }),
      ),
    ),
  ),
});

/**
 * The Meilisearch engine (MEILI_HOST set): the index the projector keeps (projector/search/meiliIndex.ts),
 * answered in the Postgres engine's shape. Typo tolerance is Meilisearch's own, so `corrected` stays null.
 */
export const createMeiliSearch = (o: { host: string; apiKey?: string; prefix?: string }): SearchEngine => {
  const client = new Meilisearch({ host: o.host, ...(o.apiKey ? { apiKey: o.apiKey } : {}) });
  const bills = client.index(`${o.prefix ?? ''}bills`);
  const votes = client.index(`${o.prefix ?? ''}votes`);
  const common = {
    highlightPreTag: MARK_START,
    highlightPostTag: MARK_END,
    attributesToRetrieve: ['hit'],
  };
  return {
    name: 'meilisearch',
    async bills(p: BillSearchParams) {
      const filter = [
        ...anyOf('chamber', p.chamber),
        ...anyOf('status', p.status),
        ...anyOf('policyArea', p.policyArea),
        ...anyOf('sponsorParty', p.sponsorParty),
        ...anyOf('session', p.session),
        ...(p.becameLaw === undefined ? [] : [`becameLaw = ${p.becameLaw}`]),
        ...(p.introducedFrom ? [`introducedDay >= ${dayOf(p.introducedFrom)}`] : []),
        ...(p.introducedTo ? [`introducedDay <= ${dayOf(p.introducedTo)}`] : []),
      ];
      const res = await bills.search<Hit>(p.q, {
        ...common,
        filter,
        facets: [...p.facets],
        limit: p.limit,
        offset: p.offset,
        attributesToHighlight: ['title', 'summary'],
        attributesToCrop: ['summary'],
        cropLength: 30,
        ...(p.q.trim() ? {} : { sort: ['latestActionDay:desc'] }),
      });
      return page(res, { title: 'title', summary: 'summary' });
    },
    async votes(p: VoteSearchParams) {
      const filter = [
        ...anyOf('chamber', p.chamber),
        ...anyOf('session', p.session),
        ...anyOf('result', p.result),
        ...anyOf('category', p.category),
        ...(p.from ? [`votedDay >= ${dayOf(p.from)}`] : []),
        ...(p.to ? [`votedDay <= ${dayOf(p.to)}`] : []),
      ];
      const res = await votes.search<Hit>(p.q, {
        ...common,
        filter,
        facets: [...p.facets],
        limit: p.limit,
        offset: p.offset,
        attributesToHighlight: ['question'],
        ...(p.q.trim() ? {} : { sort: ['votedDay:desc'] }),
      });
      return page(res, { question: 'question' });
    },
  };
};
