/**
 * The token bucket: a caller gets `requests` at once, then one more every period/requests
 * seconds; over it, the wait until the next request would pass, in whole seconds (at least 1);
 * callers do not share buckets; 0 requests switches limiting off.
 */
import { describe, expect, it } from 'vitest';
import { tokenBucketLimiter } from '../../../shared/http/rate-limit.ts';

function clock() {
  let now = 1000;
  return { now: () => now, advance: (seconds: number) => (now += seconds) };
}

describe('tokenBucketLimiter', () => {
  it('allows a burst of the bucket size, then says how long to wait', () => {
    const time = clock();
    const limiter = tokenBucketLimiter(3, 60, time.now);
    expect([1, 2, 3].map(() => limiter.take('ci').allowed)).toEqual([true, true, true]);
    expect(limiter.take('ci')).toEqual({ allowed: false, retryAfterSeconds: 20 });
    time.advance(19.5);
    expect(limiter.take('ci')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(0.5);
    expect(limiter.take('ci')).toEqual({ allowed: true });
    expect(limiter.take('ci')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('refills at requests per period and never beyond the bucket', () => {
    const time = clock();
    const limiter = tokenBucketLimiter(600, 60, time.now);
    for (let i = 0; i < 600; i += 1) expect(limiter.take('ci').allowed).toBe(true);
    expect(limiter.take('ci')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(1);
    const passed = Array.from({ length: 20 }, () => limiter.take('ci').allowed).filter(Boolean);
    expect(passed).toHaveLength(10);
    time.advance(3600);
    const burst = Array.from({ length: 700 }, () => limiter.take('ci').allowed).filter(Boolean);
    expect(burst).toHaveLength(600);
  });

  it('keeps one bucket per caller', () => {
    const limiter = tokenBucketLimiter(1, 10, clock().now);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('is off with 0 requests', () => {
    const limiter = tokenBucketLimiter(0, 60, clock().now);
    for (let i = 0; i < 10_000; i += 1) expect(limiter.take('ci').allowed).toBe(true);
  });
});
