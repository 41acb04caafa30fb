import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Request } from 'express';
import { AppError, BadRequest, type FieldError, ValidationError } from '../../infra/kernel/errors.ts';
import { type Reply, route } from '../../infra/kernel/route.ts';
import type { Command } from '../contract/commands.ts';
import type { Appended } from '../log/eventLog.ts';
import { type AcceptDeps, accept } from './accept.ts';
import { ndjsonLines } from './ndjsonLines.ts';
import { parseCommand } from './parseCommand.ts';

export type IngestLimits = Readonly<{ maxLineBytes: number; maxTotalBytes: number; chunk: number }>;

const NDJSON = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

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
    const rejected: { line: number; errors: FieldError[] }[] = [];
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
          rejected.push({ line: line.line, errors: [{ path: '(line)', message: line.error }] });
          continue;
        }
        let json: unknown;
        try {
          json = JSON.parse(line.text);
        } catch (err) {
          rejected.push({
            line: line.line,
            errors: [{ path: '(line)', message: `not JSON: ${(err as Error).message}` }],
          });
          continue;
        }
        const parsed = parseCommand(json);
        if (parsed.ok) pending.push({ line: line.line, command: parsed.command });
        else rejected.push({ line: line.line, errors: parsed.errors });
        if (pending.length >= limits.chunk) await flush();
      }
    } catch (err) {
      // Past the limit mid-stream (no Content-Length, or more once gunzipped): what came before has landed, and
      // sending it again is harmless (duplicates), so the answer says how much.
      if (err instanceof RangeError) {
        await flush();
        throw new AppError(
          'payload_too_large',
          413,
          `${err.message}; the first ${accepted.length} commands were accepted (sending them again is harmless: duplicates)`,
        );
      }
      if ((err as { code?: string }).code?.startsWith('Z_'))
        throw new BadRequest(`the body is not valid gzip: ${(err as Error).message}`);
      throw err;
    }
    await flush();
    if (accepted.length === 0 && rejected.length > 0) {
      throw new ValidationError(
        `all ${rejected.length} lines were rejected`,
        rejected.flatMap((r) => r.errors.map((e) => ({ ...e, line: r.line }))),
      );
    }
    if (accepted.length === 0) throw new AppError('empty_body', 400, 'the request contained no commands');
    return {
      status: 202,
      headers: { 'X-Rejected-Count': String(rejected.length) },
      body: {
        accepted: accepted.length,
        duplicates: accepted.filter((a) => a.duplicate).length,
        rejected,
        events: accepted,
      },
    };
  });
