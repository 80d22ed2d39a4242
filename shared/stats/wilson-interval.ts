/**
 * Wilson score interval for a binomial proportion.
 */
import { normalCriticalValue } from './normal-distribution.ts';
import type { Interval } from './interval.ts';
import type { ProportionStats } from './proportion-stats.ts';

/**
 * Wilson score interval: with p = x/n and z = z(1 - alpha/2),
 * (p + z^2/(2n)) / (1 + z^2/n) +/- z / (1 + z^2/n) * sqrt(p(1 - p)/n + z^2/(4n^2)),
 * clamped to [0, 1] (exactly 0 below when x = 0, exactly 1 above when x = n).
 * Source: Wilson (1927), JASA 22(158); statsmodels
 * `proportion_confint(x, n, alpha, method='wilson')`.
 * @param stats - users and successes
 * @param alpha - significance level, in (0, 1)
 * @returns the interval, or null for an empty arm or an invalid alpha
 * @example wilsonInterval({ n: 20, successes: 3 }, 0.05) // [0.05236874589621662, 0.3604188647407569]
 */
export function wilsonInterval(stats: ProportionStats, alpha: number): Interval | null {
  const { n, successes } = stats;
  const z = normalCriticalValue(alpha);
  if (z === null || !(n > 0)) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  const low = successes <= 0 ? 0 : Math.max(0, center - half);
  const high = successes >= n ? 1 : Math.min(1, center + half);
  return [low, high];
}
