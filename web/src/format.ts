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

/**
 * `us-117-hr-1319` -> `H.R. 1319`, `ca-44-1-c-354` -> `C-354` (Canadian ids carry the session too): the number
 * as the legislature prints it, as the API's own `label` (projector/bills/billLabel.ts) spells it.
 */
export const billLabel = (id: string, type?: string | null, number?: string | number | null) => {
  const m = /^([a-z]+)-\d+(?:-\d+)?-([a-z]+)-(\w+)$/.exec(id);
  const t = type ?? m?.[2];
  const n = number ?? m?.[3];
  if (!t || n === undefined || n === null) return id;
  return id.startsWith('us-') ? `${BILL_TYPES[t] ?? t.toUpperCase()} ${n}` : `${t.toUpperCase()}-${n}`;
};

/** 1st, 2nd, 3rd, 4th... 11th, 12th, 13th... 21st, 42nd, 117th. */
export const ordinal = (n: number | string) => {
  const v = Number(n);
  if (!Number.isInteger(v)) return String(n);
  const tens = v % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][v % 10] ?? 'th');
  return `${v}${suffix}`;
};

/** The session a bill id names (`us-117-hr-1` -> `117`, `ca-44-1-c-354` -> `44-1`): a stub bill has no other. */
export const sessionOfId = (id: string) => /^[a-z]+-(\d+(?:-\d+)?)-[a-z]+-\w+$/.exec(id)?.[1] ?? null;

/**
 * A session as words: `117` -> "117th Congress", Canadian `44-1` -> "44th Parliament, session 1". A Canadian
 * session is `<parliament>-<session>`; the bill id, when known, says whose it is.
 */
export const sessionName = (session: string, id?: string) => {
  const [first = session, number] = session.split('-');
  if (id ? !id.startsWith('ca-') : !number) return `${ordinal(first)} Congress`;
  return `${ordinal(first)} Parliament${number ? `, session ${number}` : ''}`;
};

/**
 * A sponsor's name as search finds it: "Sen. Stabenow, Debbie [D-MI]" -> "Stabenow, Debbie" (the projector indexes
 * this form, projector/search/billSearch.ts).
 */
export const sponsorSearchName = (name: string) =>
  name
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .replace(/^(?:Sen|Rep|Del|Resident Commissioner)\.?\s+/i, '')
    .trim();

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

/**
 * How a roll call's result reads: `passed` (Agreed to, Confirmed, Decision of Chair Sustained), `failed`
 * (Rejected, Negatived, Objection Not Sustained), or `other` for a result that is neither, such as the name
 * elected Speaker. Failure words are checked first: "Not Sustained" contains "Sustained".
 */
export const resultClass = (result: string) =>
  /\bnot\b|fail|reject|defeat|negativ/i.test(result)
    ? 'failed'
    : /pass|agree|confirm|sustain|adopt|carried/i.test(result)
      ? 'passed'
      : 'other';

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
