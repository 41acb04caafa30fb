import { z } from 'zod/v4';
import type { Command } from '../contract/commands.ts';
import { type BatchOutcome, type Sink, SinkUnavailable } from './sink.ts';

const FieldErrors = z.array(z.object({ path: z.string(), message: z.string(), line: z.number().optional() }));

const IngestResponse = z.object({
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.array(z.object({ line: z.number(), errors: FieldErrors })),
  /** The service lists the first rejected lines only; `rejectedTruncated` says the list is not all of them. */
  rejectedTruncated: z.boolean().optional(),
});

const Problem = z
  .object({ title: z.string().optional(), detail: z.string().optional(), errors: FieldErrors.optional() })
  .passthrough();
type Problem = z.infer<typeof Problem>;

export type HttpSinkDeps = Readonly<{
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  retries?: number;
  timeoutMs?: number;
}>;

/** Overload and gateway answers are worth retrying: every event id is deterministic, so a resend is harmless. */
const RETRIABLE = new Set([429, 502, 503, 504]);

const describe = (errors: z.infer<typeof FieldErrors>) =>
  errors.map((e) => `${e.path}: ${e.message}`).join('; ');

const readProblem = async (res: Response): Promise<Problem> => {
  const text = await res.text().catch(() => '');
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: fall through to the raw text
  }
  return { detail: text.slice(0, 300) || res.statusText };
};

/** A refused batch: per line when the problem lists lines (422, every line invalid), else all with the detail. */
const refused = (status: number, problem: Problem, count: number): BatchOutcome => {
  const summary = `HTTP ${status}${problem.title ? ` ${problem.title}` : ''}: ${problem.detail ?? 'no detail'}`;
  const byLine = new Map<number, z.infer<typeof FieldErrors>>();
  for (const e of problem.errors ?? []) if (e.line) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e]);
  return {
    accepted: 0,
    duplicates: 0,
    rejected: Array.from({ length: count }, (_, index) => {
      const errors = byLine.get(index + 1);
      return { index, reason: errors ? describe(errors) : summary };
    }),
  };
};

const retryAfterMs = (res: Response) => {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1_000 : null;
};

/** The answers that are about the records sent: their lines are refused. Any other is about the service. */
const ABOUT_THE_RECORDS = new Set([400, 413, 422]);

/**
 * Sends each batch as one NDJSON request to POST /api/v1/ingest. 429/502/503/504 and network failures are
 * retried with exponential backoff (or Retry-After); when the retries run out, or the key is refused, the
 * service is unavailable and the run stops. A batch too large for the service (413) is sent again in halves, down
 * to one record. A 400 or 422 refuses the batch's records with the detail. Any other answer (a wrong --url's 404,
 * a 415, a 500) says nothing about the records, so the run stops instead of reporting them all as bad.
 */
export const createHttpSink = (d: HttpSinkDeps): Sink => {
  const retries = d.retries ?? 4;
  const endpoint = `${d.url}/api/v1/ingest`;
  const halves = async (commands: readonly Command[]): Promise<BatchOutcome> => {
    const half = Math.ceil(commands.length / 2);
    const first = await send(commands.slice(0, half));
    const second = await send(commands.slice(half));
    return {
      accepted: first.accepted + second.accepted,
      duplicates: first.duplicates + second.duplicates,
      rejected: [...first.rejected, ...second.rejected.map((r) => ({ ...r, index: r.index + half }))],
    };
  };
  const send = async (commands: readonly Command[]): Promise<BatchOutcome> => {
    const body = `${commands.map((c) => JSON.stringify(c)).join('\n')}\n`;
    for (let attempt = 0; ; attempt += 1) {
      const backoff = 500 * 2 ** attempt;
      let res: Response;
      try {
        res = await d.fetch(endpoint, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${d.apiKey}`,
            'content-type': 'application/x-ndjson',
            accept: 'application/json',
          },
          body,
          signal: AbortSignal.timeout(d.timeoutMs ?? 300_000),
        });
      } catch (err) {
        if (attempt < retries) {
          await d.sleep(backoff);
          continue;
        }
        const cause =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : err;
        throw new SinkUnavailable(`cannot reach ${endpoint}: ${String(cause)}`);
      }
      if (res.ok) {
        const parsed = IngestResponse.safeParse(await res.json().catch(() => null));
        if (!parsed.success)
          throw new SinkUnavailable(`${endpoint} answered ${res.status} with an unexpected body`);
        const r = parsed.data;
        // More lines were refused than the service lists: send the halves again (what landed counts as
        // duplicates) until every refused record is named, so the report misses none.
        if (r.rejectedTruncated && commands.length > 1) {
          const again = await halves(commands);
          return { accepted: r.accepted, duplicates: r.duplicates, rejected: again.rejected };
        }
        return {
          accepted: r.accepted,
          duplicates: r.duplicates,
          rejected: r.rejected.map((x) => ({ index: x.line - 1, reason: describe(x.errors) })),
        };
      }
      if (RETRIABLE.has(res.status) && attempt < retries) {
        await res.body?.cancel();
        await d.sleep(retryAfterMs(res) ?? backoff);
        continue;
      }
      if (res.status === 413 && commands.length > 1) {
        await res.body?.cancel();
        return halves(commands);
      }
      const problem = await readProblem(res);
      if (!ABOUT_THE_RECORDS.has(res.status)) {
        throw new SinkUnavailable(
          `${endpoint} answered ${res.status}: ${problem.detail ?? problem.title ?? ''}`,
        );
      }
      return refused(res.status, problem, commands.length);
    }
  };
  return { send, close: async () => {} };
};
