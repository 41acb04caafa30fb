import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { RESULTS_DIR } from './report.ts';

export const CHARTS_DIR = fileURLToPath(new URL('../charts/', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: result files are free-form JSON written by the scenarios
type Json = any;
type Row = Record<string, string | number>;

const TARGETS = ['service', 'ceiling', 'liveSql', 'engine', 'ilike'];

/** Grouped horizontal bars: one group per `group`, one bar per `series`, value on a log or linear axis. */
const bars = (title: string, rows: Row[], axis: string, log: boolean, rule?: number): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title,
  width: 520,
  data: { values: rows },
  layer: [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'group', type: 'nominal', title: null, sort: null },
        yOffset: { field: 'series', sort: TARGETS },
        x: {
          field: 'value',
          type: 'quantitative',
          title: axis,
          ...(log ? { scale: { type: 'symlog' } } : {}),
        },
        color: { field: 'series', type: 'nominal', title: null, sort: TARGETS },
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 },
      encoding: {
        y: { field: 'group', type: 'nominal', sort: null },
        yOffset: { field: 'series', sort: TARGETS },
        x: { field: 'value', type: 'quantitative' },
        text: { field: 'value', type: 'quantitative', format: ',.0f' },
      },
    },
    ...(rule === undefined
      ? []
      : [
          {
            data: { values: [{ target: rule }] },
            mark: { type: 'rule' as const, color: 'black', strokeDash: [4, 3] },
            encoding: { x: { field: 'target', type: 'quantitative' as const } },
          },
        ]),
  ],
});

/** One chart spec per result kind, where a picture says more than the table. */
const specs: Record<string, (r: Json) => TopLevelSpec | null> = {
  read: (r) =>
    bars(
      'Read: requests/s per endpoint (closed loop, medians; symlog axis)',
      Object.entries(r.closed as Record<string, Json>).flatMap(([group, t]) =>
        Object.entries(t as Record<string, Json>).map(([series, v]) => ({
          group,
          series,
          value: v.rps.median,
        })),
      ),
      'requests/s',
      true,
    ),
  search: (r) =>
    bars(
      'Search: p99 latency by concurrent clients (medians; symlog axis; dashed: 15 ms target)',
      Object.entries(r.byClients as Record<string, Json>).flatMap(([clients, t]) =>
        Object.entries(t as Record<string, Json>).map(([series, v]) => ({
          group: `${clients} clients`,
          series,
          value: v.p99Ms.median,
        })),
      ),
      'p99 ms',
      true,
      15,
    ),
  freshness: (r) =>
    bars(
      'Freshness: 202 Accepted → visible, p99 by rate (dashed: 100 ms target)',
      Object.entries(r.results as Record<string, Record<string, Json>>).flatMap(([log, byRate]) =>
        Object.values(byRate).map((v) => ({
          group: `${v.rate} ${v.kind === 'ballots' ? 'ballots' : 'roll calls'}/s`,
          series: log,
          value: typeof v.lagMs.p99 === 'number' ? v.lagMs.p99 : v.lagMs.p99.median,
        })),
      ),
      'lag p99 ms',
      true,
      100,
    ),
  ingest: (r) =>
    bars(
      `Ingest ${r.params.dataset}: seconds until queryable (dashed: target)`,
      Object.entries(r.summary as Record<string, Json>).map(([log, v]) => ({
        group: log,
        series: 'seconds',
        value: v.seconds.median,
      })),
      'seconds',
      false,
      r.params.dataset === 'us117' ? 15 : 120,
    ),
  web: (r) =>
    bars(
      'Web: largest contentful paint per page (medians; dashed: 1 s target)',
      Object.entries(r.lcpMs as Record<string, Json>).map(([page, v]) => ({
        group: page,
        series: 'LCP',
        value: v.median,
      })),
      'ms',
      false,
      r.targets?.lcpMs ?? 1_000,
    ),
};

const render = async (spec: TopLevelSpec) => {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
};

/** Writes benchmarks/charts/<result>.svg for every result file whose scenario has a chart; returns their names. */
export const writeCharts = async () => {
  mkdirSync(CHARTS_DIR, { recursive: true });
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')) : [];
  const written: string[] = [];
  for (const f of files.sort()) {
    const r = JSON.parse(readFileSync(`${RESULTS_DIR}${f}`, 'utf8'));
    const spec = specs[r.scenario]?.(r);
    if (!spec) continue;
    const name = f.replace(/\.json$/, '');
    writeFileSync(`${CHARTS_DIR}${name}.svg`, await render(spec));
    written.push(name);
  }
  return written;
};
