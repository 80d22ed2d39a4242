/**
 * The in-process cache of hot reads. Entries are keyed by what they were computed from (see
 * {@link experimentStateKey}), so an instance never serves an entry once the data under it has
 * changed, whichever instance changed it; the TTL (`RESULTS_CACHE_TTL_SECONDS`, 0 disables)
 * bounds how long an entry is kept, and the size bound how many. Concurrent misses of one key
 * share a single load.
 */

/** A cache of computed values. */
export interface ResultsCache {
  /**
   * The value under `key`, loaded (and kept) when absent or expired. A failed load keeps
   * nothing.
   */
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/**
 * Creates a cache.
 * @param ttlSeconds - how long an entry lives; 0 loads every time
 * @param maxEntries - the most entries kept; the oldest go first
 * @param now - the clock, in milliseconds
 * @returns the cache
 * @example const cache = resultsCache(30); await cache.get(key, () => load())
 */
export function resultsCache(
  ttlSeconds: number,
  maxEntries = 500,
  now: () => number = Date.now,
): ResultsCache {
  const entries = new Map<string, { readonly expires: number; readonly value: Promise<unknown> }>();
  return {
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
      if (ttlSeconds <= 0) return load();
      const hit = entries.get(key);
      if (hit !== undefined && hit.expires > now()) return hit.value as Promise<T>;
      entries.delete(key);
      const value = load();
      entries.set(key, { expires: now() + ttlSeconds * 1000, value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return value;
    },
  };
}
