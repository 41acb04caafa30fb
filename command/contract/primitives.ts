import { z } from 'zod/v4';

/** Shared building blocks of the event contract; every text field is bounded so no record can balloon. */
export const Jurisdiction = z.enum(['us', 'ca']);
export type Jurisdiction = z.infer<typeof Jurisdiction>;

export const text = (max = 2_000) => z.string().trim().min(1).max(max);
export const optionalText = (max = 2_000) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/;

/**
 * Whether a date or date-time that has the ISO-8601 shape names a real instant: a day that exists in its month
 * (2021-02-30 does not), hours below 24, minutes below 60, seconds up to a leap second, an offset within ±15:59.
 * The shape alone let an impossible date through the command side, and the projector then dead-lettered the
 * whole roll call (Postgres refuses it) after the client had its 202.
 */
const realCalendar = (value: string) => {
  const m = DATE_TIME.exec(value);
  if (!m) return true; // not the shape at all: the regex reports that, once
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days) return false;
  const [hour, minute, second] = [m[4], m[5], m[6]].map((v) => (v === undefined ? 0 : Number(v)));
  if (hour! > 23 || minute! > 59 || second! > 60) return false;
  return m[9] === undefined || (Number(m[9]) <= 15 && Number(m[10]) <= 59);
};

/** ISO-8601 date (2021-01-03) or date-time with offset (2021-01-03T13:24:00-05:00), of a day that exists. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO-8601 date (YYYY-MM-DD)')
  .refine(realCalendar, 'not a date that exists (month, day)');
export const IsoDateTime = z
  .string()
  .regex(DATE_TIME, 'expected an ISO-8601 date or date-time')
  .refine(
    realCalendar,
    'not a date and time that exist (month, day, hour, minute, second or offset out of range)',
  );

/**
 * A whole number as sources write it: a number, or a string of digits. Nothing else is converted (coercion made
 * `true` roll call 1 and `["2021"]` the year 2021, so a broken record overwrote another roll call).
 */
const digitsToNumber = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);

/** A roll call's number within its chamber and year (US) or session (Canada). */
export const RollCallNumber = z.preprocess(digitsToNumber, z.number().int().positive().max(1_000_000));
export const RollCallYear = z
  .preprocess(digitsToNumber, z.number().int().min(1789).max(2200).nullish())
  .transform((v) => v ?? null);

/** Lower/upper house, neutral across jurisdictions; `chamberName` keeps the legislature's own word. */
export const Chamber = z.enum(['lower', 'upper', 'joint']);
export type Chamber = z.infer<typeof Chamber>;

/** A member as a source names them: one id in one scheme (bioguide, lis, ca-person, ...). */
export const MemberRef = z.object({
  scheme: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'scheme must be a lowercase identifier'),
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'id must be 1-64 letters, digits, dot, dash or underscore'),
});
export type MemberRef = z.infer<typeof MemberRef>;

/** Party affiliation over a period; `end` null means still current in the source. */
export const Term = z.object({
  chamber: Chamber,
  start: IsoDate,
  end: IsoDate.nullish().transform((v) => v ?? null),
  party: optionalText(100),
  region: optionalText(100),
  district: optionalText(100),
});
export type Term = z.infer<typeof Term>;
