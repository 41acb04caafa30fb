import { expect } from 'chai';
import { createFreshness, type FreshnessRow } from './freshness.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const rows = (position: string, appliedAt: number): FreshnessRow[] =>
  ['votes', 'bills', 'members'].map((readModel) => ({
    readModel,
    position,
    appliedAt,
    eventTime: appliedAt - 40,
  }));

describe('freshness held in memory', () => {
  it('adopts the first snapshot after LISTEN as the baseline: caught up, lag 0', () => {
    const f = createFreshness();
    f.setConnected(true);
    expect(f.headers('votes', T0)).to.equal(null);
    f.offer(rows('5', T0));
    expect(f.headers('votes', T0 + 9_000)).to.deep.equal({
      position: '5',
      asOf: '2026-03-01T12:00:00.000Z',
      lagMs: 0,
    });
  });

  it('reports now - applied_at while a newer change is known but not yet reflected', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    expect(f.noteChange('6')).to.equal(true);
    expect(f.headers('bills', T0 + 1_500)).to.deep.include({ position: '5', lagMs: 1_500 });
    f.offer(rows('6', T0 + 1_000));
    expect(f.headers('bills', T0 + 1_500)).to.deep.include({ position: '6', lagMs: 0 });
  });

  it('holds back a snapshot that is ahead of the notifications until its own arrives', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    f.noteChange('6');
    // Read after 6 was processed, but 7 had committed already: its notification is still on its way.
    f.offer(rows('7', T0 + 2_000));
    expect(f.headers('votes', T0 + 2_500)?.position).to.equal('5');
    expect(f.noteChange('7')).to.equal(false);
    expect(f.headers('votes', T0 + 2_500)).to.deep.include({ position: '7', lagMs: 0 });
  });

  it('is never caught up while the listener is down', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    f.setConnected(false);
    expect(f.caughtUp()).to.equal(false);
    expect(f.headers('members', T0 + 3_000)).to.deep.include({ position: '5', lagMs: 3_000 });
  });

  it('a notification that does not move the position (view refresh) leaves it caught up', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    f.noteChange(null);
    expect(f.caughtUp()).to.equal(true);
  });

  it('a position announced again (a member render of an older batch) does not move it back', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('1', T0));
    f.noteChange('2'); // a roll call: members queued
    f.offer(rows('2', T0 + 10));
    f.noteChange('3'); // a bill, no member
    f.offer(rows('3', T0 + 30));
    expect(f.noteChange('2')).to.equal(true); // the members of batch 2 rendered: read rm.freshness again
    f.offer([...rows('3', T0 + 30).filter((r) => r.readModel !== 'members'), { ...rows('3', T0 + 50)[2]! }]);
    expect(f.caughtUp()).to.equal(true);
    expect(f.headers('members', T0 + 60_000)).to.deep.include({ position: '3', lagMs: 0 });
    expect(f.headers('members', T0 + 60_000)!.asOf).to.equal(new Date(T0 + 50).toISOString());
  });

  it('reports the members their own lag while their render is pending, the votes none', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    f.noteChange('6'); // a roll call: its members are queued, their row stays at 5 until the render
    const pending = [...rows('6', T0 + 1_000).filter((r) => r.readModel !== 'members'), rows('5', T0)[2]!];
    f.offer(pending);
    expect(f.headers('votes', T0 + 1_200)).to.deep.include({ position: '6', lagMs: 0 });
    expect(f.headers('members', T0 + 1_200)).to.deep.include({ position: '5', lagMs: 1_200 });
    expect(f.caughtUp()).to.equal(false);
    f.noteChange('6'); // the render announces the batch that queued them
    f.offer(rows('6', T0 + 1_300));
    expect(f.headers('members', T0 + 1_400)).to.deep.include({ position: '6', lagMs: 0 });
    expect(f.caughtUp()).to.equal(true);
  });

  it('reports a materialized view its own refresh: position and lag until it is refreshed', () => {
    const DASHBOARD = 'view:dashboard_mv'; // its rm.view_refresh row, as readFreshness names it
    const view = (position: string, refreshedAt: number): FreshnessRow => ({
      readModel: DASHBOARD,
      position,
      appliedAt: refreshedAt,
      eventTime: null,
    });
    const f = createFreshness();
    f.setConnected(true);
    expect(f.headers(DASHBOARD, T0)).to.equal(null); // never refreshed: nothing to claim
    f.offer([...rows('5', T0), view('5', T0 + 100)]);
    expect(f.headers(DASHBOARD, T0 + 200)).to.deep.equal({
      position: '5',
      asOf: new Date(T0 + 100).toISOString(),
      lagMs: 0,
    });
    // A batch: the view waits for its debounced refresh. The newest row is the batch's, not the view's.
    expect(f.noteChange('6')).to.equal(true);
    f.offer([...rows('6', T0 + 1_000), view('5', T0 + 100)]);
    expect(f.headers('votes', T0 + 1_100)).to.deep.include({ position: '6', lagMs: 0 });
    expect(f.headers(DASHBOARD, T0 + 1_100)).to.deep.include({
      position: '5',
      lagMs: 1_000,
    });
    expect(f.caughtUp()).to.equal(false);
    expect(f.noteChange(null)).to.equal(true); // the refresh's notification
    f.offer([...rows('6', T0 + 1_000), view('6', T0 + 1_600)]);
    expect(f.headers(DASHBOARD, T0 + 1_700)).to.deep.include({
      position: '6',
      lagMs: 0,
    });
    expect(f.caughtUp()).to.equal(true);
  });
});

