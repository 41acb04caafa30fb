import type { FieldError } from '../../infra/kernel/errors.ts';
import { fieldErrors } from '../../infra/kernel/zodErrors.ts';
import { Command } from '../contract/commands.ts';

export type Parsed = { ok: true; command: Command } | { ok: false; errors: FieldError[] };

/** Validates one command; errors name each bad field by its path. */
export const parseCommand = (input: unknown): Parsed => {
  const result = Command.safeParse(input);
  return result.success
    ? { ok: true, command: result.data }
    : { ok: false, errors: fieldErrors(result.error) };
};
