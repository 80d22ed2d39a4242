/**
 * Winsorization of a heavy-tailed metric (revenue): values are capped at percentiles of all arms'
 * values pooled, so a few whales cannot dominate a comparison, and the arms are then compared on
 * the capped values. Works on addable value histograms, or on raw values for convenience.
 */
import type { MeanMoments } from './mean-moments.ts';
import {
  clippedMoments,
  histogramPercentile,
  mergeHistograms,
  valueHistogram,
  type ValueHistogram,
} from './value-histogram.ts';

/** The caps and each arm's moments after capping. */
export interface Winsorized {
  /** The lower cap (the pooled minimum when the lower percentile is 0); null with no values. */
  readonly lowerCap: number | null;
  /** The upper cap (the pooled maximum when the upper percentile is 100); null with no values. */
  readonly upperCap: number | null;
  /** Moments of each arm's capped values, in input order. */
  readonly arms: readonly MeanMoments[];
}

/**
 * Caps every arm's values to [lower cap, upper cap], the caps being the `lowerPercentile` and
 * `upperPercentile` percentiles (type 7, numpy's default) of all arms' values pooled; a
 * percentile of 0 or 100 caps nothing on that side.
 * Source: Dixon (1960), "Simplified Estimation from Censored Normal Samples", Ann. Math. Statist.
 * 31(2) (winsorizing); numpy.percentile and numpy.clip on the pooled values.
 * @param arms - each arm's value histogram
 * @param lowerPercentile - in [0, 100]
 * @param upperPercentile - in [lowerPercentile, 100]
 * @returns the caps and the capped arms' moments
 * @throws RangeError when the percentiles are outside [0, 100] or lower > upper
 * @example winsorize([valueHistogram([1, 2]), valueHistogram([3, 100])], 0, 75).upperCap // 27.25
 */
export function winsorize(
  arms: readonly ValueHistogram[],
  lowerPercentile: number,
  upperPercentile: number,
): Winsorized {
  if (
    !(lowerPercentile >= 0 && lowerPercentile <= 100) ||
    !(upperPercentile >= lowerPercentile && upperPercentile <= 100)
  ) {
    throw new RangeError('percentiles must satisfy 0 <= lower <= upper <= 100');
  }
  const pooled = arms.reduce(mergeHistograms, {
    values: new Float64Array(0),
    counts: new Float64Array(0),
  });
  const lowerCap = histogramPercentile(pooled, lowerPercentile);
  const upperCap = histogramPercentile(pooled, upperPercentile);
  return {
    lowerCap,
    upperCap,
    arms: arms.map((arm) => clippedMoments(arm, lowerCap ?? -Infinity, upperCap ?? Infinity)),
  };
}

/**
 * {@link winsorize} over raw per-unit values.
 * @param arms - each arm's values
 * @param lowerPercentile - in [0, 100]
 * @param upperPercentile - in [lowerPercentile, 100]
 * @returns the caps and the capped arms' moments
 * @throws RangeError as {@link winsorize}, or when a value is NaN
 * @example winsorizeValues([[1, 2], [3, 100]], 0, 75).arms[1].mean // 15.125
 */
export function winsorizeValues(
  arms: readonly ArrayLike<number>[],
  lowerPercentile: number,
  upperPercentile: number,
): Winsorized {
  return winsorize(arms.map(valueHistogram), lowerPercentile, upperPercentile);
}
