import { stat } from 'node:fs/promises';
import { fieldErrors } from '../../infra/kernel/zodErrors.ts';
import { Command } from '../contract/commands.ts';
import { httpSinkFor } from './httpSinkFor.ts';
import { INGEST_USAGE, type IngestOptions, parseIngestArgs } from './ingestArgs.ts';
import { emptyStats, type IngestStats, summaryLines } from './ingestStats.ts';
import { openDirectSink } from './openDirectSink.ts';
import { createProgress, type ProgressOut } from './progress.ts';
import { openRejectsFile, type Rejection } from './rejectsFile.ts';
import { type BatchOutcome, dryRunSink, type Sink } from './sink.ts';
import { measureSources, readSources } from './sources.ts';

export type IngestCliDeps = Readonly<{
  env: NodeJS.ProcessEnv;
  stdout: ProgressOut;
  stderr: ProgressOut;
  now: () => number;
  openSink: (o: IngestOptions) => Promise<Sink>;
}>;

const SHOWN_REJECTIONS = 10;

/** A refused key is not a rejected record, nor a service that is down: its own status, to script around. */
export const EXIT_KEY_REFUSED = 3;

/**
 * The HTTP status when the service refused the key (401, 403). The HTTP sink reports it only in its message
 * (`<endpoint> answered 401: ...`), which is all a sink's failure carries.
 */
const keyRefusal = (message: string) => /\banswered (401|403)\b/.exec(message)?.[1] ?? null;

const unreachable = (message: string) => message.startsWith('cannot reach ');

const defaultDeps = (): IngestCliDeps => ({
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => performance.now(),
  openSink: async (o) => {
    switch (o.mode) {
      case 'dry-run':
        return dryRunSink;
      case 'direct':
        return openDirectSink(process.env);
      case 'http':
        return httpSinkFor(o);
      default: {
        const _exhaustive: never = o.mode;
        throw new Error(`unknown mode ${String(_exhaustive)}`);
      }
    }
  },
});

type Pending = { file: string; position: string; command: Command };

const ballotsOf = (c: Command) => (c.type === 'RecordVote' ? c.data.ballots.length : 0);

/**
 * `openpolicy ingest <path>...`: reads sources lazily, validates every command locally, and sends valid ones in
 * batches with a bounded number in flight; every rejected record is reported with its file and position.
 */
