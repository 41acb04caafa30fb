/**
 * Every page of the app: its URL pattern (wouter syntax), the module that renders it (one lazily loaded chunk
 * each), and the API resources its first render reads, as URL templates whose `:name` parts are the page's
 * own path parameters (encodeURIComponent'd, as src/api/queries.ts builds them).
 *
 * Pure data, read in two places: App.tsx routes by `path`; at build time vite.config.ts turns the table into
 * dist/pages.json (each page's chunk files from the bundle), from which the query service adds preload hints to
 * the index.html of a page's URL, so that a first visit fetches the page's code and data while the app's own
 * code is still loading, instead of after it has run (query/http/webAssets.ts).
 */
export type PageSpec = Readonly<{ path: string; module: string; data: readonly string[] }>;

export const PAGES = {
  dashboard: {
    path: '/',
    module: 'src/routes/DashboardPage.tsx',
    // dashboardQuery() and recentVotesQuery() (limit 8).
    data: ['/api/v1/dashboard/summary', '/api/v1/votes?limit=8'],
  },
  search: { path: '/search', module: 'src/routes/SearchPage.tsx', data: [] },
  bill: { path: '/bills/:id', module: 'src/routes/BillPage.tsx', data: ['/api/v1/bills/:id'] },
  vote: { path: '/votes/:id', module: 'src/routes/VotePage.tsx', data: ['/api/v1/votes/:id'] },
  member: {
    path: '/members/:id',
    module: 'src/routes/MemberPage.tsx',
    // memberQuery(id) and the first page of memberVotesQuery(id, null) (RECORD_PAGE = 20).
    data: ['/api/v1/members/:id', '/api/v1/members/:id/votes?limit=20'],
  },
} as const satisfies Record<string, PageSpec>;
