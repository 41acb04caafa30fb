import type { EventEnvelope } from '../contract/events.ts';

export type Appended = Readonly<{ eventId: string; streamId: string; position: string; duplicate: boolean }>;

/** Where accepted events go: Kafka, or the embedded Postgres log. Same contract either way. */
export interface EventLog {
  readonly kind: 'kafka' | 'postgres';
  /** Durably appends the events (in order per stream) or throws; a duplicate event id is reported, not re-added. */
  append(events: readonly EventEnvelope[]): Promise<Appended[]>;
  close(): Promise<void>;
}

/** Notified by `events.append` (sql/0009) when an append added events; the name is spelled there too. */
export const EVENTS_CHANNEL = 'openpolicy_events';
