/** Display helpers: party and chamber names, bill labels, dates and numbers. */

const PARTIES: Record<string, string> = {
  D: 'Democrat',
  R: 'Republican',
  I: 'Independent',
  ID: 'Independent Democrat',
  L: 'Libertarian',
};

export const partyName = (p: string | null | undefined) => (p ? (PARTIES[p] ?? p) : 'No party');

/** One letter (D, R, I...) for a party code or a full name from the legislators file. */
export const partyCode = (p: string | null | undefined) => {
  if (!p) return '?';
  const hit = Object.entries(PARTIES).find(([, name]) => name === p);
  return hit ? hit[0] : p.length <= 3 ? p : p.slice(0, 1);
};

export const chamberName = (c: string | null | undefined) =>
  c === 'lower' || c === 'house' ? 'House' : c === 'upper' || c === 'senate' ? 'Senate' : (c ?? '');

const BILL_TYPES: Record<string, string> = {
  hr: 'H.R.',
  s: 'S.',
  hjres: 'H.J.Res.',
  sjres: 'S.J.Res.',
  hres: 'H.Res.',
  sres: 'S.Res.',
  hconres: 'H.Con.Res.',
  sconres: 'S.Con.Res.',
};

/** `us-117-hr-1319` (or type and number) -> `H.R. 1319`. */
export const billLabel = (id: string, type?: string | null, number?: string | number | null) => {
  const m = /^[a-z]+-\d+-([a-z]+)-(\w+)$/.exec(id);
  const t = type ?? m?.[1];
  const n = number ?? m?.[2];
  if (!t || n === undefined || n === null) return id;
  return `${BILL_TYPES[t] ?? t.toUpperCase()} ${n}`;
};

const STATUSES: Record<string, string> = {
  introduced: 'Introduced',
  passed_lower: 'Passed House',
  passed_upper: 'Passed Senate',
  passed_both: 'Passed both chambers',
  enacted: 'Became law',
  vetoed: 'Vetoed',
  failed: 'Failed',
  unknown: 'Unknown',
};

export const statusName = (s: string) => STATUSES[s] ?? s.replaceAll('_', ' ');

// Dates and numbers are formatted by hand, in the en-US style Intl would give ("Feb 24, 2021", "Feb 24, 2021,
// 3:05 PM", "12,767"): creating the first Intl formatter loads ICU data, which took 20-100 ms of the main thread
// on every first visit (profiled), before the page could show anything.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar day stays that day whatever the viewer's time zone (`2021-02-24` is not shifted to the 23rd). */
export const formatDay = (iso: string | null | undefined) => {
  if (!iso) return '–';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m) return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${Number(m[3])}, ${m[1]}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`;
};

/** Date and time in the viewer's time zone. */
export const formatDateTime = (iso: string | null | undefined) => {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const h = d.getHours();
  const minutes = String(d.getMinutes()).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}, ${h % 12 || 12}:${minutes} ${h < 12 ? 'AM' : 'PM'}`;
};

/** Thousands separated by commas, at most three decimals. */
export const formatNumber = (n: number | null | undefined) => {
  if (n === null || n === undefined) return '–';
  if (!Number.isFinite(n)) return String(n);
  const [int = '', frac] = String(Math.abs(Math.round(n * 1_000) / 1_000)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 && (int !== '0' || frac) ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
};

export const formatPct = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : `${n.toFixed(1)}%`;

export const ago = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1_000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
};
