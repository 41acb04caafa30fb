import { z } from 'zod/v4';

/**
 * A page size as written: digits only, so `1e1`, `0x10`, ` 1` or an empty value is a 400 rather than 10, 16 or 1
 * (z.coerce.number took them all).
 */
export const pageLimit = (max: number, fallback = 20) =>
  z
    .string()
    .regex(/^\d{1,4}$/, `expected a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .default(fallback)
    // What the OpenAPI document says of it: the integer a client sends (the pattern is what it is written as).
    .meta({ type: 'integer', minimum: 1, maximum: max, default: fallback });
