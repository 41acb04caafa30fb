import './styles.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, preloadLanding } from './App.tsx';
import { ApiError } from './api/client.ts';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // A 404 will not turn into a 200 by asking again at once; network hiccups might.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      gcTime: 5 * 60_000,
    },
  },
});

// The first render waits for the landing page's code (already on its way: the HTML preloads it), so that it is
// the page itself rather than a fallback (see lazyPage in App.tsx). Not a top-level await: the route chunks
// import this chunk's modules, and would then wait on it while it waits on them.
void preloadLanding(client, window.location.pathname).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  ),
);
