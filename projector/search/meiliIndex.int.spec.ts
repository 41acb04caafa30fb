import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool, withCredentials } from '../../infra/kernel/db.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { appendEvents, projectEvents, startTestProjector } from '../../infra/testing/projectUsVotes.ts';
import { createTestDatabase, TEST_PASSWORDS, type TestDatabase } from '../../infra/testing/testDatabase.ts';
import { asEvent, usBillCommands } from '../../infra/testing/usEvents.ts';
import { BILL_FACETS } from '../../query/search/engine.ts';
import { createMeiliSearch } from '../../query/search/meiliSearch.ts';
import { createPgSearch } from '../../query/search/pgSearch.ts';
import { createProjectorPool } from '../projectorPool.ts';
import { createMeiliIndex, startMeiliIndexer } from './meiliIndex.ts';

const MEILI_HOST = process.env.MEILI_HOST;

describe('search on Meilisearch, kept by the projector (real Meilisearch at MEILI_HOST)', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let admin: pg.Pool;
  let pool: pg.Pool;
  let indexer: Awaited<ReturnType<typeof startMeiliIndexer>>;
  const prefix = `test_${Date.now().toString(36)}_`;
  const engine = () =>
    createMeiliSearch({
      host: MEILI_HOST!,
      prefix,
      ...(process.env.MEILI_API_KEY ? { apiKey: process.env.MEILI_API_KEY } : {}),
    });
  const query = { q: '', facets: [...BILL_FACETS], limit: 20, offset: 0 };

  before(async function () {
    if (!MEILI_HOST) {
      process.stdout.write('    skipped: MEILI_HOST is not set (no Meilisearch server on this machine)\n');
      this.skip();
    }
    db = await createTestDatabase();
    admin = createPgPool({ connectionString: db.url, applicationName: 'test-admin' });
    await projectEvents(
      admin,
      db.url,
      usBillCommands().map((c) => asEvent(c)),
    );
    const url = withCredentials(db.url, 'openpolicy_projector', TEST_PASSWORDS.projector);
    pool = createProjectorPool(url);
    const logger = createLogger('test-meili', 'silent');
    indexer = await startMeiliIndexer({
      index: createMeiliIndex({
        host: MEILI_HOST!,
        prefix,
        logger,
        ...(process.env.MEILI_API_KEY ? { apiKey: process.env.MEILI_API_KEY } : {}),
      }),
      pool,
      listenUrl: url,
      logger,
    });
    await indexer.idle();
  });
  after(async () => {
    await indexer?.stop();
    await pool?.end();
    await admin?.end();
    await db?.drop();
  });

  it('answers the same totals and facet counts as the Postgres engine', async () => {
    const pgSearch = createPgSearch(withCredentials(db.url, 'openpolicy_query', TEST_PASSWORDS.query));
    try {
      const [pgPage, meiliPage] = await Promise.all([pgSearch.bills(query), engine().bills(query)]);
      expect(meiliPage.total).to.equal(pgPage.total);
      expect(meiliPage.facets).to.deep.equal(pgPage.facets);
    } finally {
      await pgSearch.end();
    }
  });

  it('tolerates a typo and highlights matches with <mark>', async () => {
    const page = await engine().bills({ ...query, q: 'infrastucture investment jobs' });
    expect(page.hits.slice(0, 3).map((h) => JSON.parse(h).id)).to.include('us-117-hr-3684');
    expect(JSON.parse(page.hits[0]!).highlights.title).to.match(/<mark>/);
  });

  it('makes a newly projected bill searchable within a second, and reindexes without an empty moment', async () => {
    const projector = await startTestProjector(db.url, 'projector-test');
    try {
      const base = usBillCommands().find((c) => (c.data as { number: string }).number === '3076')!;
      const added = {
        ...base,
        data: { ...base.data, number: '99999', title: 'Zebrafinch Habitat Act', summary: null },
      };
      const started = Date.now();
      await appendEvents(admin, [asEvent(added as never)]);
      let total = 0;
      while (Date.now() - started < 10_000 && total === 0) {
        total = (await engine().bills({ ...query, q: 'zebrafinch' })).total;
      }
      expect(Date.now() - started).to.be.lessThan(1_000);
      const index = createMeiliIndex({ host: MEILI_HOST!, prefix, logger: createLogger('test', 'silent') });
      const reindex = index.reindex(pool, 'bills');
      let done = false;
      void reindex.finally(() => {
        done = true;
      });
      while (!done) expect((await engine().bills(query)).total).to.be.greaterThan(0);
      expect(await reindex).to.equal(bills777());
    } finally {
      await projector.stop();
    }
  });
});

const bills777 = () => usBillCommands().length + 1;
