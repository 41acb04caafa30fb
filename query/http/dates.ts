import { z } from 'zod/v4';

/** A calendar day Postgres accepts as `::date` (a well-formed but impossible one such as 2021-13-45 is a 400). */
const realDay = (s: string) => {
  if (s.startsWith('0000')) return false;
  const t = Date.parse(`${s.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s.slice(0, 10));
};

export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(realDay, 'no such day');

/** A UTC instant as list cursors carry it (`to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`). */
export const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/,
    'expected an ISO-8601 UTC instant',
  )
  .refine(realDay, 'no such day');

/**
 * A date range's bounds in order: `to` before `from` is the client's mistake (a 400 naming it), not an empty page.
 * For an object schema's `superRefine`.
 */
export const daysInOrder =
  (from: string, to: string) => (q: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx) => {
    const a = q[from];
    const b = q[to];
    if (typeof a === 'string' && typeof b === 'string' && b < a)
      ctx.addIssue({ code: 'custom', path: [to], message: `${to} (${b}) is before ${from} (${a})` });
  };
