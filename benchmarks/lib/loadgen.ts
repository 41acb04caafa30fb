/**
 * Load generator, run as its own process so it never shares an event loop with the server it measures.
 *   closed: autocannon, N connections, max throughput, weighted path mix
 *   open:   requests scheduled at a fixed rate whatever the server does; latency counted from the scheduled
 *           send time, so a stall shows up in the percentiles instead of silently lowering the rate
 * Prints one JSON object on stdout.
 */
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { Agent, request } from 'undici';
import type { LoadSpec } from './processes.ts';

type Spec = LoadSpec & { headers?: Record<string, string> };

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const total = spec.paths.reduce((s, p) => s + p.weight, 0);
const pick = (r: number) => {
  let x = r * total;
  for (const p of spec.paths) {
    x -= p.weight;
    if (x < 0) return p.path;
  }
  return spec.paths.at(-1)!.path;
};

const closed = async (seconds: number) => {
  let i = 0;
  const result = await autocannon({
    url: spec.base,
    connections: spec.connections,
    duration: seconds,
    headers: spec.headers ?? {},
    requests: [
      { setupRequest: (req) => ({ ...req, path: pick((((i++ * 0.618033988749895) % 1) + 1) % 1) }) },
    ],
  });
  return {
    rps: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    bytesPerSec: result.throughput.average,
  };
};

const open = async (seconds: number, rate: number) => {
  const dispatcher = new Agent({ connections: spec.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const interval = 1_000 / rate;
  const start = performance.now();
  const end = start + seconds * 1_000;
  let errors = 0;
  let sent = 0;
  const inflight: Promise<void>[] = [];
  for (let n = 0; ; n++) {
    const scheduled = start + n * interval;
    if (scheduled >= end) break;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const path = pick((((n * 0.618033988749895) % 1) + 1) % 1);
    sent++;
    inflight.push(
      request(`${spec.base}${path}`, { dispatcher, headers: spec.headers ?? {} })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode >= 400) errors++;
        })
        .catch(() => {
          errors++;
        })
        .finally(() =>
          histogram.recordValue(Math.max(1, Math.round((performance.now() - scheduled) * 1_000))),
        ),
    );
    if (inflight.length > 10_000) await Promise.all(inflight.splice(0, 5_000));
  }
  await Promise.all(inflight);
  await dispatcher.close();
  const us = (p: number) => histogram.getValueAtPercentile(p) / 1_000;
  return {
    targetRps: rate,
    achievedRps: sent / seconds,
    latencyMs: { p50: us(50), p90: us(90), p99: us(99), max: histogram.maxValue / 1_000 },
    requests: sent,
    errors,
  };
};

const main = async () => {
  if (spec.warmupSeconds > 0) await closed(spec.warmupSeconds);
  const out =
    spec.mode === 'closed' ? await closed(spec.seconds) : await open(spec.seconds, spec.rate ?? 100);
  process.stdout.write(`${JSON.stringify(out)}\n`);
};
await main();
