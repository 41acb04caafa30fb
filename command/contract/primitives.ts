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

/** ISO-8601 date (2021-01-03) or date-time with offset (2021-01-03T13:24:00-05:00). */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO-8601 date (YYYY-MM-DD)');
export const IsoDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    'expected an ISO-8601 date or date-time',
  );

/** A roll call's number within its chamber and year (US) or session (Canada). */
export const RollCallNumber = z.coerce.number().int().positive().max(1_000_000);
export const RollCallYear = z.coerce
  .number()
  .int()
  .min(1789)
  .max(2200)
  .nullish()
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
