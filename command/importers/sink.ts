import type { Command } from '../contract/commands.ts';

/** What became of one batch: counts, and the records refused by their index in the batch. */
export type BatchOutcome = Readonly<{
  accepted: number;
  duplicates: number;
  rejected: readonly { index: number; reason: string }[];
}>;

/** Where validated commands go: the command service over HTTP, the event log itself, or nowhere (dry run). */
export type Sink = Readonly<{
  send(commands: readonly Command[]): Promise<BatchOutcome>;
  close(): Promise<void>;
}>;

/** The destination cannot take anything now (unreachable, overloaded past the retries, key refused): stop. */
export class SinkUnavailable extends Error {}

export const dryRunSink: Sink = {
  send: async () => ({ accepted: 0, duplicates: 0, rejected: [] }),
  close: async () => {},
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
