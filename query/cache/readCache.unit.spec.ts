import { expect } from 'chai';
import { createMemoryCache } from './memoryCache.ts';
import { createReadCache } from './readCache.ts';

const fill = (key: string) => ({
  key,
  tags: [`bill:${key}`],
  load: async () => ({ body: JSON.stringify({ key, filler: 'word '.repeat(1_000) }) }),
});

describe('read cache: compression follows keeping', () => {
  it('compresses an answer that the memory level keeps', async () => {
    const cache = createReadCache({ memory: createMemoryCache(1 << 20), redis: null });
    cache.listening(true);
    const entry = await cache.get(fill('a'));
    expect(entry?.gzip).to.be.instanceOf(Buffer);
    expect(entry?.br).to.be.instanceOf(Buffer);
    expect(cache.peek('a')).to.equal(entry);
  });

  it('sends an answer no level keeps as it is, without compressing it for nobody', async () => {
    const cache = createReadCache({ memory: createMemoryCache(0), redis: null });
    cache.listening(true);
    const entry = await cache.get(fill('b'));
    expect(entry?.identity.length).to.be.greaterThan(5_000);
    expect(entry?.gzip).to.equal(null);
    expect(entry?.br).to.equal(null);
  });
});