export const runIngestCli = async (args: string[], deps: IngestCliDeps = defaultDeps()): Promise<number> => {
  const parsed = parseIngestArgs(args, deps.env.OPENPOLICY_API_KEY);
  if (!parsed.ok) {
    if (parsed.help) deps.stdout.write(INGEST_USAGE);
    else deps.stderr.write(`ingest: ${parsed.message}\n\n${INGEST_USAGE}`);
    return parsed.help ? 0 : 2;
  }
  const o = parsed.options;
  for (const p of o.paths) {
    if (!(await stat(p).catch(() => null))) {
      deps.stderr.write(`ingest: no such file or directory: ${p}\n`);
      return 2;
    }
  }
  let rejectsFile: Awaited<ReturnType<typeof openRejectsFile>> | null = null;
  try {
    rejectsFile = o.rejects ? await openRejectsFile(o.rejects) : null;
  } catch (err) {
    deps.stderr.write(
      `ingest: cannot write the rejects file: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 2;
  }
  let sink: Sink;
  try {
    sink = await deps.openSink(o);
  } catch (err) {
    await rejectsFile?.close().catch(() => undefined);
    deps.stderr.write(`ingest: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }

  const stats: IngestStats = { ...emptyStats(), bytesTotal: await measureSources(o.paths) };
  const progress = createProgress({ out: deps.stderr, now: deps.now, sending: o.mode !== 'dry-run' });
  const shown: Rejection[] = [];
  const skippedExamples: string[] = [];
  const reject = async (r: Rejection) => {
    stats.rejected += 1;
    if (shown.length < SHOWN_REJECTIONS) shown.push(r);
    await rejectsFile?.write(r);
  };

  const inFlight = new Set<Promise<void>>();
  // Set from a batch's callback when the destination is gone; the read loop checks it between records.
  const run: { stopped: Error | null } = { stopped: null };
  let batch: Pending[] = [];
  let settled = 0;
  const settle = async (sent: Pending[], outcome: BatchOutcome) => {
    settled += sent.length;
    const refused = new Set(outcome.rejected.map((r) => r.index));
    stats.accepted += outcome.accepted;
    stats.duplicates += outcome.duplicates;
    for (const r of outcome.rejected) {
      const p = sent[r.index];
      await reject({
        file: p?.file ?? '(batch)',
        position: p?.position ?? `batch line ${r.index + 1}`,
        reason: r.reason,
      });
    }
    sent.forEach((p, i) => {
      if (refused.has(i) || p.command.type !== 'RecordVote') return;
      stats.votes += 1;
      stats.ballots += ballotsOf(p.command);
    });
  };
  const flush = () => {
    if (batch.length === 0 || run.stopped) return;
    const sent = batch;
    batch = [];
    const job = sink
      .send(sent.map((p) => p.command))
      .then((outcome) => settle(sent, outcome))
      .catch((err: unknown) => {
        run.stopped ??= err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => inFlight.delete(job));
    inFlight.add(job);
  };

  try {
    const onBytes = (n: number) => {
      stats.bytesDone += n;
    };
    for await (const r of readSources(o.paths, { onBytes })) {
      if (run.stopped) break;
      switch (r.kind) {
        case 'file':
          stats.files += 1;
          break;
        case 'skipped':
          stats.skipped += 1;
          if (skippedExamples.length < 5) skippedExamples.push(`${r.file} (${r.reason})`);
          break;
        case 'error':
          stats.read += 1;
          await reject({ file: r.file, position: r.position, reason: r.error });
          break;
        case 'command': {
          stats.read += 1;
          const valid = Command.safeParse(r.command);
          if (!valid.success) {
            const reason = fieldErrors(valid.error)
              .map((e) => `${e.path}: ${e.message}`)
              .join('; ');
            await reject({ file: r.file, position: r.position, reason });
            break;
          }
          stats.valid += 1;
          batch.push({ file: r.file, position: r.position, command: valid.data });
          if (batch.length >= o.batch) {
            flush();
            while (inFlight.size >= o.parallel) await Promise.race(inFlight);
          }
          break;
        }
        default: {
          const _exhaustive: never = r;
          throw new Error(`unhandled source record ${JSON.stringify(_exhaustive)}`);
        }
      }
      progress.tick(stats);
    }
    flush();
    await Promise.all(inFlight);
  } finally {
    await sink.close().catch(() => undefined);
    await rejectsFile?.close();
  }

  progress.finish(stats);
  const elapsed = deps.now() - progress.started;
  for (const r of shown) deps.stderr.write(`rejected ${r.file} ${r.position}: ${r.reason}\n`);
  if (stats.rejected > shown.length) {
    deps.stderr.write(
      `... and ${stats.rejected - shown.length} more${o.rejects ? ` (all in ${o.rejects})` : ''}\n`,
    );
  }
  for (const s of skippedExamples) deps.stderr.write(`skipped ${s}\n`);
  const refusal = run.stopped ? keyRefusal(run.stopped.message) : null;
  if (run.stopped) {
    const unsent = stats.valid - settled;
    deps.stderr.write(
      refusal
        ? `ingest stopped: the command service refused the API key (HTTP ${refusal}): ${run.stopped.message}\n` +
            `${unsent} valid records were not sent; give a live key with the write scope (--api-key or ` +
            'OPENPOLICY_API_KEY; npm start prints one, openpolicy apikey create makes one)\n'
        : `ingest stopped early: ${run.stopped.message}\n${unsent} valid records were not sent; ` +
            're-running is safe (records already accepted come back as duplicates)\n' +
            (unreachable(run.stopped.message)
              ? `is the command service running at ${o.url}? (npm start, or --url for another one)\n`
              : o.mode === 'direct' && run.stopped.message.includes('ECONNREFUSED')
                ? 'is the database running? (npm start runs the embedded one; else set DATABASE_URL)\n'
                : ''),
    );
  }
  for (const line of summaryLines(stats, elapsed, o.mode)) deps.stdout.write(`${line}\n`);
  if (refusal) return EXIT_KEY_REFUSED;
  return run.stopped || stats.rejected > 0 || stats.read === 0 ? 1 : 0;
};
