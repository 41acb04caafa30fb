/**
 * `npm run bench [-- <scenario>...] [--data us117|us110-117] [--log postgres|kafka] [--quick]`
 * `npm run bench -- --compare <git-ref> [--quick]`: the read mix on the working tree and on <git-ref>, alternating.
 * Scenarios: read, ingest, freshness, views, rebuild, search, web (default: all). Writes benchmarks/results/<name>.json
 * and regenerates benchmarks/RESULTS.md. Needs the services from infra/up.sh (Kafka optional).
 */
import { parseArgs } from 'node:util';
import { compareRead } from './compare.ts';
import { writeCharts } from './lib/charts.ts';
import { machine } from './lib/context.ts';
import { saveResult, writeResultsMarkdown } from './lib/report.ts';
import { DATASETS, kafkaAvailable, type LogKind } from './lib/system.ts';
import { freshnessScenario } from './scenarios/freshness.ts';
import { ingestScenario } from './scenarios/ingest.ts';
import { readScenario } from './scenarios/read.ts';
import { rebuildScenario } from './scenarios/rebuild.ts';
import { searchScenario } from './scenarios/search.ts';
import { viewsScenario } from './scenarios/views.ts';
import { webScenario } from './scenarios/web.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string', default: 'us117' },
    quick: { type: 'boolean', default: false },
    log: { type: 'string' },
    compare: { type: 'string' },
  },
});
if (values.compare) {
  // The read mix on the working tree and on a git ref, alternating, with per-metric ratios (see compare.ts).
  const quickCompare = values.quick!;
  await compareRead({
    ref: values.compare,
    paths: DATASETS[quickCompare ? 'mini' : values.data!]!,
    seconds: quickCompare ? 3 : 8,
    warmup: 1,
    runs: quickCompare ? 2 : 4,
    connections: 32,
  });
  process.exit(0);
}
const ALL = ['read', 'ingest', 'freshness', 'views', 'rebuild', 'search', 'web'];
const chosen = positionals.length ? positionals : ALL;
const unknown = chosen.filter((s) => !ALL.includes(s));
if (unknown.length) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; choose from ${ALL.join(', ')}\n`);
  process.exit(2);
}
const data = values.data!;
const quick = values.quick!;
const available: LogKind[] = (await kafkaAvailable()) ? ['postgres', 'kafka'] : ['postgres'];
const logs = values.log ? available.filter((l) => l === values.log) : available;
if (!available.includes('kafka') && values.log !== 'postgres')
  process.stderr.write('note: no Kafka broker reachable; Kafka runs are skipped\n');
const suffix = data === 'us117' ? '' : `-${data}`;

for (const scenario of chosen) {
  process.stderr.write(`== ${scenario} (${data}${quick ? ', quick' : ''})\n`);
  const started = Date.now();
  const result = await (async () => {
    switch (scenario) {
      case 'read':
        return readScenario({
          dataset: data,
          seconds: quick ? 2 : 8,
          warmup: quick ? 1 : 2,
          runs: quick ? 1 : 3,
          connections: 32,
        });
      case 'ingest':
        return ingestScenario({ dataset: data, logs, runs: quick || data !== 'us117' ? 1 : 3 });
      case 'freshness':
        return freshnessScenario({
          logs,
          rates: quick ? [20] : [5, 20, 50, 200],
          ballotRates: quick ? [50] : [50, 200],
          seconds: quick ? 3 : 6,
          runs: quick ? 1 : 3,
        });
      case 'views':
        return viewsScenario({ dataset: data, runs: quick ? 2 : 5 });
      case 'rebuild':
        return rebuildScenario({ dataset: data, runs: quick || data !== 'us117' ? 1 : 3 });
      case 'search':
        return searchScenario({ seconds: quick ? 2 : 6, warmup: 1, runs: quick ? 1 : 3 });
      case 'web':
        return webScenario({ runs: quick ? 3 : 7 });
      default:
        throw new Error(`unknown scenario ${scenario}`);
    }
  })();
  saveResult(`${scenario}${suffix}${quick ? '-quick' : ''}`, {
    scenario,
    machine: machine(),
    elapsedSeconds: (Date.now() - started) / 1_000,
    ...result,
  });
}
await writeCharts();
writeResultsMarkdown();
process.stderr.write('wrote benchmarks/results/*.json, benchmarks/charts/*.svg and benchmarks/RESULTS.md\n');
