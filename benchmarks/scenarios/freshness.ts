import { readdirSync, readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import pg from 'pg';
import { createApiKey } from '../../command/auth/apiKeys.ts';
import { memberAlias } from '../../command/contract/ids.ts';
import { parseUsVote, type UsVoteJson } from '../../command/importers/usVote.ts';
import { spread } from '../lib/context.ts';
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

/**
 * One GET per URL at a time: probes of the same vote (the ballots of a live roll call) share the request in
 * flight, as one dashboard watching that vote would. Without it, 200 ballots/s of one ~80 KB vote document
 * queued up to 16 copies of the same fetch and the probe became the load it was measuring.
 */
const inFlight = new Map<string, Promise<{ status: number; body: string }>>();
const probe = (url: string) => {
  let p = inFlight.get(url);
  if (!p) {
    p = pollSlots
      .run(async () => {
        const q = await fetch(url);
        return { status: q.status, body: await q.text() };
      })
      .finally(() => inFlight.delete(url));
    inFlight.set(url, p);
  }
  return p;
};

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

type Sent = Readonly<{
  command: unknown;
  /** Whether a 200 body of the vote shows what was sent (a whole roll call: any 200 does). */
  visible: (body: string) => boolean;
}>;

/**
 * Commands posted at a fixed rate for `seconds`, each polled through the query API until its vote shows it:
 * lag = time from the 202 Accepted to the first answer that does (each polled every 5 ms, at most 16 probes in
 * flight in all and one per URL, so that a growing backlog cannot turn the probe into the load).
 */
const stream = async (
  urls: { command: string; query: string },
  key: string,
  rate: number,
  seconds: number,
  next: () => Sent,
) => {
  const lags: number[] = [];
  const accepts: number[] = [];
  const sendToVisible: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const count = Math.round(rate * seconds);
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = next();
    pending.push(
      (async () => {
        const at = performance.now();
        try {
          const r = await fetch(`${urls.command}/api/v1/commands`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify(sent.command),
          });
          const accepted = performance.now();
          if (r.status !== 202) {
            errors += 1;
            return;
          }
          accepts.push(accepted - at);
          const { events } = (await r.json()) as { events: { streamId: string }[] };
          const url = `${urls.query}/api/v1/votes/${events[0]!.streamId}`;
          for (;;) {
            const q = await probe(url);
            const ok = q.status === 200 && sent.visible(q.body);
            if (ok) break;
            if (performance.now() - accepted > 60_000) {
              errors += 1;
              return;
            }
            await new Promise((res) => setTimeout(res, POLL_MS));
          }
          const visibleAt = performance.now();
          lags.push(visibleAt - accepted);
          sendToVisible.push(visibleAt - at);
        } catch {
          errors += 1;
        }
      })(),
    );
  }
  await Promise.all(pending);
  return {
    rate,
    seconds,
    lagMs: percentiles(lags),
    acceptMs: percentiles(accepts),
    // Where the queue forms moves between the command service and the projector: this one counts both.
    sendToVisibleMs: percentiles(sendToVisible),
    errors,
  };
};

type StreamResult = Awaited<ReturnType<typeof stream>>;

/** Several runs of one stream: per-run figures, and the median (min–max) of each percentile over the runs. */
const summarise = (runs: StreamResult[], kind?: 'ballots') => ({
  ...(kind ? { kind } : {}),
  rate: runs[0]!.rate,
  seconds: runs[0]!.seconds,
  lagMs: {
    p50: spread(runs.map((r) => r.lagMs.p50)),
    p99: spread(runs.map((r) => r.lagMs.p99)),
    max: spread(runs.map((r) => r.lagMs.max)),
  },
  acceptMs: { p99: spread(runs.map((r) => r.acceptMs.p99)) },
  sendToVisibleMs: {
    p50: spread(runs.map((r) => r.sendToVisibleMs.p50)),
    p99: spread(runs.map((r) => r.sendToVisibleMs.p99)),
  },
  errors: runs.reduce((a, r) => a + r.errors, 0),
  runs,
});

/**
 * Two streams through the command service, for each event log, `runs` times each (the rates interleaved, so
 * that a slow moment of the machine does not land on one rate only):
 * - roll calls: whole real roll calls (a House one carries ~430 ballots) renumbered so that each is a new vote,
 *   visible once GET /api/v1/votes/:id answers 200;
 * - ballots: a live roll call, its ballots arriving one command at a time (`ballotsComplete: false`, each
 *   merged into the vote), visible once the vote document lists that member.
 */
export const freshnessScenario = async (o: {
  logs: LogKind[];
  rates: number[];
  ballotRates?: number[];
  seconds: number;
  runs: number;
}) => {
  const templates = voteTemplates();
  const house = templates.filter((t) => t.chamber === 'h');
  const out: Record<string, Record<string, unknown>> = {};
  for (const log of o.logs) {
    const system = await startSystem(log);
    const admin = new pg.Pool({ connectionString: system.db.url, max: 2 });
    const urls = { command: system.stack.commandUrl, query: system.stack.queryUrl };
    try {
      const { key } = await createApiKey(admin, 'bench', ['write']);
      let serial = 0;
      const byStream = new Map<string, { kind?: 'ballots'; runs: StreamResult[] }>();
      const record = (name: string, r: StreamResult, kind?: 'ballots') => {
        const entry = byStream.get(name) ?? { ...(kind ? { kind } : {}), runs: [] };
        entry.runs.push(r);
        byStream.set(name, entry);
        process.stderr.write(`  freshness ${log} ${name}: lag p50 ${r.lagMs.p50} p99 ${r.lagMs.p99} ms\n`);
      };
      for (let run = 0; run < o.runs; run++) {
        for (const rate of o.rates) {
          const r = await stream(urls, key, rate, o.seconds, () => {
            const t = templates[serial % templates.length]!;
            serial += 1;
            return { command: parseUsVote({ ...t, number: 100_000 + serial }), visible: () => true };
          });
          record(`${rate}/s`, r);
        }
        for (const rate of o.ballotRates ?? []) {
          // Roll calls one after another, each ballot by ballot in the file's order.
          let live: { vote: ReturnType<typeof parseUsVote>; next: number } | null = null;
          const r = await stream(urls, key, rate, o.seconds, () => {
            if (!live || live.next === live.vote.data.ballots.length) {
              const t = house[serial % house.length]!;
              serial += 1;
              live = { vote: parseUsVote({ ...t, number: 100_000 + serial }), next: 0 };
            }
            const ballot = live.vote.data.ballots[live.next]!;
            live.next += 1;
            const command = {
              ...live.vote,
              data: { ...live.vote.data, ballotsComplete: false, ballots: [ballot] },
            };
            const member = `"memberId":"${memberAlias('us', ballot.voter)}"`;
            return { command, visible: (body: string) => body.includes(member) };
          });
          record(`ballots ${rate}/s`, r, 'ballots');
        }
      }
      out[log] = Object.fromEntries(
        [...byStream].map(([name, { kind, runs }]) => [name, summarise(runs, kind)]),
      );
    } finally {
      await admin.end();
      await system.stop();
    }
  }
  return { params: { ...o, pollMs: POLL_MS }, results: out };
};
