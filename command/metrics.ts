import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { SECONDS_BUCKETS } from '../infra/kernel/metricBuckets.ts';
import { requestLabels } from '../infra/kernel/requestLabels.ts';
import type { EventEnvelope } from './contract/events.ts';
import type { Appended } from './log/eventLog.ts';
import type { AppendGroup } from './log/groupCommit.ts';

const COUNTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/**
 * The command service's Prometheus registry (one per instance, so tests can run several): requests per route
 * and status, events accepted (new or duplicate) per type, and how the event log's appends go (duration, and
 * how many requests and events group commit put in each).
 */
export const createCommandMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requestDuration = new Histogram({
    name: 'openpolicy_http_request_duration_seconds',
    help: 'Time to the last byte of the response, per express route path and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const events = new Counter({
    name: 'openpolicy_events_accepted_total',
    help: 'Events accepted, per event type: result "new" (appended) or "duplicate" (already in the log)',
    labelNames: ['type', 'result'] as const,
    registers,
  });
  const appendDuration = new Histogram({
    name: 'openpolicy_event_log_append_seconds',
    help: 'One append to the event log (a group of requests), per log and outcome',
    labelNames: ['log', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const groupRequests = new Histogram({
    name: 'openpolicy_event_log_group_requests',
    help: 'Requests whose events group commit appended together',
    buckets: COUNTS,
    registers,
  });
  const groupEvents = new Histogram({
    name: 'openpolicy_event_log_group_events',
    help: 'Events appended together by group commit',
    buckets: COUNTS,
    registers,
  });

  /** Times each request, labelled as the query service labels its own (`requestLabels`). */
  const middleware: RequestHandler = (req, res, next) => {
    const end = requestDuration.startTimer();
    res.once('finish', () => end(requestLabels(req, res)));
    next();
  };

  return {
    registry,
    middleware,
    /** After an accept: one count per event, new or duplicate. */
    accepted(sent: readonly EventEnvelope[], appended: readonly Appended[]) {
      sent.forEach((e, i) => {
        events.inc({ type: e.type, result: appended[i]?.duplicate ? 'duplicate' : 'new' });
      });
    },
    /** After each append group commit made (see withGroupCommit's onGroup). */
    group(log: string, g: AppendGroup) {
      appendDuration.observe({ log, outcome: g.ok ? 'ok' : 'failed' }, g.seconds);
      groupRequests.observe(g.requests);
      groupEvents.observe(g.events);
    },
  };
};

export type CommandMetrics = ReturnType<typeof createCommandMetrics>;
