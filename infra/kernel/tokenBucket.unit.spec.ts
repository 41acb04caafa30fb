import { expect } from 'chai';
import { createTokenBuckets } from './tokenBucket.ts';

describe('token bucket per client', () => {
  let t: number;
  const buckets = () => createTokenBuckets({ ratePerSec: 2, burst: 3, now: () => t });
  beforeEach(() => {
    t = 1_000_000;
  });

  it('lets a burst through, then refuses with the wait until the next token', () => {
    const b = buckets();
    expect([1, 2, 3].map(() => b.take('ip:a').allowed)).to.deep.equal([true, true, true]);
    const refused = b.take('ip:a');
    expect(refused).to.deep.equal({ allowed: false, remaining: 0, retryAfterMs: 500 });
    t += 250;
    expect(b.take('ip:a')).to.deep.include({ allowed: false, retryAfterMs: 250 });
    t += 250;
    expect(b.take('ip:a')).to.deep.include({ allowed: true, remaining: 0 });
  });

  it('refills at the configured rate and never beyond the burst', () => {
    const b = buckets();
    for (let i = 0; i < 3; i++) b.take('ip:a');
    t += 60_000;
    expect([1, 2, 3, 4].map(() => b.take('ip:a').allowed)).to.deep.equal([true, true, true, false]);
  });

  it('keeps one bucket per client', () => {
    const b = buckets();
    for (let i = 0; i < 3; i++) b.take('ip:a');
    expect(b.take('ip:a').allowed).to.equal(false);
    expect(b.take('key:op_x').allowed).to.equal(true);
    expect(b.size()).to.equal(2);
  });
});
