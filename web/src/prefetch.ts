import type { QueryClient } from '@tanstack/react-query';
import { billQuery, memberQuery, voteQuery } from './api/queries.ts';

export type Kind = 'bill' | 'vote' | 'member';

// Route chunks by page kind, registered by the app shell (which owns the lazy imports).
const chunks: Partial<Record<Kind, () => Promise<unknown>>> = {};

export const registerChunk = (kind: Kind, load: () => Promise<unknown>) => {
  chunks[kind] = load;
};

/** On hover or focus of a link: fetch the page's code and its data, so the click shows it at once. */
export const prefetch = (client: QueryClient, kind: Kind, id: string) => {
  void chunks[kind]?.();
  switch (kind) {
    case 'bill':
      return void client.prefetchQuery(billQuery(id));
    case 'vote':
      return void client.prefetchQuery(voteQuery(id));
    case 'member':
      return void client.prefetchQuery(memberQuery(id));
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
};

export const pathOf = (kind: Kind, id: string) => `/${kind}s/${encodeURIComponent(id)}`;
