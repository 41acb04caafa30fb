import type { QueryClient } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { dashboardQuery, recentVotesQuery } from './api/queries.ts';
import { SearchBox } from './components/SearchBox.tsx';
import { Loading } from './components/Status.tsx';
import { type Kind, prefetch, registerChunk } from './prefetch.ts';

// One lazily loaded chunk per route; links warm a chunk before it is needed (see prefetch.ts).
const loadDashboard = () => import('./routes/DashboardPage.tsx');
const loadSearch = () => import('./routes/SearchPage.tsx');
const loadBill = () => import('./routes/BillPage.tsx');
const loadVote = () => import('./routes/VotePage.tsx');
const loadMember = () => import('./routes/MemberPage.tsx');
registerChunk('bill', loadBill);
registerChunk('vote', loadVote);
registerChunk('member', loadMember);

/**
 * On first load, fetch the landing page's code and its data at the same time, rather than the data only once
 * the code has run: one round trip less before the page can paint.
 */
export const preloadLanding = (client: QueryClient, pathname: string) => {
  if (pathname === '/') {
    void loadDashboard();
    void client.prefetchQuery(dashboardQuery());
    void client.prefetchQuery(recentVotesQuery());
    return;
  }
  if (pathname === '/search') return void loadSearch();
  const m = /^\/(bill|vote|member)s\/([^/]+)$/.exec(pathname);
  if (m) prefetch(client, m[1] as Kind, decodeURIComponent(m[2]!));
};

const DashboardPage = lazy(loadDashboard);
const SearchPage = lazy(loadSearch);
const BillPage = lazy(loadBill);
const VotePage = lazy(loadVote);
const MemberPage = lazy(loadMember);

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
          <Route path="/" component={DashboardPage} />
          <Route path="/search" component={SearchPage} />
          <Route path="/bills/:id" component={BillPage} />
          <Route path="/votes/:id" component={VotePage} />
          <Route path="/members/:id" component={MemberPage} />
          <Route component={NotFound} />
        </Switch>
      </Suspense>
    </Layout>
  );
}
