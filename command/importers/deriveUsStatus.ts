export type BillStatus =
  | 'introduced'
  | 'passed_lower'
  | 'passed_upper'
  | 'passed_both'
  | 'enacted'
  | 'vetoed'
  | 'failed';

const has = (codes: ReadonlySet<string>, ...wanted: string[]) => wanted.some((c) => codes.has(c));

/**
 * A neutral status from Library of Congress action codes (BILLSTATUS user guide, section 3), first match wins:
 * - enacted: a law is listed, or 36000 / E40000 (became public law) or 41000 (private law), or a BecameLaw action;
 * - vetoed: 31000-35999 (veto, and override attempts that did not end in a law), or a Veto action;
 * - failed: 9000 (failed in the House) with no 8000, or 18000 (failed in the Senate) with no 17000;
 * - passed_both: passed both chambers (8000 and 17000), resolved differences (19500/20500), or presented (28000);
 * - passed_lower / passed_upper: 8000 / 17000 alone (a simple resolution stops there: it was agreed to);
 * - introduced: anything else.
 */
export const deriveUsStatus = (
  codes: readonly string[],
  types: readonly string[],
  lawCount: number,
): BillStatus => {
  const c = new Set(codes);
  const t = new Set(types);
  const numeric = codes.filter((x) => /^\d+$/.test(x)).map(Number);
  if (lawCount > 0 || has(c, '36000', '41000', 'E40000') || t.has('BecameLaw')) return 'enacted';
  if (numeric.some((n) => n >= 31_000 && n < 36_000) || t.has('Veto')) return 'vetoed';
  const lower = c.has('8000');
  const upper = c.has('17000');
  if ((c.has('9000') && !lower) || (c.has('18000') && !upper)) return 'failed';
  if ((lower && upper) || has(c, '19500', '20500', '28000')) return 'passed_both';
  if (lower) return 'passed_lower';
  if (upper) return 'passed_upper';
  return 'introduced';
};
