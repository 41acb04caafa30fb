import { parseArgs } from 'node:util';

export const INGEST_USAGE = `usage: openpolicy ingest <path>... [options]

  Reads source files, directories (recursively) and .tar.gz archives: US roll-call data.json, BILLSTATUS XML,
  legislators YAML/CSV, ourcommons.ca vote XML, LEGISinfo bill JSON/XML. Other files are skipped.

  --url <base>        command service (default http://127.0.0.1:4000)
  --api-key <key>     API key with the write scope (default: env OPENPOLICY_API_KEY)
  --batch <n>         records per request (default 500)
  --parallel <n>      requests in flight at once (default 3)
  --rejects <path>    write rejected records as NDJSON lines {file, position, reason}
  --direct            append events straight to the event log (DATABASE_URL; Kafka when KAFKA_BROKERS is set)
  --dry-run           parse and validate only; send nothing
  -h, --help          this text

  Exit status: 0 all records accepted, 1 some record rejected (or the service was unreachable, or no record was
  read), 2 usage error, 3 the service refused the API key (401, 403).
`;

export type IngestMode = 'http' | 'direct' | 'dry-run';

export type IngestOptions = Readonly<{
  paths: string[];
  mode: IngestMode;
  url: string;
  apiKey: string | null;
  batch: number;
  parallel: number;
  rejects: string | null;
}>;

export type ParsedArgs = { ok: true; options: IngestOptions } | { ok: false; help: boolean; message: string };

const positiveInt = (v: string | undefined, fallback: number, max: number, name: string) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return n;
};

/** Parses `ingest` arguments; the API key falls back to the environment value passed in. */
export const parseIngestArgs = (args: readonly string[], envApiKey: string | undefined): ParsedArgs => {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'api-key': { type: 'string' },
        batch: { type: 'string' },
        parallel: { type: 'string' },
        rejects: { type: 'string' },
        direct: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { ok: false, help: true, message: '' };
    if (positionals.length === 0)
      return { ok: false, help: false, message: 'give at least one path to ingest' };
    if (values.direct && values['dry-run']) {
      return { ok: false, help: false, message: '--direct and --dry-run exclude each other' };
    }
    const mode: IngestMode = values['dry-run'] ? 'dry-run' : values.direct ? 'direct' : 'http';
    const url = (values.url ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
    if (mode === 'http' && !/^https?:\/\/[^/]/.test(url)) {
      return { ok: false, help: false, message: `--url must be an http(s) URL, got '${url}'` };
    }
    const apiKey = values['api-key'] ?? envApiKey ?? null;
    if (mode === 'http' && !apiKey) {
      return { ok: false, help: false, message: 'an API key is needed: --api-key or OPENPOLICY_API_KEY' };
    }
    return {
      ok: true,
      options: {
        paths: positionals,
        mode,
        url,
        apiKey,
        batch: positiveInt(values.batch, 500, 10_000, 'batch'),
        parallel: positiveInt(values.parallel, 3, 16, 'parallel'),
        rejects: values.rejects ?? null,
      },
    };
  } catch (err) {
    return { ok: false, help: false, message: err instanceof Error ? err.message : String(err) };
  }
};
