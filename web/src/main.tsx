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

preloadLanding(client, window.location.pathname);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
