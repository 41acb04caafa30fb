import type { z } from 'zod/v4';
import type { Command } from '../contract/commands.ts';

/** A command as a parser builds it: plain data, validated later by the `Command` schema. */
export type CommandInput = z.input<typeof Command>;

/**
 * One record read from a source file: the command it became, or why it could not become one. `position`
 * locates it for a person (`record 3`, `row 12 (line 13)`, `line 40, column 7`).
 */
export type Parsed = { position: string; command: CommandInput } | { position: string; error: string };

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Maps each record on its own, so one bad record becomes an error and the rest still flow. */
export const parseEach = <T>(
  records: readonly T[],
  toCommand: (record: T, index: number) => CommandInput,
  position: (record: T, index: number) => string = (_r, i) => `record ${i + 1}`,
): Parsed[] =>
  records.map((record, i) => {
    try {
      return { position: position(record, i), command: toCommand(record, i) };
    } catch (err) {
      return { position: position(record, i), error: errorMessage(err) };
    }
  });
