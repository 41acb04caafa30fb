/**
 * Load generator, run as its own process so it never shares an event loop with the server it measures.
 *   closed: autocannon, N connections, max throughput, weighted path mix
 *   open:   requests due on a fixed schedule whatever the server does (wrk2-like); latency counted from the
 *           time each was due, so a stall shows up in the percentiles instead of silently lowering the rate
 * Prints one JSON object on stdout.
 */
import { connect, type Socket } from 'node:net';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
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
/** The n-th request's path: a low-discrepancy walk over the weighted mix, the same in both modes. */
const nth = (n: number) => pick((((n * 0.618033988749895) % 1) + 1) % 1);

const closed = async (seconds: number) => {
  let i = 0;
  const result = await autocannon({
    url: spec.base,
    connections: spec.connections,
    duration: seconds,
    headers: spec.headers ?? {},
    requests: [{ setupRequest: (req) => ({ ...req, path: nth(i++) }) }],
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

const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
const micros = (ms: number) => Math.max(1, Math.round(ms * 1_000));

type Pending = { due: number; path: string; record: boolean };
type Conn = { socket: Socket; busy: Pending | null; head: Buffer | null; remaining: number; status: number };

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/**
 * The open loop. Request n is due at `start + n / rate` (an absolute schedule: timer lateness never shifts
 * later requests); a due request is written at once on a free keep-alive connection, or waits in a queue for
 * the next one to free up. Raw sockets and a minimal response reader (status line, Content-Length) rather
 * than a general HTTP client: undici's per-request cost on this shared 2-core machine held 50 KB responses of
 * an idle raw node:http server back by 70-300 ms at 500-1,000 req/s (measured), i.e. the tail came from the
 * generator. `warmup` seconds at the same rate come first and are not recorded (connections open, code warm);
 * `generatorLagMs` is how late the generator itself wrote requests that had a free connection waiting.
 */
const open = (seconds: number, rate: number, warmup: number) =>
  new Promise<Record<string, unknown>>((resolve, reject) => {
    const url = new URL(spec.base);
    const extra = Object.entries(spec.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const wire = new Map<string, Buffer>();
    const bytesOf = (path: string) => {
      let b = wire.get(path);
      if (!b) {
        b = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${extra}\r\n`, 'latin1');
        wire.set(path, b);
      }
      return b;
    };
    const latency = histogram();
    const lag = histogram();
    const interval = 1_000 / rate;
    const count = Math.round((warmup + seconds) * rate);
    const firstRecorded = Math.round(warmup * rate);
    const live = new Set<Conn>();
    const idle: Conn[] = [];
    let queue: Pending[] = [];
    let queueHead = 0;
    let maxQueued = 0;
    let start = 0;
    let next = 0;
    let settled = 0;
    let failed = 0;
    let running = false;
    let timer: NodeJS.Timeout | null = null;
    let drain: NodeJS.Timeout | null = null;

    const send = (c: Conn, p: Pending) => {
      c.busy = p;
      c.head = null;
      c.remaining = -1;
      c.socket.write(bytesOf(p.path));
    };
    /** A free connection takes the oldest waiting request, or waits itself. */
    const release = (c: Conn) => {
      if (queueHead < queue.length) {
        const p = queue[queueHead++]!;
        if (queueHead > 4_096 && queueHead * 2 > queue.length) {
          queue = queue.slice(queueHead);
          queueHead = 0;
        }
        send(c, p);
      } else idle.push(c);
    };
    const settle = (p: Pending, ok: boolean) => {
      settled++;
      if (p.record) {
        if (ok) latency.recordValue(micros(performance.now() - p.due));
        else failed++;
      }
      if (settled === count) finish();
    };
    /** Hands every request due by now to a free connection, or queues it. */
    const dispatch = () => {
      const now = performance.now();
      while (next < count && start + next * interval <= now) {
        const p: Pending = { due: start + next * interval, path: nth(next), record: next >= firstRecorded };
        next++;
        const c = idle.pop();
        if (c) {
          lag.recordValue(micros(now - p.due));
          send(c, p);
        } else {
          queue.push(p);
          maxQueued = Math.max(maxQueued, queue.length - queueHead);
        }
      }
    };
    const tick = () => {
      dispatch();
      timer =
        next < count ? setTimeout(tick, Math.max(0, start + next * interval - performance.now())) : null;
    };

    const onData = (c: Conn, chunk: Buffer) => {
      const p = c.busy;
      if (!p) return;
      if (c.remaining < 0) {
        const head = c.head ? Buffer.concat([c.head, chunk]) : chunk;
        const end = head.indexOf(HEADER_END);
        if (end < 0) {
          c.head = head;
          return;
        }
        const text = head.toString('latin1', 0, end + 2);
        c.status = Number(text.slice(9, 12));
        const m = CONTENT_LENGTH.exec(text);
        const length = c.status === 204 || c.status === 304 ? 0 : m ? Number(m[1]) : -1;
        // Only Content-Length framing is read (all the services send); anything else fails the request.
        if (length < 0) return void c.socket.destroy();
        c.remaining = length - (head.length - end - 4);
      } else c.remaining -= chunk.length;
      if (c.remaining < 0) return void c.socket.destroy(); // bytes beyond the one response in flight
      if (c.remaining > 0) return;
      c.busy = null;
      dispatch(); // requests that fell due while this one was read go out now, not at the next timer
      release(c);
      settle(p, c.status < 400);
    };

    const connectOne = () =>
      new Promise<Conn>((ok, fail) => {
        const socket = connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
        const c: Conn = { socket, busy: null, head: null, remaining: -1, status: 0 };
        socket.on('data', (chunk: Buffer) => onData(c, chunk));
        socket.once('connect', () => {
          live.add(c);
          ok(c);
        });
        socket.on('error', fail);
        socket.once('close', () => {
          live.delete(c);
          const i = idle.indexOf(c);
          if (i >= 0) idle.splice(i, 1);
          if (!running) return;
          const p = c.busy;
          c.busy = null;
          // A connection lost mid-run is replaced, so the schedule keeps its capacity.
          connectOne().then(
            (fresh) => (running ? release(fresh) : fresh.socket.destroy()),
            () => undefined,
          );
          if (p) settle(p, false);
        });
      });

    const finish = () => {
      if (!running) return;
      running = false;
      if (timer) clearTimeout(timer);
      if (drain) clearTimeout(drain);
      for (const c of live) c.socket.destroy();
      // Requests still unanswered when the drain time ran out are failures.
      const unanswered = Math.min(count - settled, count - firstRecorded);
      const at = (h: ReturnType<typeof histogram>, q: number) => h.getValueAtPercentile(q) / 1_000;
      const requests = count - firstRecorded;
      resolve({
        targetRps: rate,
        achievedRps: (requests - failed - unanswered) / seconds,
        latencyMs: {
          p50: at(latency, 50),
          p90: at(latency, 90),
          p99: at(latency, 99),
          max: latency.maxValue / 1_000,
        },
        generatorLagMs: { p50: at(lag, 50), p99: at(lag, 99), max: lag.maxValue / 1_000 },
        maxQueued,
        requests,
        errors: failed + unanswered,
      });
    };

    Promise.all(Array.from({ length: spec.connections }, connectOne)).then((cs) => {
      for (const c of cs) c.socket.removeAllListeners('error').on('error', () => undefined);
      idle.push(...cs);
      running = true;
      start = performance.now();
      tick();
      drain = setTimeout(finish, (warmup + seconds) * 1_000 + 30_000);
    }, reject);
  });

const main = async () => {
  const out =
    spec.mode === 'closed'
      ? await (async () => {
          if (spec.warmupSeconds > 0) await closed(spec.warmupSeconds);
          return closed(spec.seconds);
        })()
      : // At least one second of unrecorded lead-in at the target rate, whatever the caller asked.
        await open(spec.seconds, spec.rate ?? 100, Math.max(1, spec.warmupSeconds));
  process.stdout.write(`${JSON.stringify(out)}\n`);
};
await main();
