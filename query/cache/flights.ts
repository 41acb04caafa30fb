/** One load in progress. `stale` turns true when a change touching its tags arrives while it runs. */
export type Flight = { readonly tags: readonly string[]; stale: boolean };

/**
 * Single-flight: concurrent misses on one key share one load. A change notification marks the flights it
 * touches stale and detaches them, so a request that arrives after the change starts a fresh load instead of
 * joining one that may have read the old rows; the stale flight's result still answers the requests that
 * were already waiting (they began before the change) but is not stored.
 */
export const createFlights = <T>() => {
  const inFlight = new Map<string, { flight: Flight; promise: Promise<T> }>();
  return {
    /** Joins the load for `key`, or starts `run`; `joined` tells which. */
    run(key: string, tags: readonly string[], run: (flight: Flight) => Promise<T>) {
      const current = inFlight.get(key);
      if (current) return { promise: current.promise, joined: true };
      const flight: Flight = { tags, stale: false };
      const promise = run(flight).finally(() => {
        if (inFlight.get(key)?.flight === flight) inFlight.delete(key);
      });
      inFlight.set(key, { flight, promise });
      return { promise, joined: false };
    },
    invalidate(tags: ReadonlySet<string>) {
      for (const [key, { flight }] of inFlight) {
        if (flight.tags.some((t) => tags.has(t))) {
          flight.stale = true;
          inFlight.delete(key);
        }
      }
    },
    invalidateAll() {
      for (const { flight } of inFlight.values()) flight.stale = true;
      inFlight.clear();
    },
    size: () => inFlight.size,
  };
};
