import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { type CommandInput, errorMessage } from './parsed.ts';
import { type Format, readSourceFile } from './readSourceFile.ts';

/** What reading sources yields, lazily: a file starts, one of its records (command or error), or a skipped file. */
export type SourceRecord =
  | { kind: 'file'; file: string; format: Format | null }
  | { kind: 'command'; file: string; position: string; command: CommandInput }
  | { kind: 'error'; file: string; position: string; error: string }
  | { kind: 'skipped'; file: string; reason: string };

export type SourceOptions = Readonly<{
  /** Called as input bytes are consumed (compressed bytes for archives), for progress and ETA. */
  onBytes?: (n: number) => void;
  /** Larger files are rejected without being read into memory. */
  maxFileBytes?: number;
}>;

const ARCHIVE = /\.(tar\.gz|tgz|tar)$/i;
const DEFAULT_MAX_FILE_BYTES = 256 * 1_048_576;

function* recordsOf(file: string, bytes: Uint8Array): Generator<SourceRecord> {
  const read = readSourceFile(file, bytes);
  if ('skipped' in read) {
    yield { kind: 'skipped', file, reason: read.skipped };
    return;
  }
  yield { kind: 'file', file, format: read.format };
  for (const r of read.records) {
    yield 'command' in r
      ? { kind: 'command', file, position: r.position, command: r.command }
      : { kind: 'error', file, position: r.position, error: r.error };
  }
}

const counting = (onBytes: (n: number) => void) =>
  new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });

/** Streams a tar (optionally gzipped) entry by entry: nothing is unpacked to disk, one entry is in memory. */
async function* archiveRecords(
  at: FsPath,
  path: string,
  o: SourceOptions,
  max: number,
): AsyncGenerator<SourceRecord> {
  const source = createReadStream(at);
  const extract = tar.extract();
  const stages = [counting(o.onBytes ?? (() => {})), ...(/\.tar$/i.test(path) ? [] : [createGunzip()])];
  const piping = pipeline([source, ...stages, extract]);
  piping.catch(() => {}); // the same failure surfaces in the entry loop below
  let entries = 0;
  let reading: string | null = null; // the entry whose bytes are being read, to blame if the archive breaks
  try {
    for await (const entry of extract) {
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      entries += 1;
      const file = `${path}:${entry.header.name}`;
      if ((entry.header.size ?? 0) > max) {
        entry.resume();
        yield { kind: 'error', file, position: 'file', error: `file is larger than ${max} bytes` };
        continue;
      }
      const chunks: Buffer[] = [];
      reading = file;
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      reading = null;
      yield* recordsOf(file, Buffer.concat(chunks));
    }
    await piping;
  } catch (err) {
    const error = `unreadable archive: ${errorMessage(err)}`;
    if (reading) yield { kind: 'error', file: reading, position: 'file', error };
    else
      yield { kind: 'error', file: path, position: entries === 0 ? 'file' : `after entry ${entries}`, error };
  } finally {
    source.destroy();
  }
}

/** A path as the file system has it: a Buffer when a name in it is not valid UTF-8. */
type FsPath = string | Buffer;
type Walked =
  | { path: string; at: FsPath; size: number }
  | { path: string; error: string }
  | { path: string; skipped: string };

/**
 * Files under a path, directories in name order. A name that is not valid UTF-8 is kept as the bytes it is
 * (decoded, it named no file: ENOENT); a directory reached again through a symbolic link (`self -> .`) is read
 * once (walking it again re-read every file under it, and two such links never ended).
 */
async function* walk(at: FsPath, seen = new Set<string>()): AsyncGenerator<Walked> {
  const path = at.toString();
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(at);
  } catch (err) {
    yield { path, error: errorMessage(err) };
    return;
  }
  if (!info.isDirectory()) {
    yield { path, at, size: info.size };
    return;
  }
  const id = `${info.dev}:${info.ino}`;
  if (seen.has(id)) {
    yield { path, skipped: 'a directory already read (a symbolic link back to it)' };
    return;
  }
  seen.add(id);
  let names: Buffer[];
  try {
    names = await readdir(at, { encoding: 'buffer' });
  } catch (err) {
    yield { path, error: errorMessage(err) };
    return;
  }
  for (const name of names.sort(Buffer.compare)) {
    yield* walk(
      typeof at === 'string' && isUtf8(name)
        ? join(at, name.toString())
        : Buffer.concat([Buffer.from(at), Buffer.from(sep), name]),
      seen,
    );
  }
}

/** Total input bytes (archives at their compressed size), so progress can show a share and an ETA. */
export const measureSources = async (paths: readonly string[]) => {
  let bytes = 0;
  for (const p of paths) for await (const f of walk(p)) if ('size' in f) bytes += f.size;
  return bytes;
};

/**
 * Walks files, directories (recursively, in name order) and tar/tar.gz archives, and yields every record
 * lazily, so a consumer that sends in batches holds one file (or one archive entry) at a time.
 */
export async function* readSources(
  paths: readonly string[],
  o: SourceOptions = {},
): AsyncGenerator<SourceRecord> {
  const max = o.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  for (const p of paths) {
    for await (const f of walk(p)) {
      if ('error' in f) {
        yield { kind: 'error', file: f.path, position: 'file', error: f.error };
      } else if ('skipped' in f) {
        yield { kind: 'skipped', file: f.path, reason: f.skipped };
      } else if (ARCHIVE.test(f.path)) {
        yield* archiveRecords(f.at, f.path, o, max);
      } else if (f.size > max) {
        o.onBytes?.(f.size);
        yield { kind: 'error', file: f.path, position: 'file', error: `file is larger than ${max} bytes` };
      } else {
        let bytes: Buffer;
        try {
          bytes = await readFile(f.at);
        } catch (err) {
          yield { kind: 'error', file: f.path, position: 'file', error: errorMessage(err) };
          continue;
        }
        o.onBytes?.(f.size);
        yield* recordsOf(f.path, bytes);
      }
    }
  }
}
