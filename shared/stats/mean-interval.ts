/**
 * Student-t confidence interval for the mean of a continuous metric.
 */
import { studentTCriticalValue } from './student-t-distribution.ts';
import { sampleSd, type MeanMoments } from './mean-moments.ts';
import { symmetricInterval, type Interval } from './interval.ts';

/**
 * Confidence interval for a mean: mean +/- t(1 - alpha/2, n - 1) * sd / sqrt(n), sd the sample
 * standard deviation. A sample with sd 0 gives the point interval [mean, mean].
 * Source: Student (1908); scipy.stats.t.interval(1 - alpha, n - 1, loc=mean, scale=sd/sqrt(n)).
 * @param moments - the sample's moments
 * @param alpha - significance level, in (0, 1)
 * @returns the interval, or null when n < 2 or alpha is invalid
 * @example meanInterval(momentsOf([1, 2, 3, 4]), 0.05) // [0.44573974323947896, 4.5542602567605215]
 */
export function meanInterval(moments: MeanMoments, alpha: number): Interval | null {
  const sd = sampleSd(moments);
  if (sd === null) return null;
  const critical = studentTCriticalValue(alpha, moments.n - 1);
  return symmetricInterval(moments.mean, critical, sd / Math.sqrt(moments.n));
}
