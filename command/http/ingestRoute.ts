import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Request } from 'express';
import { AppError, BadRequest, type FieldError } from '../../infra/kernel/errors.ts';
import { type Reply, route } from '../../infra/kernel/route.ts';
import type { Command } from '../contract/commands.ts';
import type { Appended } from '../log/eventLog.ts';
import { type AcceptDeps, accept } from './accept.ts';
import { ndjsonLines } from './ndjsonLines.ts';
import { parseCommand } from './parseCommand.ts';

export type IngestLimits = Readonly<{ maxLineBytes: number; maxTotalBytes: number; chunk: number }>;

const NDJSON = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/**
 * Rejected lines listed in an answer; the rest are only counted. A body of 2,000,000 bad lines used to hold every
 * error in memory (113 MB to 1.5 GB) and answer with a 200 MB list.
 */
export const REJECTED_LISTED = 1_000;
/** Field errors listed per rejected line: one 1 MiB line of bad ballots can carry thousands. */
export const ERRORS_PER_LINE = 100;

type Rejected = { line: number; errors: FieldError[] };

const capErrors = (errors: FieldError[]): FieldError[] =>
  errors.length <= ERRORS_PER_LINE
    ? errors
    : [
        ...errors.slice(0, ERRORS_PER_LINE),
        { path: '(line)', message: `and ${errors.length - ERRORS_PER_LINE} more errors` },
      ];

/** What landed before a failure: earlier chunks are in the log whatever happens to the rest of the stream. */
const landed = (accepted: readonly { line: number }[]) =>
  accepted.length === 0
    ? 'no command was accepted'
    : `the first ${accepted.length} commands were accepted, through line ${accepted.at(-1)!.line} ` +
      '(sending them again is harmless: duplicates)';

/** A failure mid-stream, told with what landed before it (a 503 or 400 alone read as "nothing landed"). */
const midStream = (err: unknown, accepted: readonly { line: number }[]): unknown => {
  const done = landed(accepted);
  if (err instanceof RangeError) return new AppError('payload_too_large', 413, `${err.message}; ${done}`);
  if ((err as { code?: string }).code?.startsWith('Z_'))
    return new BadRequest(`the body is not valid gzip: ${(err as Error).message}; ${done}`);
  if (err instanceof AppError) {
    return new AppError(err.code, err.status, `${err.message}; ${done}`, {
      cause: err.cause,
      errors: err.errors,
      retriable: err.retriable,
      headers: err.headers,
    });
  }
  return accepted.length ? new AppError('internal', 500, `internal error; ${done}`, { cause: err }) : err;
};

/** The body as sent, or gunzipped (bulk loads compress well); the size limits apply to what it decodes to. */
const decodedBody = (req: Request): Readable => {
  const encoding = (req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding === 'gzip' || encoding === 'x-gzip') return req.pipe(createGunzip());
  throw new AppError(
    'unsupported_encoding',
    415,
    `Content-Encoding ${encoding} is not supported: send gzip or none`,
  );
};

/**
 * POST /api/v1/ingest: an NDJSON stream of commands. Good lines are appended in chunks as they arrive, bad
 * lines are reported by line number and field; only when no line is good is the answer a 422.
 */
export const ingestRoute = (deps: AcceptDeps, limits: IngestLimits) =>
  route(async (req: Request): Promise<Reply> => {
    // Media types compare without case and parameters (type-is); a body longer than allowed is refused before any
    // line is appended (a 413 after appending half of it left the client unsure what had landed).
    const type = req.is(NDJSON);
    if (type === null) throw new BadRequest('the request has no body: send commands, one JSON per line');
    if (type === false) {
      throw new AppError(
        'unsupported_media_type',
        415,
        'send commands as application/x-ndjson, one per line',
      );
    }
    const declared = Number(req.header('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxTotalBytes) {
      throw new AppError('payload_too_large', 413, `body exceeds ${limits.maxTotalBytes} bytes`);
    }
    const body = decodedBody(req);
    const requestId = String(req.id ?? '') || null;
    const accepted: (Appended & { line: number })[] = [];
    const rejected: Rejected[] = [];
    let rejectedCount = 0;
    const reject = (line: number, errors: FieldError[]) => {
      rejectedCount += 1;
      if (rejected.length < REJECTED_LISTED) rejected.push({ line, errors: capErrors(errors) });
    };
    let pending: { line: number; command: Command }[] = [];
    const flush = async () => {
      if (!pending.length) return;
      const batch = pending;
      pending = [];
      const appended = await accept(
        deps,
        batch.map((p) => p.command),
        { source: 'ingest', requestId },
      );
      for (const [i, a] of appended.entries()) accepted.push({ ...a, line: batch[i]!.line });
    };
    try {
      for await (const line of ndjsonLines(body, limits)) {
        if ('error' in line) {
          reject(line.line, [{ path: '(line)', message: line.error }]);
          continue;
        }
        // Past the listed rejections a bad line is only counted, and one that cannot be an object needs no
        // JSON.parse, whose SyntaxError costs ~10 µs (2,000,000 lines of `x` took 20 s).
        if (rejected.length >= REJECTED_LISTED && !/^\s*\{/.test(line.text)) {
          reject(line.line, []);
          continue;
        }
        let json: unknown;
        try {
          json = JSON.parse(line.text);
        } catch (err) {
          reject(line.line, [{ path: '(line)', message: `not JSON: ${(err as Error).message}` }]);
          continue;
        }
        const parsed = parseCommand(json);
        if (parsed.ok) pending.push({ line: line.line, command: parsed.command });
        else reject(line.line, parsed.errors);
        if (pending.length >= limits.chunk) await flush();
      }
      await flush();
    } catch (err) {
      // Past the limit (no Content-Length, or more once gunzipped), a log that failed on a later chunk, a truncated
      // gzip stream: what came before has landed, and sending it again is harmless (duplicates), so the answer
      // says how much. Good lines read before the limit are appended first, as the client would expect.
      let failure = err;
      if (err instanceof RangeError) await flush().catch((flushErr: unknown) => (failure = flushErr));
      throw midStream(failure, accepted);
    }
    const truncated = rejectedCount > rejected.length;
    if (accepted.length === 0 && rejectedCount > 0) {
      throw new AppError(
        'validation_failed',
        422,
        `all ${rejectedCount} lines were rejected${truncated ? `; the first ${rejected.length} are listed` : ''}`,
        {
          errors: rejected.flatMap((r) => r.errors.map((e) => ({ ...e, line: r.line }))),
          headers: { 'X-Rejected-Count': String(rejectedCount) },
        },
      );
    }
    if (accepted.length === 0) throw new AppError('empty_body', 400, 'the request contained no commands');
    return {
      status: 202,
      headers: { 'X-Rejected-Count': String(rejectedCount) },
      body: {
        accepted: accepted.length,
        duplicates: accepted.filter((a) => a.duplicate).length,
        // `rejected` lists at most REJECTED_LISTED lines; `rejectedCount` is all of them.
        rejected,
        rejectedCount,
        rejectedTruncated: truncated,
        events: accepted,
      },
    };
  });
