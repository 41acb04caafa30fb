import { expect } from 'chai';
import type { CacheEntry } from './entry.ts';
import { createMemoryCache, entrySize } from './memoryCache.ts';

const entry = (bytes: number, gzip = 0, br = 0): CacheEntry => ({
  etag: '"e"',
  identity: Buffer.alloc(bytes, 1),
  gzip: gzip ? Buffer.alloc(gzip, 2) : null,
  br: br ? Buffer.alloc(br, 3) : null,
  position: null,
});

describe('in-process cache: an LRU bounded by bytes, indexed by tag', () => {
  it('counts every variant, the key, the tags and a fixed overhead', () => {
    // 1000 + 300 + 200 bytes of body, key 'k' twice, etag '"e"' three times, one tag 'bill:1' + 48, 256 overhead.
    expect(entrySize('k', ['bill:1'], entry(1_000, 300, 200))).to.equal(1_500 + 2 + 9 + 6 + 48 + 256);
  });

  it('evicts the least recently used entries once the byte budget is spent', () => {
    const one = entrySize('a', ['t'], entry(2_000));
    const cache = createMemoryCache(4 * one);
    for (const k of ['a', 'b', 'c', 'd']) expect(cache.set(k, ['t'], entry(2_000))).to.equal(true);
    expect(cache.stats()).to.deep.include({ bytes: 4 * one, entries: 4 });
    cache.get('a'); // a is now the most recently used
    cache.set('e', ['t'], entry(2_000));
    expect(['a', 'b', 'c', 'd', 'e'].filter((k) => cache.get(k))).to.deep.equal(['a', 'c', 'd', 'e']);
    expect(cache.stats().bytes).to.equal(4 * one);
  });

  it('refuses an entry larger than a quarter of the budget instead of flushing the rest', () => {
    const cache = createMemoryCache(40_000);
    cache.set('small', ['t'], entry(1_000));
    expect(cache.set('huge', ['t'], entry(10_000))).to.equal(false);
    expect(cache.get('huge')).to.equal(undefined);
    expect(cache.get('small')).to.not.equal(undefined);
  });

  it('drops exactly the entries carrying an invalidated tag, and forgets evicted keys in its index', () => {
    const cache = createMemoryCache(1 << 20);
    cache.set('/bills/1', ['bill:1'], entry(10));
    cache.set('/bills?ids=1,2', ['bills', 'bill:1', 'bill:2'], entry(10));
    cache.set('/bills/2', ['bill:2'], entry(10));
    cache.set('/votes/9', ['vote:9'], entry(10));
    expect(cache.invalidate(new Set(['bill:1']))).to.equal(2);
    expect(['/bills/1', '/bills?ids=1,2', '/bills/2', '/votes/9'].filter((k) => cache.get(k))).to.deep.equal([
      '/bills/2',
      '/votes/9',
    ]);
    // Index entries go with their keys: bill:1 and bills are gone, bill:2 and vote:9 remain.
    expect(cache.stats().tags).to.equal(2);
    expect(cache.clear()).to.equal(2);
    expect(cache.stats()).to.deep.equal({ bytes: 0, entries: 0, tags: 0 });
  });

  it('re-indexes a key whose tags change when it is set again', () => {
    const cache = createMemoryCache(1 << 20);
    cache.set('k', ['old'], entry(10));
    cache.set('k', ['new'], entry(10));
    expect(cache.invalidate(['old'])).to.equal(0);
    expect(cache.invalidate(['new'])).to.equal(1);
  });

  it('keeps nothing with a zero budget', () => {
    const cache = createMemoryCache(0);
    expect(cache.set('k', ['t'], entry(10))).to.equal(false);
    expect(cache.get('k')).to.equal(undefined);
  });
});
