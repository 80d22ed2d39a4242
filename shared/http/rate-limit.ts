/**
 * Rate limiting per token: a token bucket per caller holding up to `requests` tokens, refilled
 * continuously at `requests / periodSeconds` per second, each request taking one. A caller
 * over the limit is told how many whole seconds until its next request would pass (the
 * `Retry-After` of a 429). The buckets live in this process: on Cloud Run each instance limits
 * on its own, so a caller can reach up to (instances x requests) per period (see README,
 * "Rate limiting").
 */

/** The limit's verdict on one request. */
export type RateVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** A limiter over many callers. */
export interface RateLimiter {
  /**
   * Takes one request from a caller's bucket.
   * @param caller - the token's name (or another stable key)
   * @returns allowed, or how long to wait
   */
  take(caller: string): RateVerdict;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept at most; full buckets are forgotten first (they hold no state worth keeping). */
const maxBuckets = 10_000;

/**
 * Makes a token-bucket limiter.
 * @param requests - the bucket's size: requests per period (0 switches limiting off)
 * @param periodSeconds - the period over which `requests` refill
 * @param now - the clock, in seconds (monotonic by default)
 * @returns the limiter
 * @see https://en.wikipedia.org/wiki/Token_bucket
 * @example tokenBucketLimiter(600, 60).take('ci').allowed // true
 */
export function tokenBucketLimiter(
  requests: number,
  periodSeconds: number,
  now: () => number = () => performance.now() / 1000,
): RateLimiter {
  if (requests <= 0) return { take: () => ({ allowed: true }) };
  const ratePerSecond = requests / periodSeconds;
  const buckets = new Map<string, Bucket>();
  const forgetFull = (at: number) => {
    for (const [caller, bucket] of buckets) {
      if (bucket.tokens + (at - bucket.at) * ratePerSecond >= requests) buckets.delete(caller);
    }
  };
  return {
    take(caller) {
      const at = now();
      let bucket = buckets.get(caller);
      if (bucket === undefined) {
        if (buckets.size >= maxBuckets) forgetFull(at);
        bucket = { tokens: requests, at };
        buckets.set(caller, bucket);
      } else {
        bucket.tokens = Math.min(requests, bucket.tokens + (at - bucket.at) * ratePerSecond);
        bucket.at = at;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)),
      };
    },
  };
}
