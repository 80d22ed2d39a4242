/**
 * Addable moments of paired values (x, y) per unit: count, both means, both sums of squared
 * deviations and the sum of cross deviations. CUPED pairs a metric y with its pre-exposure value
 * x; a ratio metric pairs its numerator (y) with its denominator (x). Moments of days, segments or
 * batches merge like sums (Chan, Golub & LeVeque's pairwise update, extended to the co-moment),
 * and a warehouse query that returns only sums converts with {@link bivariateMomentsFromSums}.
 */
import { momentsOf, type MeanMoments } from './mean-moments.ts';

/**
 * Moments of n pairs: means of x and y, M2x = sum (x - mean_x)^2, M2y = sum (y - mean_y)^2 and
 * Cxy = sum (x - mean_x)(y - mean_y).
 */
export interface BivariateMoments {
  readonly n: number;
  readonly meanX: number;
  readonly meanY: number;
  readonly m2X: number;
  readonly m2Y: number;
  readonly cXY: number;
}

/** Sums a warehouse query returns per group: n, sum x, sum y, sum x^2, sum y^2, sum xy. */
export interface BivariateSums {
  readonly n: number;
  readonly sumX: number;
  readonly sumY: number;
  readonly sumXX: number;
  readonly sumYY: number;
  readonly sumXY: number;
}

/** The moments of no pairs. */
export const EMPTY_BIVARIATE_MOMENTS: BivariateMoments = Object.freeze({
  n: 0,
  meanX: 0,
  meanY: 0,
  m2X: 0,
  m2Y: 0,
  cXY: 0,
});

/**
 * Moments of paired samples by the corrected two-pass algorithm: compensated means, then the
 * sums of squared and cross deviations less the rounding error of the means,
 * Cxy = sum dx dy - (sum dx)(sum dy) / n.
 * Source: Chan, Golub & LeVeque (1983), The American Statistician 37(3), eq. 1.7; numpy
 * `np.cov(x, y)` times n - 1.
 * @param x - the first value of each pair
 * @param y - the second value of each pair (same length)
 * @returns the moments
 * @throws RangeError when the lengths differ
 * @example bivariateMomentsOf([1, 2, 3], [2, 4, 7]).cXY // 5
 */
export function bivariateMomentsOf(x: ArrayLike<number>, y: ArrayLike<number>): BivariateMoments {
  if (x.length !== y.length) throw new RangeError('x and y must have the same length');
  const n = x.length;
  if (n === 0) return EMPTY_BIVARIATE_MOMENTS;
  const mx = momentsOf(x);
  const my = momentsOf(y);
  let cross = 0;
  let sumDx = 0;
  let sumDy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx.mean;
    const dy = y[i] - my.mean;
    cross += dx * dy;
    sumDx += dx;
    sumDy += dy;
  }
  return {
    n,
    meanX: mx.mean,
    meanY: my.mean,
    m2X: mx.m2,
    m2Y: my.m2,
    cXY: cross - (sumDx * sumDy) / n,
  };
}

/**
 * Merges the moments of two disjoint sets of pairs: with dx = meanX_b - meanX_a and
 * dy = meanY_b - meanY_a, Cxy = Cxy_a + Cxy_b + dx dy n_a n_b / n (and M2 likewise).
 * Source: Chan, Golub & LeVeque (1979), Stanford CS-TR-79-773, eq. 2.1; Pébay (2008), "Formulas
 * for robust, one-pass parallel computation of covariances", Sandia SAND2008-6212, eq. 3.7.
 * @param left - moments of the first set
 * @param right - moments of the second set
 * @returns the moments of the union
 * @example mergeBivariateMoments(bivariateMomentsOf([1], [2]), bivariateMomentsOf([2, 3], [4, 7])).cXY // 5
 */
export function mergeBivariateMoments(
  left: BivariateMoments,
  right: BivariateMoments,
): BivariateMoments {
  if (left.n === 0) return right;
  if (right.n === 0) return left;
  const n = left.n + right.n;
  const dx = right.meanX - left.meanX;
  const dy = right.meanY - left.meanY;
  const weight = (left.n / n) * right.n;
  return {
    n,
    meanX: left.meanX + (dx * right.n) / n,
    meanY: left.meanY + (dy * right.n) / n,
    m2X: left.m2X + right.m2X + dx * dx * weight,
    m2Y: left.m2Y + right.m2Y + dy * dy * weight,
    cXY: left.cXY + right.cXY + dx * dy * weight,
  };
}

/**
 * Moments from raw sums (what a SQL `SUM()` query returns): M2x = sum x^2 - (sum x)^2 / n, etc.
 * Raw sums lose digits when the spread is tiny against the mean (values near 1e9 with variance 1);
 * prefer moments merged from per-batch moments when the values are at hand.
 * Source: the textbook one-pass formulas, e.g. Chan, Golub & LeVeque (1983), eq. 1.2.
 * @param sums - n and the five sums
 * @returns the moments (M2 clamped at 0)
 * @example bivariateMomentsFromSums({ n: 3, sumX: 6, sumY: 13, sumXX: 14, sumYY: 69, sumXY: 31 }).cXY // 5
 */
export function bivariateMomentsFromSums(sums: BivariateSums): BivariateMoments {
  const { n } = sums;
  if (!(n > 0)) return EMPTY_BIVARIATE_MOMENTS;
  const meanX = sums.sumX / n;
  const meanY = sums.sumY / n;
  return {
    n,
    meanX,
    meanY,
    m2X: Math.max(0, sums.sumXX - meanX * sums.sumX),
    m2Y: Math.max(0, sums.sumYY - meanY * sums.sumY),
    cXY: sums.sumXY - meanX * sums.sumY,
  };
}

/**
 * The moments of x alone.
 * @param moments - paired moments
 * @returns `{n, mean: meanX, m2: m2X}`
 * @example marginalX(bivariateMomentsOf([1, 2, 3], [2, 4, 7])) // { n: 3, mean: 2, m2: 2 }
 */
export function marginalX(moments: BivariateMoments): MeanMoments {
  return { n: moments.n, mean: moments.meanX, m2: moments.m2X };
}

/**
 * The moments of y alone.
 * @param moments - paired moments
 * @returns `{n, mean: meanY, m2: m2Y}`
 * @example marginalY(bivariateMomentsOf([1, 2, 3], [2, 4, 7])).mean // 4.333333333333333
 */
export function marginalY(moments: BivariateMoments): MeanMoments {
  return { n: moments.n, mean: moments.meanY, m2: moments.m2Y };
}
