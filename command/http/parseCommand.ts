import type { FieldError } from '../../infra/kernel/errors.ts';
import { fieldErrors } from '../../infra/kernel/zodErrors.ts';
import { Command } from '../contract/commands.ts';

export type Parsed = { ok: true; command: Command } | { ok: false; errors: FieldError[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The keys of `input` that validation dropped, by path: fields the contract does not know (a misspelt
 * `sourceURL`, an `extra` on a ballot). Zod strips them silently below the top level, so a client's typo lost
 * the value without a word; the command is refused instead. The events' own schemas stay lenient (upcasting).
 */
const unknownKeys = (input: unknown, output: unknown, path: string, into: FieldError[]) => {
  if (Array.isArray(input) && Array.isArray(output)) {
    for (let i = 0; i < input.length; i++) unknownKeys(input[i], output[i], `${path}.${i}`, into);
  } else if (isRecord(input) && isRecord(output)) {
    for (const key of Object.keys(input)) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in output)) into.push({ path: at, message: `unknown field "${key}"` });
      else unknownKeys(input[key], output[key], at, into);
    }
  }
  return into;
};

/** Validates one command; errors name each bad field, and each unknown one, by its path. */
export const parseCommand = (input: unknown): Parsed => {
  const result = Command.safeParse(input);
  if (!result.success) return { ok: false, errors: fieldErrors(result.error) };
  const unknown = unknownKeys(input, result.data, '', []);
  return unknown.length ? { ok: false, errors: unknown } : { ok: true, command: result.data };
};
