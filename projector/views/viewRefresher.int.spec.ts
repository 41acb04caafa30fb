import { expect } from 'chai';
import { createLogger } from '../../infra/kernel/logger.ts';
import { eventually } from '../../infra/testing/eventually.ts';
import { useProjectorDatabase } from '../../infra/testing/projectorDatabase.ts';
import { createViewRefresher } from './viewRefresher.ts';

const logger = createLogger('test', 'silent');

describe('view refresher: debounced after a batch, once per max delay during a backlog (real Postgres)', () => {
  const t = useProjectorDatabase();

  /** A refresher with a 20 ms debounce that records each refresh's position and time. */
  const startRefresher = (maxDelayMs: number) => {
    const refreshed: { position: string; at: number }[] = [];
    const refresher = createViewRefresher({
      pool: t.pool,
      logger,
      debounceMs: 20,
      maxDelayMs,
      onRefresh: (r) => refreshed.push({ position: r[0]!.position, at: Date.now() }),
    });
    return { refresher, refreshed };
  };

  it('refreshes shortly after a batch with nothing behind it', async () => {
    const { refresher, refreshed } = startRefresher(60_000);
    try {
      refresher.markStale('1');
      await eventually(async () => (refreshed.length ? true : undefined), 5_000);
      expect(refreshed.map((r) => r.position)).to.deep.equal(['1']);
    } finally {
      await refresher.stop();
    }
  });

  it('during a backlog waits for the max delay, then refreshes once up to the newest batch', async () => {
    const { refresher, refreshed } = startRefresher(800);
    try {
      const started = Date.now();
      for (const p of ['2', '3', '4']) {
        refresher.markStale(p, true);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(refreshed).to.deep.equal([]);
      await eventually(async () => (refreshed.length ? true : undefined), 5_000);
      expect(refreshed.map((r) => r.position)).to.deep.equal(['4']);
      expect(refreshed[0]!.at - started).to.be.greaterThanOrEqual(750);
      // The backlog ended: the next batch refreshes after the debounce again.
      refresher.markStale('5');
      await eventually(async () => (refreshed.length === 2 ? true : undefined), 5_000);
      expect(refreshed[1]!.position).to.equal('5');
    } finally {
      await refresher.stop();
    }
  });

  it('a backlog that turns out to be over (caughtUp) refreshes after the debounce, not the max delay', async () => {
    const { refresher, refreshed } = startRefresher(60_000);
    try {
      // A full last batch of a bulk load: it says more is behind; the next read finds nothing.
      refresher.markStale('6', true);
      await new Promise((r) => setTimeout(r, 200));
      expect(refreshed).to.deep.equal([]);
      const caughtUpAt = Date.now();
      refresher.caughtUp();
      await eventually(async () => (refreshed.length ? true : undefined), 5_000);
      expect(refreshed.map((r) => r.position)).to.deep.equal(['6']);
      expect(refreshed[0]!.at - caughtUpAt).to.be.lessThan(2_000);
    } finally {
      await refresher.stop();
    }
  });
});
