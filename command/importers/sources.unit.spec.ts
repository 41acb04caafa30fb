import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import tar from 'tar-stream';
import { measureSources, readSources, type SourceRecord } from './sources.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const real = (path: string) => readFile(join(DATA, path));

/** A .tar built in memory from [name, bytes] pairs (plus one directory entry, as real archives have). */
const tarOf = async (entries: [string, Buffer][]) => {
  const pack = tar.pack();
  pack.entry({ name: 'bills/', type: 'directory' });
  for (const [name, body] of entries) pack.entry({ name }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

const collect = async (paths: string[]) => {
  const out: SourceRecord[] = [];
  for await (const r of readSources(paths)) out.push(r);
  return out;
};

const brief = (r: SourceRecord, root: string) => {
  const file = r.file.replace(`${root}/`, '');
  switch (r.kind) {
    case 'file':
      return `file ${file} ${r.format}`;
    case 'command':
      return `command ${file} ${r.position} ${r.command.type}`;
    case 'error':
      return `error ${file} ${r.position}: ${r.error}`;
    case 'skipped':
      return `skipped ${file}`;
    default: {
      const _exhaustive: never = r;
      return String(_exhaustive);
    }
  }
};

describe('readSources (files, directories, .tar.gz -> records)', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'openpolicy-sources-'));
    const hr5290 = await real('us/117/bills/hr/hr5290/fdsys_billstatus.xml');
    const hr5677 = (await real('us/117/bills/hr/hr5677/fdsys_billstatus.xml')).toString('utf8');
    const h49 = await real('us/117/votes/2021/h49/data.json');
    const h50 = await real('us/117/votes/2021/h50/data.json');
    const archive = await tarOf([
      ['bills/hr/hr5290/fdsys_billstatus.xml', hr5290],
      // A corrupted copy: the closing tag of introducedDate misspelt (line 10: 4 spaces, tag, 10-char date).
      [
        'bills/hr/hr5677/fdsys_billstatus.xml',
        Buffer.from(hr5677.replace('</introducedDate>', '</introduced>')),
      ],
      ['votes/2021/h49/data.json', h49],
      // Another: a vote cut off after 100 bytes, inside `  "category": "procedu` (22 characters of line 7).
      ['votes/2021/h50/data.json', h50.subarray(0, 100)],
      ['README.md', Buffer.from('# not data\n')],
    ]);
    await writeFile(join(root, 'sample.tar.gz'), gzipSync(archive));
    await writeFile(join(root, 'truncated.tar.gz'), gzipSync(archive).subarray(0, 6_000));
    await mkdir(join(root, 'dir/nested'), { recursive: true });
    await writeFile(join(root, 'dir/nested/data.json'), h49);
    await writeFile(join(root, 'dir/notes.txt'), 'hello');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('streams a .tar.gz: good records flow, each broken file is rejected precisely, unknown files skipped', async () => {
    const records = await collect([join(root, 'sample.tar.gz')]);
    const tgz = 'sample.tar.gz';
    expect(records.map((r) => brief(r, root))).to.deep.equal([
      `file ${tgz}:bills/hr/hr5290/fdsys_billstatus.xml us-billstatus-xml`,
      `command ${tgz}:bills/hr/hr5290/fdsys_billstatus.xml record 1 RecordBill`,
      `file ${tgz}:bills/hr/hr5677/fdsys_billstatus.xml us-billstatus-xml`,
      `error ${tgz}:bills/hr/hr5677/fdsys_billstatus.xml line 10, column 31: ` +
        "invalid XML: Expected closing tag 'introducedDate' (opened in line 10, col 5) instead of closing tag 'introduced'.",
      `file ${tgz}:votes/2021/h49/data.json us-vote-json`,
      `command ${tgz}:votes/2021/h49/data.json record 1 RecordVote`,
      `file ${tgz}:votes/2021/h50/data.json null`,
      `error ${tgz}:votes/2021/h50/data.json line 7, column 23: ` +
        'invalid JSON: Unterminated string in JSON at position 100 (line 7 column 23)',
      `skipped ${tgz}:README.md`,
    ]);
  });

  it('keeps what a truncated archive yielded before the break, then blames the entry it broke in', async () => {
    const records = await collect([join(root, 'truncated.tar.gz')]);
    expect(records.map((r) => brief(r, root))).to.deep.equal([
      'file truncated.tar.gz:bills/hr/hr5290/fdsys_billstatus.xml us-billstatus-xml',
      'command truncated.tar.gz:bills/hr/hr5290/fdsys_billstatus.xml record 1 RecordBill',
      'file truncated.tar.gz:bills/hr/hr5677/fdsys_billstatus.xml us-billstatus-xml',
      'error truncated.tar.gz:bills/hr/hr5677/fdsys_billstatus.xml line 10, column 31: ' +
        "invalid XML: Expected closing tag 'introducedDate' (opened in line 10, col 5) instead of closing tag 'introduced'.",
      // The gzip stream ends 6,000 bytes in, inside the third entry: that entry is the one reported.
      'error truncated.tar.gz:votes/2021/h49/data.json file: unreadable archive: unexpected end of file',
    ]);
  });

  it('walks directories recursively in name order, archives included', async () => {
    const records = await collect([root]);
    const files = records.filter((r) => r.kind === 'file' || r.kind === 'skipped').map((r) => brief(r, root));
    expect(files.slice(0, 2)).to.deep.equal([
      'file dir/nested/data.json us-vote-json',
      'skipped dir/notes.txt',
    ]);
    // dir/nested/data.json, then sample.tar.gz (2 good records), then truncated.tar.gz (1).
    expect(records.filter((r) => r.kind === 'command')).to.have.length(4);
  });

  it('reports a missing path as an error record, and measures input bytes for progress', async () => {
    const missing = join(root, 'nope');
    const [only] = await collect([missing]);
    expect(only).to.include({ kind: 'error', file: missing, position: 'file' });
    const sizes = await measureSources([join(root, 'dir')]);
    expect(sizes).to.equal((await real('us/117/votes/2021/h49/data.json')).length + 5);
  });

  it('reads a directory reached again through symbolic links once, and says it skipped the loop', async () => {
    const loop = join(root, 'loop');
    await mkdir(join(loop, 'inner'), { recursive: true });
    await writeFile(join(loop, 'inner/data.json'), await real('us/117/votes/2021/h49/data.json'));
    await symlink('.', join(loop, 'self'));
    await symlink('..', join(loop, 'inner/up'));
    try {
      const records = await collect([loop]);
      expect(records.map((r) => brief(r, loop))).to.deep.equal([
        'file inner/data.json us-vote-json',
        'command inner/data.json record 1 RecordVote',
        'skipped inner/up',
        'skipped self',
      ]);
    } finally {
      await rm(loop, { recursive: true, force: true });
    }
  });

  it('reads a file whose name is not valid UTF-8', async () => {
    const dir = join(root, 'latin1');
    await mkdir(dir);
    await writeFile(
      Buffer.from(`${dir}/caf\xe9.json`, 'latin1'),
      await real('us/117/votes/2021/h49/data.json'),
    );
    try {
      const records = await collect([dir]);
      expect(records.map((r) => r.kind)).to.deep.equal(['file', 'command']);
      expect(records[0]!.file).to.equal(`${dir}/caf\ufffd.json`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