describe('freshness while the projector applies a batch it has read', () => {
  it('counts the batch as lag from its oldest event until a change reaches its last position', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    expect(f.headers('votes', T0 + 100)).to.deep.include({ lagMs: 0 });
    // Events 6..505 read at T0 + 200, the oldest recorded at T0 + 150; applying them takes seconds.
    f.notePending('505', T0 + 150);
    expect(f.headers('votes', T0 + 3_150)).to.deep.include({ position: '5', lagMs: 3_000 });
    expect(f.headers('members', T0 + 3_150)).to.deep.include({ lagMs: 3_000 });
    f.noteChange('505');
    f.offer(rows('505', T0 + 3_200));
    expect(f.headers('votes', T0 + 3_300)).to.deep.include({ position: '505', lagMs: 0 });
  });

  it('ignores a batch already reached, clears one settled by a dead letter, compares Kafka offsets per partition', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('9', T0));
    f.noteChange('9');
    f.notePending('8', T0 - 5_000);
    expect(f.headers('votes', T0 + 100)).to.deep.include({ lagMs: 0 });
    f.notePending('12', T0);
    f.noteSettled('12');
    expect(f.headers('votes', T0 + 100)).to.deep.include({ lagMs: 0 });

    const k = createFreshness();
    k.setConnected(true);
    k.offer(rows('0:39', T0));
    k.notePending('0:40', T0);
    k.notePending('1:7', T0 + 50);
    k.noteChange('0:41');
    k.offer(rows('0:41', T0 + 10));
    // Partition 0 is past its batch; partition 1's batch is still being applied.
    expect(k.headers('votes', T0 + 1_050)).to.deep.include({ position: '0:41', lagMs: 1_000 });
    k.noteChange('1:7');
    k.offer(rows('1:7', T0 + 1_060));
    expect(k.headers('votes', T0 + 1_100)).to.deep.include({ lagMs: 0 });
  });

  it('forgets what it was told when the listener drops: those notifications may be missed', () => {
    const f = createFreshness();
    f.setConnected(true);
    f.offer(rows('5', T0));
    f.notePending('9', T0);
    f.setConnected(false);
    f.setConnected(true);
    f.offer(rows('9', T0 + 10));
    expect(f.headers('votes', T0 + 500)).to.deep.include({ lagMs: 0 });
  });
});
