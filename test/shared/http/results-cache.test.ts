/**
 * The in-process cache: an entry is served until its TTL passes on the injected clock, a TTL
 * of 0 caches nothing, concurrent misses share one load, a failed load is not kept, and the
 * oldest entries go past the size bound.
 */
import { describe, expect, it } from 'vitest';
import { resultsCache } from '../../../shared/http/results/results-cache.ts';

describe('resultsCache', () => {
  it('serves an entry until its TTL has passed', async () => {
    let now = 1_000_000;
    const cache = resultsCache(30, 10, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    now += 29_999;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('caches nothing with a TTL of 0', async () => {
    const cache = resultsCache(0);
    let loads = 0;
    await cache.get('k', async () => ++loads);
    await cache.get('k', async () => ++loads);
    expect(loads).toBe(2);
  });

  it('shares one load between concurrent misses and keeps no failure', async () => {
    const cache = resultsCache(30);
    let loads = 0;
    const values = await Promise.all([1, 2, 3].map(() => cache.get('k', async () => ++loads)));
    expect(values).toEqual([1, 1, 1]);
    await expect(
      cache.get('bad', async () => Promise.reject(new Error('db down'))),
    ).rejects.toThrow('db down');
    expect(await cache.get('bad', async () => 'recovered')).toBe('recovered');
  });

  it('drops the oldest entries past its size bound', async () => {
    const cache = resultsCache(30, 2);
    let loads = 0;
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ++loads);
    expect(await cache.get('c', async () => ++loads)).toBe(3);
    expect(await cache.get('a', async () => ++loads)).toBe(4);
  });
});
