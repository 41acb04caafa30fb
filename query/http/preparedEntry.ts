import { type CacheEntry, variantEtag } from '../cache/entry.ts';
import { type Coding, negotiateEncoding } from '../cache/negotiate.ts';
import { type CachePolicy, cacheControl } from './httpCaching.ts';

/** One coding of an entry, ready to write: its bytes, its ETag and the response headers that follow from them. */
export type Variant = Readonly<{
  coding: Coding;
  etag: string;
  bytes: Buffer;
  /** ETag, Cache-Control, Vary, Content-Type, Content-Encoding (if any), Content-Length: flat name / value pairs. */
  ok: readonly string[];
  /** ETag, Cache-Control, Vary: what a 304 carries. */
  notModified: readonly string[];
}>;

type Prepared = Readonly<{
  policy: CachePolicy;
  /** Which codings the entry holds besides identity: 1 gzip, 2 br. */
  mask: number;
  identity: Variant;
  gzip: Variant | null;
  br: Variant | null;
  /** The ETags of all three codings: If-None-Match naming any of them means the same body. */
  etags: readonly string[];
}>;

const VARY = 'Accept-Encoding';
const JSON_TYPE = 'application/json; charset=utf-8';

const variant = (e: CacheEntry, coding: Coding, bytes: Buffer, cc: string): Variant => {
  const etag = variantEtag(e.etag, coding);
  const notModified = ['ETag', etag, 'Cache-Control', cc, 'Vary', VARY];
  return {
    coding,
    etag,
    bytes,
    notModified,
    ok: [
      ...notModified,
      'Content-Type',
      JSON_TYPE,
      ...(coding === 'identity' ? [] : ['Content-Encoding', coding]),
      'Content-Length',
      String(bytes.length),
    ],
  };
};

// Entries are immutable and replaced on change, so what is derived from one is kept as long as it lives.
const prepared = new WeakMap<CacheEntry, Prepared>();

/** The entry's variants under a route's policy, computed once per entry (an entry only ever serves one route). */
export const prepare = (e: CacheEntry, policy: CachePolicy): Prepared => {
  const known = prepared.get(e);
  if (known?.policy === policy) return known;
  const cc = cacheControl(policy);
  const p: Prepared = {
    policy,
    mask: (e.gzip ? 1 : 0) | (e.br ? 2 : 0),
    identity: variant(e, 'identity', e.identity, cc),
    gzip: e.gzip ? variant(e, 'gzip', e.gzip, cc) : null,
    br: e.br ? variant(e, 'br', e.br, cc) : null,
    etags: (['identity', 'gzip', 'br'] as const).map((c) => variantEtag(e.etag, c)),
  };
  prepared.set(e, p);
  return p;
};

const AVAILABLE: readonly ReadonlySet<Coding>[] = [
  new Set(['identity']),
  new Set(['identity', 'gzip']),
  new Set(['identity', 'br']),
  new Set(['identity', 'gzip', 'br']),
];

// Clients send a handful of distinct Accept-Encoding values; parsing each once is enough.
const chosen = new Map<string, Coding>();

/** `negotiateEncoding` over the codings the entry holds, remembered per header value. */
export const chooseVariant = (p: Prepared, acceptEncoding: string | undefined): Variant => {
  let coding: Coding = 'identity';
  if (acceptEncoding && p.mask !== 0) {
    const k = `${p.mask}${acceptEncoding}`;
    const c = chosen.get(k);
    if (c) coding = c;
    else {
      coding = negotiateEncoding(acceptEncoding, AVAILABLE[p.mask]!);
      if (chosen.size >= 1_024) chosen.clear();
      chosen.set(k, coding);
    }
  }
  return (coding === 'br' ? p.br : coding === 'gzip' ? p.gzip : null) ?? p.identity;
};

/**
 * If-None-Match names any variant of this body (weak comparison, as RFC 9110 §13.1.2 requires for
 * If-None-Match), or `*`.
 */
export const notModified = (p: Prepared, ifNoneMatch: string | undefined) =>
  !!ifNoneMatch &&
  ifNoneMatch
    .split(/\s*,\s*/)
    .some((t) => t === '*' || p.etags.includes(t) || (t.startsWith('W/') && p.etags.includes(t.slice(2))));
