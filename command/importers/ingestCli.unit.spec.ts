import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Command } from '../contract/commands.ts';
import { type IngestCliDeps, runIngestCli } from './ingestCli.ts';
import { dryRunSink, type Sink } from './sink.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

const capture = () => {
  const text: string[] = [];
  return { text, out: { write: (t: string) => text.push(t), isTTY: false } };
};

/** The CLI with captured output, a clock that advances 1 ms per reading, and the given sink. */
const cli = (sink: Sink, env: NodeJS.ProcessEnv = {}) => {
  const stdout = capture();
  const stderr = capture();
  let t = 0;
  const deps: IngestCliDeps = {
    env,
    stdout: stdout.out,
    stderr: stderr.out,
    now: () => {
      t += 1;
      return t;
    },
    openSink: async () => sink,
  };
  return { run: (args: string[]) => runIngestCli(args, deps), stdout: stdout.text, stderr: stderr.text };
};

describe('runIngestCli', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openpolicy-ingest-'));
    const hr5290 = await readFile(join(DATA, 'us/117/bills/hr/hr5290/fdsys_billstatus.xml'), 'utf8');
    await writeFile(join(dir, 'a-hr5290.xml'), hr5290);
    // Valid XML, but no <title>: the parser refuses the record by name.
    await writeFile(join(dir, 'b-untitled.xml'), hr5290.replace(/<title>To extend[^<]*<\/title>/, ''));
    await writeFile(join(dir, 'c-h49.json'), await readFile(join(DATA, 'us/117/votes/2021/h49/data.json')));
    await writeFile(join(dir, 'd-notes.txt'), 'not data');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('dry run: validates everything, reports the rejected record, writes it to --rejects, exits 1', async () => {
    const c = cli(dryRunSink);
    const rejects = join(tmpdir(), `openpolicy-rejects-${process.pid}.ndjson`);
    const code = await c.run(['--dry-run', '--rejects', rejects, dir]);
    expect(code).to.equal(1);
    expect(c.stdout.join('').split('\n').slice(0, 2)).to.deep.equal([
      'files 3, skipped files 1, records read 3',
      'valid 2 (dry run: nothing sent), rejected 1',
    ]);
    expect(c.stdout.join('')).to.include('votes 1 with 432 ballots');
    const lines = (await readFile(rejects, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).to.deep.equal([
      { file: join(dir, 'b-untitled.xml'), position: 'record 1', reason: 'missing bill/title' },
    ]);
    await rm(rejects);
  });

  it('a --rejects path that cannot be written stops the run before anything is sent (exit 2)', async () => {
    let sent = 0;
    const c = cli({
      ...dryRunSink,
      send: async (commands) => {
        sent += commands.length;
        return dryRunSink.send(commands);
      },
    });
    const code = await c.run(['--dry-run', '--rejects', join(dir, 'no-such-dir', 'rejects.ndjson'), dir]);
    expect(code).to.equal(2);
    expect(c.stderr.join('')).to.match(/^ingest: cannot write the rejects file: ENOENT/);
    expect(c.stdout.join('')).to.equal('');
    expect(sent).to.equal(0);
  });

  it('sends valid records in batches and counts what the sink accepted, refused and found duplicate', async () => {
    const batches: Command[][] = [];
    const sink: Sink = {
      send: async (commands) => {
        batches.push([...commands]);
        return {
          accepted: commands.length - 1,
          duplicates: 1,
          rejected: [{ index: 0, reason: 'data.x: bad' }],
        };
      },
      close: async () => {},
    };
    const c = cli(sink, { OPENPOLICY_API_KEY: 'op_env' });
    const code = await c.run(['--batch', '1', join(dir, 'a-hr5290.xml'), join(dir, 'c-h49.json')]);
    expect(code).to.equal(1);
    expect(batches.map((b) => b.map((x) => x.type))).to.deep.equal([['RecordBill'], ['RecordVote']]);
    expect(c.stdout.join('')).to.include('accepted 0 (duplicates 2), rejected 2');
    expect(c.stderr.join('')).to.include(`rejected ${join(dir, 'a-hr5290.xml')} record 1: data.x: bad`);
  });

  it('exits 0 when every record was accepted', async () => {
    const sink: Sink = {
      send: async (commands) => ({ accepted: commands.length, duplicates: 0, rejected: [] }),
      close: async () => {},
    };
    const c = cli(sink, { OPENPOLICY_API_KEY: 'op_env' });
    expect(await c.run([join(dir, 'c-h49.json')])).to.equal(0);
    expect(c.stdout.join('')).to.include('accepted 1 (duplicates 0), rejected 0');
    expect(c.stdout.join('')).to.include('votes 1 with 432 ballots');
  });

  it('exits 2 on usage errors: no path, a missing path, no API key, a bad --batch', async () => {
    expect(await cli(dryRunSink).run(['--dry-run'])).to.equal(2);
    expect(await cli(dryRunSink).run(['--dry-run', join(dir, 'nope')])).to.equal(2);
    expect(await cli(dryRunSink).run([dir])).to.equal(2);
    expect(await cli(dryRunSink).run(['--dry-run', '--batch', '0', dir])).to.equal(2);
    expect(await cli(dryRunSink).run(['--dry-run', '--bogus', dir])).to.equal(2);
  });

  it('stops early and exits 1 when the destination becomes unavailable', async () => {
    const sink: Sink = {
      send: async () => {
        throw new Error('cannot reach http://127.0.0.1:4000/api/v1/ingest: connect ECONNREFUSED');
      },
      close: async () => {},
    };
    const c = cli(sink, { OPENPOLICY_API_KEY: 'op_env' });
    expect(await c.run([dir])).to.equal(1);
    expect(c.stderr.join('')).to.include('ingest stopped early: cannot reach');
  });
});
