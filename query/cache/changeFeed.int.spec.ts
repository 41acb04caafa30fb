import { expect } from 'chai';
import pg from 'pg';
import { privatePostgresUnavailable, startPrivatePostgres } from '../../infra/fault/privatePostgres.ts';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { createChangeFeed } from './changeFeed.ts';

const listeners = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'openpolicy-query-listen'",
    );
    return r.rows[0]!.n;
  } finally {
    await c.end();
  }
};

describe('change feed across a Postgres outage (private cluster)', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startPrivatePostgres>>;

  before(function () {
    const why = privatePostgresUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });
  beforeEach(async () => {
    server = await startPrivatePostgres();
  });
  afterEach(() => server?.destroy());

  it('re-listens after a restart and tells the cache it was down meanwhile', async () => {
    const states: boolean[] = [];
    const payloads: (string | undefined)[] = [];
    const feed = createChangeFeed({
      connectionString: server.url,
      logger: createLogger('test', 'silent'),
      onChange: (p) => payloads.push(p),
      onListening: (up) => states.push(up),
      channel: 'feed_test',
    });
    await feed.start();
    expect(feed.listening()).to.equal(true);
    server.stop('immediate');
    server.start();
    await eventually(async () => (states.length >= 3 && feed.listening() ? true : undefined), 60_000);
    expect(states).to.deep.equal([true, false, true]);
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query("SELECT pg_notify('feed_test', 'after')");
    await c.end();
    await eventually(async () => (payloads.includes('after') ? true : undefined));
    await feed.stop();
  });

  it('stopped while reconnecting, leaves no connection behind once Postgres is back', async () => {
    const feed = createChangeFeed({
      connectionString: server.url,
      logger: createLogger('test', 'silent'),
      onChange: () => {},
      onListening: () => {},
      channel: 'feed_test',
    });
    await feed.start();
    expect(await listeners(server.url)).to.equal(1);
    server.stop('immediate');
    // The feed is now retrying in the background; stop it there, then bring Postgres back.
    await eventually(async () => (feed.listening() ? undefined : true), 30_000);
    await feed.stop();
    server.start();
    // The reconnection under way connects within its back-off (at most 5 s), and must then close again.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await listeners(server.url)).to.equal(0);
  });
});
