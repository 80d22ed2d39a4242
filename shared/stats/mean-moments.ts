/**
 * Addable moments of a continuous metric: count, mean and M2 = sum (x - mean)^2. Moments from
 * batches, days or a warehouse query merge exactly like sums (Chan, Golub & LeVeque's pairwise
 * update), without the catastrophic cancellation of a raw sum of squares.
 */

/** Moments of a sample: n values with mean `mean` and sum of squared deviations `m2`. */
export interface MeanMoments {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
}

/** The moments of an empty sample. */
export const EMPTY_MOMENTS: MeanMoments = Object.freeze({ n: 0, mean: 0, m2: 0 });

/**
 * Moments of a sample by two passes: a compensated (Neumaier) sum for the mean, then the sum of
 * squared deviations with the compensating term sum (x - mean) (Chan, Golub & LeVeque's
 * "corrected two-pass algorithm", the most accurate of the standard variance algorithms).
 * Source: Chan, Golub & LeVeque (1983), The American Statistician 37(3), eq. 1.7.
 * @param values - the sample
 * @returns n, mean and M2 of the sample
 * @example momentsOf([1, 2, 3, 4]) // { n: 4, mean: 2.5, m2: 5 }
 */
export function momentsOf(values: ArrayLike<number>): MeanMoments {
  const n = values.length;
  if (n === 0) return EMPTY_MOMENTS;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const mean = (sum + compensation) / n;
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    squares += d * d;
    deviations += d;
  }
  return { n, mean, m2: Math.max(0, squares - (deviations * deviations) / n) };
}

/**
 * Moments of a sample in one pass by Welford's update (for streamed values; {@link momentsOf}
 * is slightly more accurate when the whole sample is at hand). Stable: no sum of squares.
 * Source: Welford (1962), Technometrics 4(3); Knuth, TAOCP vol. 2, 4.2.2, eq. 15-16.
 * @param values - the sample
 * @returns n, mean and M2 of the sample
 * @example welfordMoments([1, 2, 3, 4]) // { n: 4, mean: 2.5, m2: 5 }
 */
export function welfordMoments(values: ArrayLike<number>): MeanMoments {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    n += 1;
    const delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
  }
  return n === 0 ? EMPTY_MOMENTS : { n, mean, m2 };
}

/**
 * Merges the moments of two disjoint samples: n = n_a + n_b,
 * mean = mean_a + delta n_b / n, M2 = M2_a + M2_b + delta^2 n_a n_b / n, delta = mean_b - mean_a.
 * Source: Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for computing
 * sample variances", Stanford CS-TR-79-773, eq. 2.1.
 * @param left - moments of the first sample
 * @param right - moments of the second sample
 * @returns the moments of the union
 * @example mergeMoments(momentsOf([1, 2]), momentsOf([3, 4])) // { n: 4, mean: 2.5, m2: 5 }
 */
export function mergeMoments(left: MeanMoments, right: MeanMoments): MeanMoments {
  if (left.n === 0) return right;
  if (right.n === 0) return left;
  const n = left.n + right.n;
  const delta = right.mean - left.mean;
  const mean = left.mean + (delta * right.n) / n;
  const m2 = left.m2 + right.m2 + ((delta * delta * left.n) / n) * right.n;
  return { n, mean, m2 };
}

/**
 * Adds one value to a sample's moments (Welford's online update).
 * Source: Welford (1962), Technometrics 4(3); Knuth, TAOCP vol. 2, 4.2.2.
 * @param moments - the moments so far
 * @param x - the new value
 * @returns the moments with x included
 * @example addToMoments(momentsOf([1, 2, 3]), 4) // { n: 4, mean: 2.5, m2: 5 }
 */
export function addToMoments(moments: MeanMoments, x: number): MeanMoments {
  const n = moments.n + 1;
  const delta = x - moments.mean;
  const mean = moments.mean + delta / n;
  return { n, mean, m2: moments.m2 + delta * (x - mean) };
}

/**
 * Unbiased sample variance M2 / (n - 1).
 * Source: scipy `np.var(x, ddof=1)`.
 * @param moments - the sample's moments
 * @returns the variance, or null when n < 2
 * @example sampleVariance(momentsOf([1, 2, 3, 4])) // 1.6666666666666667
 */
export function sampleVariance(moments: MeanMoments): number | null {
  return moments.n >= 2 ? moments.m2 / (moments.n - 1) : null;
}

/**
 * Sample standard deviation sqrt(M2 / (n - 1)).
 * Source: scipy `np.std(x, ddof=1)`.
 * @param moments - the sample's moments
 * @returns the standard deviation, or null when n < 2
 * @example sampleSd(momentsOf([2, 4, 4, 4, 5, 5, 7, 9])) // 2.138089935299395
 */
export function sampleSd(moments: MeanMoments): number | null {
  const variance = sampleVariance(moments);
  return variance === null ? null : Math.sqrt(variance);
}
