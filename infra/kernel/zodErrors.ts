import type { ZodError } from 'zod';
import type { FieldError } from './errors.ts';

/** Flattens zod issues into one entry per bad field, with the path as dotted text. */
export const fieldErrors = (error: ZodError, prefix: (string | number)[] = []): FieldError[] =>
  error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].join('.') || '(root)',
    message: issue.message,
  }));
