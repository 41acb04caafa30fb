import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { EXIT_KEY_REFUSED, type IngestCliDeps, runIngestCli } from './ingestCli.ts';
import { dryRunSink, type Sink, SinkUnavailable } from './sink.ts';

const H49 = fileURLToPath(new URL('../../../shared/data/us/117/votes/2021/h49/data.json', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The CLI with captured output (not a terminal) and a clock that moves 1 s per reading. */
const cli = (sink: Sink) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let t = 0;
  const deps: IngestCliDeps = {
    env: { OPENPOLICY_API_KEY: 'op_env' },
    stdout: { write: (s: string) => stdout.push(s), isTTY: false },
    stderr: { write: (s: string) => stderr.push(s), isTTY: false },
    now: () => {
      t += 1_000;
      return t;
    },
    openSink: async () => sink,
  };
  return {
    run: (args: string[]) => runIngestCli(args, deps),
    stdout: () => stdout.join(''),
    stderr: () => stderr.join(''),
  };
};

const failing = (err: Error): Sink => ({
  send: async () => {
    throw err;
  },
  close: async () => {},
});

describe('ingest: the exit status and the last words match what happened', () => {
  let empty = '';
  before(async () => {
    empty = await mkdtemp(join(tmpdir(), 'openpolicy-empty-'));
  });
  after(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('an empty directory or a file of no known format reads nothing: exit 1, and the summary says so', async () => {
    for (const path of [empty, README]) {
      const c = cli(dryRunSink);
      expect(await c.run(['--dry-run', path])).to.equal(1);
      expect(c.stdout()).to.include('records read 0');
      expect(c.stdout()).to.include('no record read: the paths hold no file in a format ingest knows');
    }
  });

  it('a refused key (401, 403) says so and exits 3, not "rejected 0" and 1', async () => {
    for (const status of [401, 403]) {
      const c = cli(
        failing(
          new SinkUnavailable(
            `http://127.0.0.1:4000/api/v1/ingest answered ${status}: the API key is unknown`,
          ),
        ),
      );
      expect(await c.run([H49])).to.equal(EXIT_KEY_REFUSED);
      expect(c.stderr()).to.include(`the command service refused the API key (HTTP ${status})`);
      expect(c.stderr()).to.include('give a live key with the write scope');
    }
  });

  it('a service that cannot be reached: the message asks whether it is running', async () => {
    const c = cli(
      failing(new SinkUnavailable('cannot reach http://127.0.0.1:4000/api/v1/ingest: connect ECONNREFUSED')),
    );
    expect(await c.run([H49])).to.equal(1);
    expect(c.stderr()).to.include('is the command service running at http://127.0.0.1:4000? (npm start');
  });

  it('in a log, the last progress line carries the final counts of the summary', async () => {
    const c = cli({
      send: async (commands) => ({ accepted: commands.length, duplicates: 0, rejected: [] }),
      close: async () => {},
    });
    expect(await c.run([H49])).to.equal(0);
    const progress = c
      .stderr()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('ingest '));
    expect(progress.at(-1)).to.match(/^ingest 100\.0% {2}1 records .* accepted 1 {2}rejected 0 {2}files 1$/);
    expect(c.stdout()).to.include('accepted 1 (duplicates 0), rejected 0');
  });
});
