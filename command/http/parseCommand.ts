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

/** The zod (v4) definition fields the walk below reads; the rest of a schema's internals are not its business. */
type Def = {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  getter?: () => Schema;
  options?: Schema[];
  discriminator?: string;
};
type Schema = { _zod: { def: Def; propValues?: Record<string, Set<unknown>> } };

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/**
 * The same unknown keys, found from the schema when validation failed (there is no output to compare with): a
 * command with a misspelt field usually lacks the field it meant too, and the client should hear of both.
 */
const unknownBySchema = (schema: Schema, input: unknown, path: string, into: FieldError[]) => {
  const def = schema._zod.def;
  if (WRAPPERS.has(def.type) && def.innerType) unknownBySchema(def.innerType, input, path, into);
  else if (def.type === 'pipe' && def.in && def.out) {
    // A preprocess pipe starts with its transform: the shape is the schema after it.
    unknownBySchema(def.in._zod.def.type === 'transform' ? def.out : def.in, input, path, into);
  } else if (def.type === 'lazy' && def.getter) unknownBySchema(def.getter(), input, path, into);
  else if (def.type === 'array' && def.element && Array.isArray(input)) {
    for (const [i, x] of input.entries()) unknownBySchema(def.element, x, `${path}.${i}`, into);
  } else if (def.type === 'object' && def.shape && isRecord(input)) {
    const closed = !def.catchall || def.catchall._zod.def.type === 'never';
    for (const key of Object.keys(input)) {
      const at = path ? `${path}.${key}` : key;
      const field = def.shape[key];
      if (field) unknownBySchema(field, input[key], at, into);
      else if (closed) into.push({ path: at, message: `unknown field "${key}"` });
    }
  } else if (def.type === 'union' && def.discriminator && isRecord(input)) {
    // Only the member the discriminator picks: the others' fields are not this command's.
    const value = input[def.discriminator];
    const option = def.options?.find((o) => o._zod.propValues?.[def.discriminator!]?.has(value));
    if (option) unknownBySchema(option, input, path, into);
  }
  return into;
};

/** Validates one command; errors name each bad field, and each unknown one, by its path. */
export const parseCommand = (input: unknown): Parsed => {
  const result = Command.safeParse(input);
  if (!result.success) {
    // A closed object's own "Unrecognized key" issue is left to the walk, which names each key by its path.
    const issues = result.error.issues.filter((i) => i.code !== 'unrecognized_keys');
    const unknown = unknownBySchema(Command as unknown as Schema, input, '', []);
    return { ok: false, errors: [...fieldErrors({ issues }), ...unknown] };
  }
  const unknown = unknownKeys(input, result.data, '', []);
  return unknown.length ? { ok: false, errors: unknown } : { ok: true, command: result.data };
};
