import { useQuery } from '@tanstack/react-query';
import { memo, useRef, useSyncExternalStore } from 'react';
import { useSearchParams } from 'wouter';
import {
  type BillSearchParams,
  billSearchQuery,
  FACETS,
  type FacetName,
  searchParamsOf,
} from '../api/queries.ts';
import type { BillHit, Facets } from '../api/types.ts';
import { Highlighted } from '../components/Highlighted.tsx';
import { ResourceLink } from '../components/ResourceLink.tsx';
import { ErrorNote, Skeleton } from '../components/Status.tsx';
import { chamberName, formatDay, formatNumber, partyName, sessionName, statusName } from '../format.ts';
import { useTitle } from '../useTitle.ts';

const FACET_LABELS: Record<FacetName, string> = {
  chamber: 'Chamber',
  status: 'Status',
  policyArea: 'Policy area',
  sponsorParty: "Sponsor's party",
  // US Congresses and Canadian Parliament sessions alike.
  session: 'Session',
  becameLaw: 'Became law',
};

const valueLabel = (facet: FacetName, value: string) => {
  switch (facet) {
    case 'chamber':
      return chamberName(value);
    case 'status':
      return statusName(value);
    case 'sponsorParty':
      return partyName(value);
    case 'becameLaw':
      return value === 'true' ? 'Yes' : 'No';
    case 'session':
      return sessionName(value);
    case 'policyArea':
      return value;
    default: {
      const _exhaustive: never = facet;
      return _exhaustive;
    }
  }
};

/**
 * The values of a facet's filter in the URL. The query service reads a comma followed by a space as part of a value
 * ("Science, Technology, Communications"), any other comma as "or"; the app itself sets one value per facet.
 */
const activeValues = (params: BillSearchParams, f: FacetName) =>
  (params[f] ?? '')
    .split(/,(?!\s)/)
    .map((v) => v.trim())
    .filter(Boolean);

/** How many filter values are on, for the collapsed filters' summary. */
const activeCount = (params: BillSearchParams) =>
  FACETS.reduce((n, f) => n + activeValues(params, f).length, 0);

type FacetProps = { facets: Facets; params: BillSearchParams; toggle: (f: FacetName, v: string) => void };

/**
 * The top values of a facet, and every active value even when the answer has no count for it (a filter that
 * leaves no result comes back with no facets): a filter on screen can always be turned off again.
 */
const shown = (values: Facets[string], active: readonly string[]) => {
  const top = values.slice(0, 12);
  const missing = active
    .filter((v) => !top.some((t) => t.value === v))
    .map((v) => values.find((t) => t.value === v) ?? { value: v, count: 0 });
  return [...missing, ...top];
};

/**
 * Every keystroke in the search field changes the URL and renders the page again, first with the previous
 * answer as placeholder: the filters and hits re-render only when their own inputs change (`toggle` only calls the
 * URL setter with a function of the current URL, so each render's copy does the same).
 */
