import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type pg from 'pg';
import { Command } from '../../command/contract/commands.ts';
import { decide } from '../../command/contract/decide.ts';
import type { EventEnvelope } from '../../command/contract/events.ts';
import { parseLegislatorsCsv, parseLegislatorsYaml } from '../../command/importers/usLegislators.ts';
import { inTransaction } from '../../infra/kernel/db.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { dataPath } from '../../infra/testing/realData.ts';
import { readModelChecksums } from '../rebuild/readModelChecksums.ts';
import type { RawEvent } from '../runner/applyBatch.ts';
import { processBatch } from '../runner/processBatch.ts';
import { drainWholeMemberQueue } from './memberQueue.ts';

type MemberCommand = Extract<Command, { type: 'RecordMember' }>;

/** Every record of a real legislators file as a command (537 sitting members in each of the two). */
const records = (file: string): MemberCommand[] => {
  const text = readFileSync(dataPath(`us/legislators/${file}`), 'utf8');
  return (file.endsWith('.yaml') ? parseLegislatorsYaml(text) : parseLegislatorsCsv(text)).map((p) => {
    if (!('command' in p)) throw new Error(`${file} ${p.position}: ${p.error}`);
    return Command.parse(p.command) as MemberCommand;
  });
};
const ev = (c: Command) => decide(c, { recordedAt: '2026-01-01T00:00:00.000Z' });

/** Applies the events (log positions 1..n) in batches of `size`, then renders every queued member. */
const project = async (pool: pg.Pool, events: readonly EventEnvelope[], size: number) => {
  const raws: RawEvent[] = events.map((e, i) => ({ offset: i + 1, position: String(i + 1), payload: e }));
  for (let at = 0; at < raws.length; at += size) {
    await processBatch(
      pool,
      { consumer: 'sources-test', source: 'postgres', partition: 0 },
      raws.slice(at, at + size),
      at ? at + 1 : null,
    );
  }
  await inTransaction(pool, (c) => drainWholeMemberQueue(c));
};

type Db = ReturnType<typeof useProjectorDatabase>;
const document = async (t: Db, id: string) =>
  JSON.parse((await t.admin.query('SELECT body FROM rm.members WHERE id = $1', [id])).rows[0].body);
const refs = (doc: { ids: { scheme: string; id: string }[] }) => doc.ids.map((r) => `${r.scheme}:${r.id}`);

/** The same events in both orders (one per batch, then in large mixed batches) must give the same read models. */
const sameInBothOrders = (
  name: string,
  yaml: () => Command[],
  csv: () => Command[],
  check: (t: Db) => Promise<void>,
) =>
  describe(name, () => {
    const yamlFirst = useProjectorDatabase();
    const csvFirst = useProjectorDatabase();
    before(async () => {
      const [y, c] = [yaml().map(ev), csv().map(ev)];
      // Small inputs one event per batch (the stored profile is merged by the upsert); the whole files in batches
      // of 200 one way and 150 the other, some holding records of both files (merged in memory, then with the
      // stored profile), so the batching differs too.
      const whole = y.length + c.length > 10;
      await project(yamlFirst.pool, [...y, ...c], whole ? 200 : 1);
      await project(csvFirst.pool, [...c, ...y], whole ? 150 : 1);
    });
    it('gives the same read models whichever file is loaded first', async () => {
      const [a, b] = await Promise.all([
        readModelChecksums(yamlFirst.admin, 'rm'),
        readModelChecksums(csvFirst.admin, 'rm'),
      ]);
      expect(Object.keys(a).filter((table) => a[table] !== b[table])).to.deep.equal([]);
    });
    it('shows what each file knows', async () => {
      await check(yamlFirst);
      await check(csvFirst);
    });
  });

describe('member profiles do not depend on the order of the legislators YAML and CSV (real Postgres)', () => {
  sameInBothOrders(
    'all 537 sitting members from legislators-current.yaml and .csv',
    () => records('legislators-current.yaml'),
    () => records('legislators-current.csv'),
    async (t) => {
      const members = await t.admin.query<{ body: string }>('SELECT body FROM rm.members');
      expect(members.rows).to.have.length(537);
      // Ids only the YAML has (wikidata, pictorial, ...) survive the CSV, and so do the YAML's dated terms.
      const sanders = await document(t, 'us-S000033');
      expect(refs(sanders)).to.include.members([
        'bioguide:S000033',
        'lis:S313',
        'wikidata:Q359442',
        'pictorial:13382',
      ]);
      expect(sanders.terms).to.have.length(12);
      expect(sanders).to.include({ party: 'Independent', region: 'VT' });
      // A party switcher has one term per party (party_affiliations), and the party of the latest one.
      const vanDrew = await document(t, 'us-V000133');
      expect(
        vanDrew.terms.slice(0, 2).map((r: { start: string; party: string }) => [r.start, r.party]),
      ).to.deep.equal([
        ['2019-01-03', 'Democrat'],
        ['2019-12-19', 'Republican'],
      ]);
      expect(vanDrew.party).to.equal('Republican');
      expect(refs(vanDrew)).to.include('wikidata:Q6175202');
      expect((await document(t, 'us-K000401')).party).to.equal('Independent');
    },
  );

  // Files that disagree: the CSV gives Sanders another LIS id, an id scheme of its own and no first name; the YAML
  // has no birthday. Each field comes from the same record in both orders.
  const sandersYaml = () => {
    const c = records('legislators-current.yaml')[2]!;
    return [{ ...c, data: { ...c.data, birthday: null } }];
  };
  const sandersCsv = () => {
    const c = records('legislators-current.csv')[2]!;
    const ids = [
      ...c.data.ids.filter((r) => r.scheme !== 'lis'),
      { scheme: 'lis', id: 'S999' },
      { scheme: 'x', id: '1' },
    ];
    return [
      { ...c, data: { ...c.data, ids, name: { ...c.data.name, full: 'Bernie Sanders', first: null } } },
    ];
  };
  sameInBothOrders('two records of Sanders that disagree', sandersYaml, sandersCsv, async (t) => {
    const doc = await document(t, 'us-S000033');
    // The YAML's ids in its order, then the scheme only the CSV has; the YAML's LIS id, not the CSV's.
    expect(refs(doc)).to.deep.equal([...sandersYaml()[0]!.data.ids.map((r) => `${r.scheme}:${r.id}`), 'x:1']);
    expect(doc.name).to.deep.equal({ full: 'Bernard Sanders', first: 'Bernard', last: 'Sanders' });
    expect([doc.gender, doc.birthday]).to.deep.equal(['M', '1941-09-08']);
    expect(doc.terms).to.have.length(12);
    // Both records' ids still lead to him.
    expect(doc.aliases).to.include.members(['us-lis-S313', 'us-lis-S999', 'us-x-1']);
  });

  describe('a corrected record of the same file', () => {
    const t = useProjectorDatabase();
    it('replaces the one before it (an id it no longer lists leaves the profile, the CSV kept either way)', async () => {
      const [yaml] = sandersYaml();
      const [csv] = sandersCsv();
      const corrected = {
        ...yaml!,
        data: { ...yaml!.data, ids: yaml!.data.ids.filter((r) => r.scheme !== 'wikidata') },
      };
      await project(t.pool, [yaml!, csv!, corrected].map(ev), 1);
      const doc = await document(t, 'us-S000033');
      expect(refs(doc)).to.not.include('wikidata:Q359442');
      expect(refs(doc)).to.include('x:1');
    });
  });
});
