import { Unavailable } from '../../infra/kernel/errors.ts';
import type { Command } from '../contract/commands.ts';
import { decide } from '../contract/decide.ts';
import type { EventEnvelope } from '../contract/events.ts';
import type { Appended, EventLog } from '../log/eventLog.ts';

export type AcceptDeps = Readonly<{
  log: EventLog;
  now: () => Date;
  /** Counts what was accepted (new or duplicate, per event type). */
  onAccepted?: (events: readonly EventEnvelope[], appended: readonly Appended[]) => void;
}>;

/** Decides and appends; a log failure becomes a retriable 503 (nothing half-accepted is reported as accepted). */
export const accept = async (
  deps: AcceptDeps,
  commands: readonly Command[],
  context: { source: string; requestId: string | null },
): Promise<Appended[]> => {
  const recordedAt = deps.now().toISOString();
  const events = commands.map((c) =>
    decide(c, { recordedAt, source: context.source, requestId: context.requestId }),
  );
  let appended: Appended[];
  try {
    appended = await deps.log.append(events);
  } catch (err) {
    throw new Unavailable(`the ${deps.log.kind} event log did not accept the events; retry the request`, err);
  }
  deps.onAccepted?.(events, appended);
  return appended;
};
