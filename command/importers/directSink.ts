import type { Command } from '../contract/commands.ts';
import { decide } from '../contract/decide.ts';
import type { EventLog } from '../log/eventLog.ts';
import { type Sink, SinkUnavailable } from './sink.ts';

export type DirectSinkDeps = Readonly<{
  log: EventLog;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Closes what the log was opened with (its pool, its Kafka producer). */
  close: () => Promise<void>;
  retries?: number;
}>;

/**
 * Bulk mode: decides events here and appends them straight to the event log, as the command service would.
 * A failed append is retried (event ids are deterministic, so a replay only finds duplicates), then stops the run.
 */
export const createDirectSink = (d: DirectSinkDeps): Sink => ({
  async send(commands: readonly Command[]) {
    const metadata = { recordedAt: d.now().toISOString(), source: 'ingest-cli', requestId: null };
    const events = commands.map((c) => decide(c, metadata));
    const retries = d.retries ?? 3;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const appended = await d.log.append(events);
        return {
          accepted: appended.length,
          duplicates: appended.filter((a) => a.duplicate).length,
          rejected: [],
        };
      } catch (err) {
        if (attempt >= retries) {
          const message = err instanceof Error ? err.message : String(err);
          throw new SinkUnavailable(`the ${d.log.kind} event log did not accept a batch: ${message}`);
        }
        await d.sleep(500 * 2 ** attempt);
      }
    }
  },
  close: d.close,
});