const FacetFilters = memo(
  function FacetFilters({ facets, params, toggle }: FacetProps) {
    return (
      <aside className="facets" aria-label="Filters">
        {FACETS.filter((f) => (facets[f]?.length ?? 0) > 0 || params[f]).map((f) => (
          <fieldset key={f}>
            <legend>{FACET_LABELS[f]}</legend>
            <ul>
              {shown(facets[f] ?? [], activeValues(params, f)).map(({ value, count }) => {
                const on = activeValues(params, f).includes(value);
                return (
                  <li key={value}>
                    <button
                      type="button"
                      className="facet"
                      aria-pressed={on}
                      data-facet={f}
                      data-value={value}
                      onClick={() => toggle(f, value)}
                    >
                      <span>{valueLabel(f, value)}</span> <span className="count">{formatNumber(count)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ))}
      </aside>
    );
  },
  (a, b) => a.facets === b.facets && FACETS.every((f) => a.params[f] === b.params[f]),
);

function Hit({ hit }: { hit: BillHit }) {
  return (
    <li className="hit">
      <ResourceLink kind="bill" id={hit.id} className="hit-link">
        <span className="hit-label">{hit.label}</span>{' '}
        <Highlighted text={hit.highlights.title || hit.title} />
      </ResourceLink>
      <p className="meta">
        {statusName(hit.status)}
        {hit.chamber && ` · ${chamberName(hit.chamber)}`}
        {hit.introducedDate && ` · introduced ${formatDay(hit.introducedDate)}`}
        {hit.sponsor && ` · ${hit.sponsor.name}`}
        {hit.voteCount > 0 && ` · ${hit.voteCount} roll call${hit.voteCount === 1 ? '' : 's'}`}
      </p>
      {hit.highlights.summary && (
        <p className="snippet">
          <Highlighted text={hit.highlights.summary} />
        </p>
      )}
    </li>
  );
}

const Hits = memo(function Hits({ hits }: { hits: readonly BillHit[] }) {
  return hits.map((h) => <Hit key={h.id} hit={h} />);
});

/** Arrow keys move between result links; Arrow Up from the first goes back to the search field. */
const onResultsKey = (e: React.KeyboardEvent<HTMLElement>) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Escape') return;
  const links = [...e.currentTarget.querySelectorAll<HTMLElement>('a.hit-link')];
  const at = links.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  e.preventDefault();
  const input = document.getElementById('search-input');
  if (e.key === 'Escape') return input?.focus();
  const next = at + (e.key === 'ArrowDown' ? 1 : -1);
  if (next < 0) input?.focus();
  else links[Math.min(next, links.length - 1)]?.focus();
};

// The phone layout of styles.css: one column, where the filters would push the results below the fold.
const NARROW = '(max-width: 40rem)';
const onNarrowChange = (notify: () => void) => {
  const m = window.matchMedia(NARROW);
  m.addEventListener('change', notify);
  return () => m.removeEventListener('change', notify);
};
const useNarrow = () =>
  useSyncExternalStore(
    onNarrowChange,
    () => window.matchMedia(NARROW).matches,
    () => false,
  );

export default function SearchPage() {
  const [search, setSearch] = useSearchParams();
  const params = searchParamsOf(search);
  useTitle(params.q ? `Search: ${params.q}` : 'Search');
  const { data, error, isPending, isPlaceholderData, isFetching } = useQuery(billSearchQuery(params));
  const set = (change: (p: URLSearchParams) => void, replace = false) =>
    setSearch(
      (prev) => {
        const next = new URLSearchParams(prev);
        change(next);
        return next;
      },
      { replace },
    );
  const toggle = (f: FacetName, v: string) =>
    set((p) => {
      const rest = activeValues(searchParamsOf(p), f).filter((x) => x !== v);
      if (rest.length === activeValues(searchParamsOf(p), f).length) p.set(f, v);
      else if (rest.length) p.set(f, rest.join(','));
      else p.delete(f);
      p.delete('cursor');
    });
  const heading = useRef<HTMLHeadingElement>(null);
  /**
   * Another page of results: the pressed button is disabled while it loads, which would drop keyboard focus to the
   * body, so focus moves to the results heading (as the member page's "Older" does), scrolled to the top.
   */
  const turn = (change: (p: URLSearchParams) => void) => {
    set(change);
    heading.current?.focus({ preventScroll: true });
    heading.current?.scrollIntoView({ block: 'start' });
  };
  const narrow = useNarrow();
  const result = data?.data;
  const filters = result ? (
    <FacetFilters facets={result.facets} params={params} toggle={toggle} />
  ) : (
    <aside className="facets">
      <Skeleton lines={8} />
    </aside>
  );
  return (
    <div className="search-page" data-testid="search-page">
      <h1 className="visually-hidden">Search bills</h1>
      {error && !result ? (
        <ErrorNote error={error} what="search results" />
      ) : (
        <div className="search-layout">
          {narrow ? (
            <details className="filters">
              <summary>Filters ({activeCount(params)})</summary>
              {filters}
            </details>
          ) : (
            filters
          )}
          <section
            className={isPlaceholderData ? 'results loading' : 'results'}
            aria-labelledby="results-h"
            data-results-for={result && !isPlaceholderData ? params.q : undefined}
            aria-busy={isFetching}
          >
            <h2 id="results-h" className="results-count" aria-live="polite" ref={heading} tabIndex={-1}>
              {result
                ? `${formatNumber(result.total)} bill${result.total === 1 ? '' : 's'}${params.q ? ` for “${params.q}”` : ''}`
                : '\u00a0'}
            </h2>
            {result?.corrected && (
              <p className="corrected">
                Showing results for <strong>{result.corrected}</strong>
              </p>
            )}
            {isPending ? (
              <Skeleton lines={12} height="1.6em" />
            ) : result && result.hits.length === 0 ? (
              <p>No bill matches. Try fewer words or remove a filter.</p>
            ) : (
              <ol id="search-results" className="hits" onKeyDown={onResultsKey}>
                {result && <Hits hits={result.hits} />}
              </ol>
            )}
            {result && (params.cursor || result.nextCursor) && (
              <nav className="pager" aria-label="Result pages">
                <button
                  type="button"
                  disabled={!params.cursor}
                  onClick={() => turn((p) => p.delete('cursor'))}
                >
                  First page
                </button>
                <button
                  type="button"
                  disabled={!result.nextCursor || isPlaceholderData}
                  onClick={() => turn((p) => p.set('cursor', result.nextCursor ?? ''))}
                >
                  Next page
                </button>
              </nav>
            )}
            {result && <p className="meta engine">Search engine: {result.engine}</p>}
          </section>
        </div>
      )}
    </div>
  );
}
