import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type pg from 'pg';
import { Command } from '../../command/contract/commands.ts';
import { parseLegislatorsCsv, parseLegislatorsYaml } from '../../command/importers/usLegislators.ts';
import { createPgEventLog } from '../../command/log/pgEventLog.ts';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { dataPath } from '../../infra/testing/realData.ts';
import { createTestDatabase, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { asEvent } from '../../infra/testing/usEvents.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { runPgLogSource } from '../sources/pgLogSource.ts';

const SANDERS = 'us-S000033';

/** A member's record from a real legislators file (Bernie Sanders unless told), as a command. */
const recordFrom = (kind: 'yaml' | 'csv', bioguide = 'S000033') => {
  const text = readFileSync(dataPath(`us/legislators/legislators-current.${kind}`), 'utf8');
  const parsed = kind === 'yaml' ? parseLegislatorsYaml(text) : parseLegislatorsCsv(text);
  const record = parsed.find(
    (p) => 'command' in p && JSON.stringify(p.command).includes(`"${bioguide}"`),
  ) as {
    command: unknown;
  };
  return Command.parse(record.command);
};
const sandersFrom = (kind: 'yaml' | 'csv') => asEvent(recordFrom(kind));

describe('member profiles from several legislators files (real Postgres)', () => {
  let db: TestDatabase;
  let admin: pg.Pool;

  // A database per test: the event log is append-only.
  beforeEach(async () => {
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
  });
  afterEach(async () => {
    await admin.end();
    await db.drop();
  });

  const project = async (batchSize: number) => {
    const url = withCredentials(db.url, 'openpolicy_projector', 'openpolicy_projector');
    const pool = createProjectorPool(url);
    const source = await runPgLogSource({
      pool,
      listenUrl: url,
      consumer: `profiles-${batchSize}`,
      batchSize,
      idlePollMs: 100,
      logger: createLogger('test', 'silent'),
    });
    const last = await admin.query<{ p: string }>('SELECT max(position)::text AS p FROM events.log');
    await eventually(async () => {
      const r = await admin.query('SELECT next_offset FROM projector.checkpoints WHERE consumer = $1', [
        `profiles-${batchSize}`,
      ]);
      return Number(r.rows[0]?.next_offset ?? 0) > Number(last.rows[0]!.p) ? true : undefined;
    });
    await source.stop();
    await pool.end();
  };
  const document = async () =>
    JSON.parse((await admin.query('SELECT body FROM rm.members WHERE id = $1', [SANDERS])).rows[0].body);

  it('keeps the dated terms of the YAML when the CSV (no term dates) is loaded after it, in one batch or two', async () => {
    const yaml = sandersFrom('yaml');
    const csv = sandersFrom('csv');
    const yamlTerms = (yaml.data as { terms: unknown[] }).terms.length;
    // Sanders: 8 House terms (1991-2007) and 3 Senate terms up to the 118th Congress in this file.
    expect(yamlTerms).to.be.greaterThan(8);
    expect((csv.data as { terms: unknown[] }).terms).to.have.length(0);
    const log = createPgEventLog(admin);
    await log.append([yaml, csv]);

    await project(1); // two batches: the stored profile is merged by the upsert
    const a = await document();
    expect(a.terms).to.have.length(yamlTerms);
    expect(a.terms[0]).to.include({ chamber: 'lower', region: 'VT' });
    expect(a.party).to.equal('Independent');

    // A fresh read model: its record of applied events goes too, or the events would be skipped as seen.
    await admin.query('TRUNCATE rm.member_state, rm.members, rm.applied_events CASCADE');
    await project(10); // one batch: merged in memory
    const b = await document();
    expect(b.terms).to.deep.equal(a.terms);
  });

  it('re-renders the member an alias moves away from, so no two documents list it', async () => {
    // A corrected file moves Sanders' LIS id (S313) to Amy Klobuchar (K000367).
    const klobuchar = recordFrom('yaml', 'K000367');
    if (klobuchar.type !== 'RecordMember') throw new Error('expected a member');
    klobuchar.data.ids.push({ scheme: 'lis', id: 'S313' });
    const log = createPgEventLog(admin);
    await log.append([sandersFrom('yaml')]);
    await project(1);
    expect((await document()).aliases).to.include('us-lis-S313');
    await log.append([asEvent(klobuchar)]);
    await project(1);
    expect((await document()).aliases).to.not.include('us-lis-S313');
    const owner = await admin.query("SELECT member_id FROM rm.member_aliases WHERE alias = 'us-lis-S313'");
    expect(owner.rows).to.deep.equal([{ member_id: 'us-K000367' }]);
  });
});
