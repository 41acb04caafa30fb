import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
export const RESULTS_MD = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

type Spread = { median: number; min: number; max: number; runs: number };
// biome-ignore lint/suspicious/noExplicitAny: result files are free-form JSON written by the scenarios
type Json = any;

export const saveResult = (name: string, data: unknown) => {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}${name}.json`, `${JSON.stringify(data, null, 2)}\n`);
};

const n = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = (x: Spread | undefined, digits = 0) =>
  x
    ? x.runs > 1
      ? `${n(x.median, digits)} (${n(x.min, digits)}–${n(x.max, digits)})`
      : n(x.median, digits)
    : '–';
/** A percentile of one run (a number) or over several runs (median with min–max). */
const pct = (x: number | Spread) => (typeof x === 'number' ? n(x, 1) : s(x, 1));
const head = (r: Json) =>
  `_${r.machine.cores} cores, ${r.machine.cpu}, Node ${r.machine.node}, commit ${r.machine.commit}, ${r.machine.at}_`;

const sections: Record<string, (r: Json) => string[]> = {
  read: (r) => {
    const rows = Object.entries(r.closed as Record<string, Json>).map(([name, t]) => {
      const ratioCeil = t.service.rps.median / t.ceiling.rps.median;
      const ratioLive = t.service.rps.median / t.liveSql.rps.median;
      const open = r.open?.[name];
      const control = r.openCeiling?.[name];
      // Several open-loop runs: medians (min–max) of p50 and p99; one run (older results): its own figures.
      const latency = (one: Json, many: Json) =>
        many
          ? `${s(many.p50, 2)} / ${s(many.p99, 2)}`
          : `${n(one.latencyMs.p50, 2)} / ${n(one.latencyMs.p99, 2)}`;
      return `| ${name} | ${s(t.service.rps)} | ${s(t.ceiling.rps)} | ${s(t.liveSql.rps)} | ${(100 * ratioCeil).toFixed(0)}% | ${ratioLive.toFixed(1)}× | ${open ? `${latency(open, r.openSpread?.service?.[name])} @ ${n(open.targetRps)}/s` : '–'} | ${control ? latency(control, r.openSpread?.ceiling?.[name]) : '–'} | 5,000 req/s, p99 200 ms |`;
    });
    return [
      `Closed loop, ${r.params.connections} connections, ${r.params.seconds} s per run after ${r.params.warmup} s warm-up, ${r.params.runs} runs alternating targets; medians (min–max). Open loop: requests due on a fixed schedule (wrk2-like) at half the service's median maximum, latency from when each was due${r.openSpread ? `, ${r.params.runs} runs alternating with the control, medians (min–max)` : ''}; the raw ceiling at the same rate is the control (a tail it shares comes from the machine, not the service).`,
      '',
      '| endpoint | query service req/s | raw node:http ceiling req/s | live SQL baseline req/s | service / ceiling | service / live SQL | open-loop p50 / p99 ms | raw ceiling at the same rate p50 / p99 ms (control) | seed target |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `1,000 concurrent keep-alive connections on vote detail: ${n(r.thousandConnections.rps)} req/s, p99 ${r.thousandConnections.latencyMs.p99} ms, ${r.thousandConnections.errors} errors${r.thousandConnections.littleMs ? ` (closed loop: mean latency = connections / throughput ≈ ${n(r.thousandConnections.littleMs)} ms)` : ''}.`,
      '',
      "Targets beyond the seed's: at least 80% of the ceiling's throughput on the detail endpoints, at least 10× the live-SQL baseline, open-loop p99 under 5 ms at half the service's maximum, 1,000 connections without errors.",
    ];
  },
  ingest: (r) => [
    `Dataset \`${r.params.dataset}\` loaded into an empty system through the bulk path (importer straight to the event log); time until the projector applied the last event. ${r.params.runs} run(s) per log.`,
    '',
    '| event log | seconds until queryable | ballots/s | µs per ballot | votes | ballots | bills | members | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(r.summary as Record<string, Json>).map(([log, v]) => {
      const run = r.runs.find((x: Json) => x.log === log);
      return `| ${log} | ${s(v.seconds, 1)} | ${s(v.ballotsPerSecond)} | ${s(v.microsecondsPerBallot, 1)} | ${n(run.votes)} | ${n(run.ballots)} | ${n(run.bills)} | ${n(run.members)} | ${r.params.dataset === 'us117' ? '< 15 s' : '< 120 s'} |`;
    }),
  ],
  freshness: (r) => [
    `Posted to the command service at a fixed rate for ${r.params.seconds} s${r.params.runs > 1 ? `, ${r.params.runs} runs (rates interleaved); each percentile is the median over the runs (min–max)` : ''}; lag = 202 Accepted → the first answer of the query API that shows it (each polled every ${r.params.pollMs} ms, at most 16 probes in flight and one per vote). _Roll calls_: whole real roll calls (a House one has ~430 ballots), each a new vote, visible at the first 200. _Ballots_: a live roll call, one ballot per command merged into the vote, visible once the vote document lists that member. Sent → visible counts the wait for the 202 too: when the command service keeps up the queue forms in the projector (lag), when it does not, before the 202.`,
    '',
    '| event log | stream | rate | lag p50 ms | lag p99 ms | lag max ms | 202 p99 ms | sent → visible p50 / p99 ms | errors | target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(r.results as Record<string, Record<string, Json>>).flatMap(([log, byRate]) =>
      Object.values(byRate).map(
        (v) =>
          `| ${log} | ${v.kind === 'ballots' ? 'ballots' : 'roll calls'} | ${v.rate}/s | ${pct(v.lagMs.p50)} | ${pct(v.lagMs.p99)} | ${pct(v.lagMs.max)} | ${pct(v.acceptMs.p99)} | ${v.sendToVisibleMs ? `${pct(v.sendToVisibleMs.p50)} / ${pct(v.sendToVisibleMs.p99)}` : '–'} | ${v.errors} | ${v.kind === 'ballots' ? 'p99 < 100 ms at 200/s, if a vote is one ballot' : 'p99 < 100 ms at 200/s'} |`,
      ),
    ),
  ],
  views: (r) => [
    `Dataset \`${r.params.dataset}\` (${n(r.ballots)} ballots), ${r.params.runs} runs each.`,
    '',
    '| aggregate | full REFRESH CONCURRENTLY ms | incremental: one new roll call applied ms | target |',
    '| --- | --- | --- | --- |',
    ...Object.entries(r.refreshMs as Record<string, Spread>).map(
      ([v, x]) => `| ${v} | ${s(x, 1)} | ${s(r.incrementalVoteMs, 1)} | dashboard < 2,000 ms |`,
    ),
    '',
    'Query plans (EXPLAIN ANALYZE) of the hot read queries are in `results/views.json`.',
  ],
  web: (r) => [
    `Headless Chromium (Debian) on localhost, dataset \`${r.params.dataset}\`, served by the query service. LCP: cold first load (fresh browser context) of each page, ${r.params.runs} runs. Search: ${r.typed.length} different title fragments typed into the header field at ${r.params.typingDelayMs} ms per key; time from the last keystroke to its results on screen. Initial JavaScript: ${n(r.initialJsGzipBytes / 1_000, 1)} kB gzipped.${r.loadAverage1m ? ` Machine load average (1 min) ${n(r.loadAverage1m.before, 1)} before, ${n(r.loadAverage1m.after, 1)} after the measurements, on ${r.machine.cores} cores.` : ''}`,
    '',
    '| measure | median ms (min–max) | target |',
    '| --- | --- | --- |',
    ...Object.entries(r.lcpMs as Record<string, Spread>).map(
      ([page, x]) => `| largest contentful paint, ${page} | ${s(x)} | < ${n(r.targets.lcpMs)} ms |`,
    ),
    `| last keystroke → results | ${s(r.keystrokeToResultsMs)} | < ${n(r.targets.keystrokeToResultsMs)} ms |`,
  ],
  search: (r) => {
    const rows = Object.entries(r.byClients as Record<string, Json>).map(([clients, t]) => {
      const ratio = t.engine.qps.median / t.ilike.qps.median;
      return `| ${clients} | ${s(t.service.qps)} | ${n(t.service.p50Ms.median, 2)} / ${n(t.service.p99Ms.median, 2)} | ${s(t.engine.qps)} | ${n(t.engine.p50Ms.median, 2)} / ${n(t.engine.p99Ms.median, 2)} | ${s(t.ilike.qps)} | ${n(t.ilike.p50Ms.median, 1)} / ${n(t.ilike.p99Ms.median, 1)} | ${ratio.toFixed(1)}× | p99 < 15 ms at 8 clients |`;
    });
    return [
      `Corpus \`${r.params.corpus}\` (17,817 bills); ${r.params.queries} queries in a fixed mix (words, quoted phrases, misspellings, prefixes as typed, filtered), equally weighted; closed loop, ${r.params.seconds} s per run after ${r.params.warmup} s warm-up, ${r.params.runs} runs alternating targets; medians (min–max). _Service_: the query service as deployed (answers cached after their first request). _Engine_: the same service with every cache off, so each request runs the Postgres full-text query. _ILIKE_: a naive \`ILIKE '%term%'\` on title and summary.`,
      '',
      '| clients | service q/s | service p50 / p99 ms | engine q/s | engine p50 / p99 ms | ILIKE q/s | ILIKE p50 / p99 ms | engine / ILIKE | target (engine) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ];
  },
  rebuild: (r) => [
    `Dataset \`${r.params.dataset}\`: ${n(r.events)} events replayed into a shadow schema, compared and switched while the services run.`,
    '',
    `| seconds | identical to live | ${'runs'} |`,
    '| --- | --- | --- |',
    `| ${s(r.seconds, 1)} | ${r.runs.every((x: Json) => x.report.identical) ? 'yes' : 'no'} | ${r.runs.length} |`,
  ],
};

/** Regenerates RESULTS.md from every result file, so the table always matches the committed JSON. */
export const writeResultsMarkdown = () => {
  const lines = [
    '# Benchmark results',
    '',
    'Produced by `npm run bench` (see benchmarks/README.md). Shared, noisy 2-core machines: compare ratios measured in the same run; absolute numbers move between runs.',
    '',
  ];
  const files = existsSync(RESULTS_DIR)
    ? readdirSync(RESULTS_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  for (const f of files) {
    const r = JSON.parse(readFileSync(`${RESULTS_DIR}${f}`, 'utf8'));
    const name = f.replace(/\.json$/, '');
    const render = sections[r.scenario];
    if (!render) continue;
    const chart = existsSync(fileURLToPath(new URL(`../charts/${name}.svg`, import.meta.url)))
      ? [`![${name}](charts/${name}.svg)`, '']
      : [];
    lines.push(`## ${name}`, '', head(r), '', ...render(r), '', ...chart);
  }
  writeFileSync(RESULTS_MD, `${lines.join('\n')}\n`);
};
