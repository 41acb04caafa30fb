export type Coding = 'br' | 'gzip' | 'identity';

/** Server preference when the client weighs several codings equally. */
const PREFERENCE: readonly Coding[] = ['br', 'gzip', 'identity'];

const parseQ = (params: string[]) => {
  for (const p of params) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k?.toLowerCase() === 'q') {
      const q = Number(v);
      return Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 1;
    }
  }
  return 1;
};

/** `gzip;q=0.8, br, *;q=0` -> { gzip: 0.8, br: 1, '*': 0 } (names lower-cased, `x-gzip` read as gzip). */
export const parseAcceptEncoding = (header: string) => {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName?.trim().toLowerCase();
    if (!name) continue;
    const coding = name === 'x-gzip' ? 'gzip' : name;
    // The highest weight wins when a coding is listed twice.
    weights.set(coding, Math.max(weights.get(coding) ?? 0, parseQ(params)));
  }
  return weights;
};

/**
 * Picks the content coding for a response (RFC 9110 §12.5.3): the acceptable coding with the highest q
 * among those we have, ties broken br > gzip > identity. No header means identity. A coding not listed
 * takes the weight of `*`, or is unacceptable. Identity is acceptable unless refused by `identity;q=0` or by
 * `*;q=0` without an explicit identity; unlisted, it weighs as little as the least-wanted listed coding (as
 * the `negotiator` package does), so `gzip;q=0.5` still gets gzip. When the client refuses everything we
 * have, identity is sent anyway (RFC 9110 allows that instead of a 415).
 */
export const negotiateEncoding = (header: string | undefined, available: ReadonlySet<Coding>): Coding => {
  if (!header) return 'identity';
  const weights = parseAcceptEncoding(header);
  const star = weights.get('*');
  const listed = [...weights.values()].filter((q) => q > 0);
  const identityQ = weights.get('identity') ?? (star === 0 ? 0 : listed.length ? Math.min(...listed) : 1);
  let best: Coding = 'identity';
  let bestQ = 0;
  for (const coding of PREFERENCE) {
    if (coding !== 'identity' && !available.has(coding)) continue;
    const q = coding === 'identity' ? identityQ : (weights.get(coding) ?? star ?? 0);
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
};
