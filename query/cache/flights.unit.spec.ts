import { expect } from 'chai';
import { createFlights } from './flights.ts';

describe('single-flight', () => {
  it('shares one run between concurrent callers of a key', async () => {
    const flights = createFlights<number>();
    let runs = 0;
    const run = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return 42;
    };
    const calls = Array.from({ length: 10 }, () => flights.run('k', ['t'], run));
    expect(calls.filter((c) => c.joined)).to.have.length(9);
    expect(await Promise.all(calls.map((c) => c.promise))).to.deep.equal(Array(10).fill(42));
    expect(runs).to.equal(1);
    expect(flights.size()).to.equal(0);
  });

  it('marks a touched flight stale and lets the next caller start a new one', async () => {
    const flights = createFlights<string>();
    const seen: boolean[] = [];
    const first = flights.run('k', ['bill:1'], async (f) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(f.stale);
      return 'old';
    });
    flights.invalidate(new Set(['bill:2']));
    expect(flights.run('k', ['bill:1'], async () => 'never').joined).to.equal(true);
    flights.invalidate(new Set(['bill:1']));
    const second = flights.run('k', ['bill:1'], async (f) => {
      seen.push(f.stale);
      return 'new';
    });
    expect(second.joined).to.equal(false);
    expect([await first.promise, await second.promise]).to.deep.equal(['old', 'new']);
    expect(seen.sort()).to.deep.equal([false, true]);
  });
});
