import type { FieldError } from './errors.ts';

/** The part of a zod error (v3 or v4) we report: each issue's path and message. */
type Issues = { issues: readonly { path: readonly PropertyKey[]; message: string }[] };

/** Flattens zod issues into one entry per bad field, with the path as dotted text. */
export const fieldErrors = (error: Issues, prefix: (string | number)[] = []): FieldError[] =>
  error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.') || '(root)',
    message: issue.message,
  }));
