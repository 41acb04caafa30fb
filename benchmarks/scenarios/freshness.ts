import { readdirSync, readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import { DATA, type LogKind, startSystem } from '../lib/system.ts';

const POLL_MS = 5;
const MAX_CONCURRENT_POLLS = 16;

/** A tiny semaphore: at most `n` probe requests in flight. */
const semaphore = (n: number) => {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (free === 0) await new Promise<void>((r) => waiting.push(r));
      else free -= 1;
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free += 1;
      }
    },
  };
};
const pollSlots = semaphore(MAX_CONCURRENT_POLLS);

/** Real roll calls re-numbered so that every send is a new vote (a new aggregate, a new event). */
const voteTemplates = () => {
  const dir = `${DATA}us/117/votes/2021/`;
  return readdirSync(dir)
    .slice(0, 300)
    .map((d) => JSON.parse(readFileSync(`${dir}${d}/data.json`, 'utf8')) as UsVoteJson);
};

const percentiles = (xs: number[]) => {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const x of xs) h.recordValue(Math.max(1, Math.round(x * 1_000)));
  return {
    p50: h.getValueAtPercentile(50) / 1_000,
    p99: h.getValueAtPercentile(99) / 1_000,
    max: h.maxValue / 1_000,
    n: xs.length,
  };
};

/**
 * New votes posted to the command service at a fixed rate while the client polls the query API for each one:
 * lag = time from the 202 Accepted to the first 200 from GET /api/v1/votes/:id (each vote polled every 5 ms,
 * at most 16 probes in flight in all).
 */
export const freshnessScenario = async (o: { logs: LogKind[]; rates: number[]; seconds: number }) => {
  const templates = voteTemplates();
  const out: Record<string, Record<string, unknown>> = {};
  for (const log of o.logs) {
    const system = await startSystem(log);
    const admin = new pg.Pool({ connectionString: system.db.url, max: 2 });
    try {
      const { key } = await createApiKey(admin, 'bench', ['write']);
      let serial = 0;
      for (const rate of o.rates) {
        const lags: number[] = [];
        const accepts: number[] = [];
        let errors = 0;
        const pending: Promise<void>[] = [];
        const start = performance.now();
        const count = Math.round(rate * o.seconds);
        for (let i = 0; i < count; i++) {
          const due = start + (i * 1_000) / rate;
          const wait = due - performance.now();
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
          const t = templates[serial % templates.length]!;
          serial += 1;
          const command = parseUsVote({ ...t, number: 100_000 + serial });
          pending.push(
            (async () => {
              const sent = performance.now();
              try {
                const r = await fetch(`${system.stack.commandUrl}/api/v1/commands`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
                  body: JSON.stringify(command),
                });
                const accepted = performance.now();
                if (r.status !== 202) {
                  errors += 1;
                  return;
                }
                accepts.push(accepted - sent);
                const { events } = (await r.json()) as { events: { streamId: string }[] };
                const url = `${system.stack.queryUrl}/api/v1/votes/${events[0]!.streamId}`;
                for (;;) {
                  // Polls share a bounded pool, so that a growing backlog cannot turn the probe into the load.
                  const ok = await pollSlots.run(async () => {
                    const q = await fetch(url);
                    await q.arrayBuffer();
                    return q.status === 200;
                  });
                  if (ok) break;
                  if (performance.now() - accepted > 60_000) {
                    errors += 1;
                    return;
                  }
                  await new Promise((res) => setTimeout(res, POLL_MS));
                }
                lags.push(performance.now() - accepted);
              } catch {
                errors += 1;
              }
            })(),
          );
        }
        await Promise.all(pending);
        out[log] ??= {};
        out[log][`${rate}/s`] = {
          rate,
          seconds: o.seconds,
          lagMs: percentiles(lags),
          acceptMs: percentiles(accepts),
          errors,
        };
        process.stderr.write(
          `  freshness ${log} ${rate}/s: lag p50 ${percentiles(lags).p50} p99 ${percentiles(lags).p99} ms\n`,
        );
      }
    } finally {
      await admin.end();
      await system.stop();
    }
  }
  return { params: { ...o, pollMs: POLL_MS }, results: out };
};
