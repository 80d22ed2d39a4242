/**
 * Fisher's exact test for a 2x2 table, two-sided.
 */
import { hypergeometricLogWeights } from './hypergeometric-distribution.ts';

/**
 * Relative tolerance for "as or more extreme": a table counts when its probability is at most
 * the observed table's times (1 + 1e-7). The tolerance absorbs rounding so that tables whose
 * exact probabilities are equal (symmetric margins) are always counted; R's `fisher.test` uses
 * the same 1 + 1e-7, SciPy 1.10 `fisher_exact` 1 + 1e-14 on its own pmf values.
 */
export const FISHER_RELATIVE_TOLERANCE = 1e-7;

/** A 2x2 table of counts: rows are the two groups, columns success / failure. */
export interface TwoByTwoTable {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/**
 * Two-sided p-value of Fisher's exact test on the table [[a, b], [c, d]]: the probability, under
 * the hypergeometric distribution of `a` given all margins, of every table whose probability is
 * no larger than the observed one's (up to {@link FISHER_RELATIVE_TOLERANCE}). A table with an
 * empty row or column has p = 1. Computed as a ratio of sums of relative weights in log space,
 * so p-values far below 1e-300 still come out as 0 rather than NaN, and ties are exact.
 * Source: Fisher (1935), The Design of Experiments, sec. 12; Agresti (2002), Categorical Data
 * Analysis, sec. 3.5.1; scipy.stats.fisher_exact(table, alternative='two-sided').
 * @param table - non-negative integer counts
 * @returns the two-sided p-value in [0, 1]
 * @example fisherExactPValue({ a: 3, b: 17, c: 7, d: 15 }) // 0.2841640890421378
 */
export function fisherExactPValue(table: TwoByTwoTable): number {
  const { a, b, c, d } = table;
  const N = a + b + c + d;
  const K = a + c;
  const n = a + b;
  if (K === 0 || K === N || n === 0 || n === N) return 1;
  const { low, logWeights } = hypergeometricLogWeights(N, K, n);
  const threshold = logWeights[a - low] + Math.log1p(FISHER_RELATIVE_TOLERANCE);
  let maxAll = -Infinity;
  let maxExtreme = -Infinity;
  for (const w of logWeights) {
    maxAll = Math.max(maxAll, w);
    if (w <= threshold) maxExtreme = Math.max(maxExtreme, w);
  }
  let sumAll = 0;
  let sumExtreme = 0;
  for (const w of logWeights) {
    sumAll += Math.exp(w - maxAll);
    if (w <= threshold) sumExtreme += Math.exp(w - maxExtreme);
  }
  const p = Math.exp(maxExtreme - maxAll + Math.log(sumExtreme) - Math.log(sumAll));
  return Math.min(1, p);
}
