import type { FieldError } from './errors.ts';

/** The part of a zod error (v3 or v4) we report: each issue's path and message. */
type Issues = {
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; received?: unknown }[];
};

/**
 * JSON.parse turns a number past ±1.8e308 (`1e400`) into ±Infinity, which zod refuses as "expected number, received
 * number"; the client is told the number is out of range instead.
 */
const message = (issue: Issues['issues'][number]) =>
  issue.code === 'invalid_type' && issue.received === 'Infinity'
    ? 'Invalid input: the number is out of range (not finite: JSON numbers must be within ±1.8e308)'
    : issue.message;

/** Flattens zod issues into one entry per bad field, with the path as dotted text. */
export const fieldErrors = (error: Issues, prefix: (string | number)[] = []): FieldError[] =>
  error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.') || '(root)',
    message: message(issue),
  }));
