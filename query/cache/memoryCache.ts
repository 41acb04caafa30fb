import { LRUCache } from 'lru-cache';
import type { CacheEntry } from './entry.ts';

type Stored = Readonly<{ entry: CacheEntry; tags: readonly string[]; size: number }>;

/** Bookkeeping per entry beyond its bytes: the key twice (LRU and tag index), tag index slots, object headers. */
const OVERHEAD_BYTES = 256;
const TAG_BYTES = 48;

/** What an entry costs in memory, the unit of `maxBytes`. */
export const entrySize = (key: string, tags: readonly string[], e: CacheEntry) =>
  e.identity.length +
  (e.gzip?.length ?? 0) +
  (e.br?.length ?? 0) +
  2 * key.length +
  3 * e.etag.length +
  tags.reduce((n, t) => n + t.length + TAG_BYTES, 0) +
  OVERHEAD_BYTES;

/**
 * The in-process level: an LRU bounded by bytes (not entries), with an index from tag to keys so that a
 * change notification drops exactly the answers built from the rows it names. An entry larger than a
 * quarter of the budget is not kept (it would evict too much); it still lives in Redis.
 */
export const createMemoryCache = (maxBytes: number) => {
  const byTag = new Map<string, Set<string>>();
  const unindex = (key: string, tags: readonly string[]) => {
    for (const tag of tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };
  const maxEntryBytes = Math.max(1, Math.floor(maxBytes / 4));
  const lru =
    maxBytes > 0
      ? new LRUCache<string, Stored>({
          maxSize: maxBytes,
          maxEntrySize: maxEntryBytes,
          sizeCalculation: (s) => s.size,
          dispose: (s, key) => unindex(key, s.tags),
        })
      : null;

  return {
    /** Whether this level keeps anything (a budget of 0 turns it off). */
    keeps: lru !== null,
    get: (key: string) => lru?.get(key)?.entry,
    /** False when the entry is not kept (too large, or the level is off). */
    set(key: string, tags: readonly string[], entry: CacheEntry) {
      const size = entrySize(key, tags, entry);
      if (!lru || size > maxEntryBytes) return false;
      lru.set(key, { entry, tags, size });
      for (const tag of tags) {
        const keys = byTag.get(tag);
        if (keys) keys.add(key);
        else byTag.set(tag, new Set([key]));
      }
      return true;
    },
    /** Drops every entry carrying one of `tags`; returns how many. */
    invalidate(tags: Iterable<string>) {
      let dropped = 0;
      for (const tag of tags) {
        const keys = byTag.get(tag);
        if (!keys) continue;
        for (const key of [...keys]) if (lru?.delete(key)) dropped++;
      }
      return dropped;
    },
    clear() {
      const n = lru?.size ?? 0;
      lru?.clear();
      byTag.clear();
      return n;
    },
    stats: () => ({ bytes: lru?.calculatedSize ?? 0, entries: lru?.size ?? 0, tags: byTag.size }),
  };
};

export type MemoryCache = ReturnType<typeof createMemoryCache>;
