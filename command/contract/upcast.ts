import { type EventEnvelope, EventEnvelopeSchema, SCHEMA_VERSION } from './events.ts';

/**
 * Turns a stored event of any schema version into the newest union. Version 1 is the only one so far;
 * when v2 arrives, a frozen v1 schema and its mapping go here and handlers keep seeing only the newest shape.
 */
export const upcast = (raw: unknown): EventEnvelope => {
  const candidate = raw as { schemaVersion?: unknown };
  if (candidate?.schemaVersion !== SCHEMA_VERSION) {
    throw new Error(`unsupported event schemaVersion ${String(candidate?.schemaVersion)}`);
  }
  return EventEnvelopeSchema.parse(raw) as EventEnvelope;
};
