import type { QueryClient } from '@tanstack/react-query';
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { dashboardQuery, recentVotesQuery } from './api/queries.ts';
import { SearchBox } from './components/SearchBox.tsx';
import { Loading } from './components/Status.tsx';
import { PAGES } from './pages.ts';
import { type Kind, prefetch, registerChunk } from './prefetch.ts';

type PageModule = { default: ComponentType };

/**
 * A route component in its own chunk. React.lazy suspends on first render until the chunk is there, and when a
 * Suspense fallback has been shown React holds back the content that replaces it for up to 300 ms (so that
 * quick successive reveals do not flicker): on a first visit that made every page wait for that. `preload()`
 * loads the chunk ahead; once it has, the lazy component is given a thenable that calls back at once, which
 * React.lazy resolves synchronously: the page renders straight away, with no fallback.
 */
const lazyPage = (load: () => Promise<PageModule>) => {
  let loaded: PageModule | null = null;
  const preload = () =>
    load().then((m) => {
      loaded = m;
      return m;
    });
  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, one that React.lazy resolves synchronously
  const now = (m: PageModule) => ({ then: (resolve: (m: PageModule) => void) => resolve(m) });
  const Component = lazy(() => (loaded ? (now(loaded) as unknown as Promise<PageModule>) : preload()));
  return { Component, preload };
};

// One lazily loaded chunk per route; links warm a chunk before it is needed (see prefetch.ts).
const dashboard = lazyPage(() => import('./routes/DashboardPage.tsx'));
const searchPage = lazyPage(() => import('./routes/SearchPage.tsx'));
const bill = lazyPage(() => import('./routes/BillPage.tsx'));
const vote = lazyPage(() => import('./routes/VotePage.tsx'));
const member = lazyPage(() => import('./routes/MemberPage.tsx'));
registerChunk('bill', bill.preload);
registerChunk('vote', vote.preload);
registerChunk('member', member.preload);

/**
 * On first load, fetch the landing page's data (unless the query service's preload hints already asked for it,
 * in which case these requests take those responses over), and resolve once the page's code is loaded, so that
 * the first render is the page itself. Never rejects: a chunk that failed to load is retried by the render.
 */
export const preloadLanding = (client: QueryClient, pathname: string): Promise<unknown> => {
  const settled = (p: Promise<unknown>) => p.catch(() => undefined);
  if (pathname === '/') {
    void client.prefetchQuery(dashboardQuery());
    void client.prefetchQuery(recentVotesQuery());
    return settled(dashboard.preload());
  }
  if (pathname === '/search') return settled(searchPage.preload());
  const m = /^\/(bill|vote|member)s\/([^/]+)$/.exec(pathname);
  if (!m) return Promise.resolve();
  const kind = m[1] as Kind;
  prefetch(client, kind, decodeURIComponent(m[2]!));
  return settled({ bill, vote, member }[kind].preload());
};

const DashboardPage = dashboard.Component;
const SearchPage = searchPage.Component;
const BillPage = bill.Component;
const VotePage = vote.Component;
const MemberPage = member.Component;

function NotFound() {
  return (
    <div className="error">
      <h1>No such page</h1>
      <p>
        <Link href="/">Back to the dashboard</Link>
      </p>
    </div>
  );
}

/** After a navigation, focus goes to the new page's content, unless the user is typing in the search field. */
function useFocusOnNavigate(main: React.RefObject<HTMLElement | null>) {
  const [location] = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each new location
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (document.activeElement?.id === 'search-input') return;
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location]);
}

function Layout({ children }: { children: ReactNode }) {
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigate(main);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          OpenPolicy
        </Link>
        <nav aria-label="Main">
          <Link href="/" className={(active) => (active ? 'active' : '')}>
            Dashboard
          </Link>
          <Link href="/search" className={(active) => (active ? 'active' : '')}>
            Bills
          </Link>
        </nav>
        <SearchBox />
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        Data: US Congress roll calls and bill status (public domain), served by the OpenPolicy query API.
      </footer>
    </>
  );
}

export function App() {
  return (
    <Layout>
      <Suspense fallback={<Loading what="page" />}>
        <Switch>
          <Route path={PAGES.dashboard.path} component={DashboardPage} />
          <Route path={PAGES.search.path} component={SearchPage} />
          <Route path={PAGES.bill.path} component={BillPage} />
          <Route path={PAGES.vote.path} component={VotePage} />
          <Route path={PAGES.member.path} component={MemberPage} />
          <Route component={NotFound} />
        </Switch>
      </Suspense>
    </Layout>
  );
}
