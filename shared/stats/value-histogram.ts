/**
 * Value histograms: the distinct values of a sample in ascending order with their counts. They
 * add like moments (merge two histograms by adding the counts of equal values), so percentiles
 * of days, segments or a warehouse `GROUP BY value` can be taken without the rows.
 */
import { EMPTY_MOMENTS, type MeanMoments } from './mean-moments.ts';

/** Distinct values, strictly ascending, each with its count (> 0). */
export interface ValueHistogram {
  readonly values: Float64Array;
  readonly counts: Float64Array;
}

/**
 * The histogram of a sample (NaN values are not allowed).
 * @param sample - the values
 * @returns distinct values in ascending order with their counts
 * @throws RangeError when a value is NaN
 * @example valueHistogram([3, 1, 3]) // { values: [1, 3], counts: [1, 2] }
 */
export function valueHistogram(sample: ArrayLike<number>): ValueHistogram {
  const sorted = Float64Array.from(sample).sort();
  if (sorted.length > 0 && Number.isNaN(sorted[sorted.length - 1])) {
    throw new RangeError('a histogram cannot hold NaN');
  }
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (values.length > 0 && values[values.length - 1] === sorted[i]) counts[counts.length - 1]++;
    else {
      values.push(sorted[i]);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

/**
 * Merges two histograms (the union of two samples) in one pass over both.
 * @param left - a histogram
 * @param right - another histogram
 * @returns the histogram of both samples
 * @example mergeHistograms(valueHistogram([1, 2]), valueHistogram([2, 5])).counts // [1, 2, 1]
 */
export function mergeHistograms(left: ValueHistogram, right: ValueHistogram): ValueHistogram {
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < left.values.length || j < right.values.length) {
    const a = i < left.values.length ? left.values[i] : Infinity;
    const b = j < right.values.length ? right.values[j] : Infinity;
    if (j >= right.values.length || (i < left.values.length && a < b)) {
      values.push(a);
      counts.push(left.counts[i++]);
    } else if (i >= left.values.length || b < a) {
      values.push(b);
      counts.push(right.counts[j++]);
    } else {
      values.push(a);
      counts.push(left.counts[i++] + right.counts[j++]);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

/** The k-th order statistic (0-based) of a histogram, from its cumulative counts. */
function orderStatistic(histogram: ValueHistogram, k: number): number {
  let seen = 0;
  for (let i = 0; i < histogram.values.length; i++) {
    seen += histogram.counts[i];
    if (k < seen) return histogram.values[i];
  }
  return histogram.values[histogram.values.length - 1];
}

/**
 * The p-th percentile by linear interpolation between order statistics (Hyndman & Fan type 7,
 * numpy's default): h = (N - 1) p / 100, value = x_(floor h) + (h - floor h)(x_(floor h + 1) -
 * x_(floor h)), interpolated from whichever end is nearer as numpy's `_lerp` does. p = 0 gives
 * the minimum and p = 100 the maximum.
 * Source: Hyndman & Fan (1996), "Sample Quantiles in Statistical Packages", The American
 * Statistician 50(4), definition 7; numpy.percentile(x, p) (method='linear').
 * @param histogram - the sample's histogram
 * @param percentile - p in [0, 100]
 * @returns the percentile, or null for an empty sample or p outside [0, 100]
 * @example histogramPercentile(valueHistogram([1, 2, 3, 4]), 50) // 2.5
 */
export function histogramPercentile(histogram: ValueHistogram, percentile: number): number | null {
  let total = 0;
  for (let i = 0; i < histogram.counts.length; i++) total += histogram.counts[i];
  if (!(total > 0) || !(percentile >= 0 && percentile <= 100)) return null;
  const h = (percentile / 100) * (total - 1);
  const low = Math.floor(h);
  const fraction = h - low;
  const a = orderStatistic(histogram, low);
  if (fraction === 0) return a;
  const b = orderStatistic(histogram, low + 1);
  const gap = b - a;
  return fraction >= 0.5 ? b - gap * (1 - fraction) : a + gap * fraction;
}

/**
 * Moments of the histogram's values clipped to [lower, upper], by two passes (compensated mean,
 * then the sum of squared deviations less the rounding of the mean).
 * Source: Chan, Golub & LeVeque (1983), eq. 1.7, with counts as weights; numpy.clip.
 * @param histogram - the sample's histogram
 * @param lower - lower cap (-Infinity for none)
 * @param upper - upper cap (Infinity for none)
 * @returns n, mean and M2 of the clipped sample
 * @example clippedMoments(valueHistogram([1, 2, 10]), 1, 3) // { n: 3, mean: 2, m2: 2 }
 */
export function clippedMoments(
  histogram: ValueHistogram,
  lower: number,
  upper: number,
): MeanMoments {
  const { values, counts } = histogram;
  const clip = (x: number): number => Math.min(upper, Math.max(lower, x));
  let n = 0;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    n += counts[i];
    const x = counts[i] * clip(values[i]);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  if (n === 0) return EMPTY_MOMENTS;
  const mean = (sum + compensation) / n;
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < values.length; i++) {
    const d = clip(values[i]) - mean;
    squares += counts[i] * d * d;
    deviations += counts[i] * d;
  }
  return { n, mean, m2: Math.max(0, squares - (deviations * deviations) / n) };
}
