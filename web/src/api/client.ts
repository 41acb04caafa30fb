import type { Loaded, Meta } from './types.ts';

/** An API answer that was not 2xx: the problem+json title (or the status line) and the status code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const maxAge = (cacheControl: string | null) => {
  const m = /max-age=(\d+)/.exec(cacheControl ?? '');
  return m ? Number(m[1]) * 1_000 : null;
};

const numberOrNull = (v: string | null) =>
  v === null || v === '' || Number.isNaN(Number(v)) ? null : Number(v);

export const metaOf = (headers: Headers, receivedAt = Date.now()): Meta => ({
  maxAgeMs: maxAge(headers.get('cache-control')),
  asOf: headers.get('x-data-as-of'),
  lagMs: numberOrNull(headers.get('x-projection-lag-ms')),
  position: headers.get('x-data-position'),
  receivedAt,
});

/**
 * GET a JSON resource of the query service (same origin). The browser's HTTP cache does the ETag / 304 work;
 * the signal lets TanStack Query cancel a request nobody waits for any more (a stale search keystroke).
 * No request headers of its own: on a first visit the query service has already asked for the page's data with
 * `<link rel="preload" as="fetch">`, and Chromium hands that response over only to a request like it.
 */
export const getJson = async <T>(path: string, signal?: AbortSignal): Promise<Loaded<T>> => {
  const res = await fetch(path, { signal: signal ?? null });
  if (!res.ok) {
    let title = `${res.status} ${res.statusText}`;
    try {
      const problem = (await res.json()) as { title?: string; detail?: string };
      title = problem.detail ?? problem.title ?? title;
    } catch {
      // not problem+json: keep the status line
    }
    throw new ApiError(title, res.status);
  }
  return { data: (await res.json()) as T, meta: metaOf(res.headers) };
};

/** `?a=1&b=2` from a record, dropping empty values; keys sorted so equal filters give equal URLs. */
export const queryString = (params: Record<string, string | number | boolean | null | undefined>) => {
  const s = new URLSearchParams();
  for (const k of Object.keys(params).sort()) {
    const v = params[k];
    if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  }
  const out = s.toString();
  return out ? `?${out}` : '';
};
