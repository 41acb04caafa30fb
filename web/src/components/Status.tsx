import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

/** Grey blocks of the size of what will come, so the page does not move when it arrives. */
export function Skeleton({ lines = 3, height = '1.2em' }: { lines?: number; height?: string }) {
  return (
    <div className="skeleton" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
        <div key={i} className="skeleton-line" style={{ height }} />
      ))}
    </div>
  );
}

/** A loading state that screen readers announce, with placeholders in the page's layout. */
export function Loading({ what, children }: { what: string; children?: ReactNode }) {
  return (
    <div aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading {what}…
      </p>
      {children ?? <Skeleton lines={6} />}
    </div>
  );
}

export function ErrorNote({ error, what }: { error: unknown; what: string }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="error" role="alert">
      <h1>{notFound ? `No such ${what}` : `Could not load the ${what}`}</h1>
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}
