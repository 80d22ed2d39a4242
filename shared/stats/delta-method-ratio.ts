/**
 * Ratio metrics (revenue per order, items per session): R = sum(numerator) / sum(denominator)
 * over the units of an arm, its variance by the delta method, and the z comparison of two arms.
 * Each arm needs only the moments of its (denominator, numerator) pairs.
 */
import type { BivariateMoments } from './bivariate-moments.ts';
import { symmetricInterval, type Interval } from './interval.ts';
import { normalCriticalValue, normalSf } from './normal-distribution.ts';

/** A ratio metric's arm: units, the ratio and the ratio's variance; null where undefined. */
export interface RatioArm {
  readonly n: number;
  /** mean(numerator) / mean(denominator); null when the mean denominator is 0. */
  readonly ratio: number | null;
  /** Delta-method variance of the ratio (already divided by n); null also below two units. */
  readonly variance: number | null;
}

/** Treatment versus control of a ratio metric; every field null when an arm's ratio or variance is. */
export interface RatioComparison {
  readonly difference: number | null;
  readonly standardError: number | null;
  readonly zStatistic: number | null;
  readonly pValue: number | null;
  readonly interval: Interval | null;
  readonly relativeLift: number | null;
  readonly relativeInterval: Interval | null;
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * One arm of a ratio metric from the moments of its (x = denominator, y = numerator) pairs:
 * R = m_n / m_d and Var(R) = (s_n^2 / m_d^2 - 2 m_n s_nd / m_d^3 + m_n^2 s_d^2 / m_d^4) / n,
 * written as (s_n^2 - 2 R s_nd + R^2 s_d^2) / (m_d^2 n), with sample (n - 1) variances and
 * covariance.
 * Source: Deng, Knoblich & Lu (2018), "Applying the Delta Method in Metric Analytics", KDD,
 * eq. 3-4; GrowthBook gbstats `RatioStatistic.variance`.
 * @param moments - moments of the pairs, x the denominator and y the numerator
 * @returns the arm (ratio null when the mean denominator is 0; variance null also when n < 2)
 * @example ratioArm(bivariateMomentsOf([1, 2, 1, 2], [10, 30, 20, 40])).ratio // 16.666666666666668
 */
export function ratioArm(moments: BivariateMoments): RatioArm {
  const { n } = moments;
  if (!(n > 0) || moments.meanX === 0) return { n, ratio: null, variance: null };
  const ratio = finite(moments.meanY / moments.meanX);
  if (ratio === null || n < 2) return { n, ratio, variance: null };
  const linearised = moments.m2Y - 2 * ratio * moments.cXY + ratio * ratio * moments.m2X;
  const variance = Math.max(0, linearised) / (n - 1) / (moments.meanX * moments.meanX * n);
  return { n, ratio, variance: finite(variance) };
}

/**
 * The z comparison of two ratio arms: difference R_t - R_c with standard error
 * sqrt(Var_t + Var_c), z = difference / se, two-sided normal p-value, interval difference +/- z
 * se; relative lift R_t / R_c - 1 with variance Var_t / R_c^2 + R_t^2 Var_c / R_c^4 and its z
 * interval. With se = 0 the statistic and p-value are null and the interval is the point.
 * Source: Deng, Knoblich & Lu (2018), KDD, sec. 3 (delta method for a difference and a ratio of
 * independent arms); scipy.stats.norm.sf.
 * @param control - the control arm
 * @param treatment - the treatment arm
 * @param alpha - significance level of the intervals
 * @returns the comparison
 * @example compareRatios({ n: 100, ratio: 2, variance: 0.01 }, { n: 100, ratio: 2.3, variance: 0.01 }, 0.05).zStatistic // 2.1213203435596384
 */
export function compareRatios(
  control: RatioArm,
  treatment: RatioArm,
  alpha: number,
): RatioComparison {
  const none: RatioComparison = {
    difference: null,
    standardError: null,
    zStatistic: null,
    pValue: null,
    interval: null,
    relativeLift: null,
    relativeInterval: null,
  };
  if (
    control.ratio === null ||
    treatment.ratio === null ||
    control.variance === null ||
    treatment.variance === null
  ) {
    return none;
  }
  const z = normalCriticalValue(alpha);
  const difference = treatment.ratio - control.ratio;
  const standardError = Math.sqrt(treatment.variance + control.variance);
  const zStatistic = standardError > 0 ? finite(difference / standardError) : null;
  const pValue = zStatistic === null ? null : 2 * normalSf(Math.abs(zStatistic));
  let relative: number | null = null;
  let relativeInterval: Interval | null = null;
  if (control.ratio !== 0) {
    const rc = control.ratio;
    relative = finite(treatment.ratio / rc - 1);
    const relativeVariance =
      treatment.variance / (rc * rc) +
      (((treatment.ratio * treatment.ratio) / (rc * rc)) * control.variance) / (rc * rc);
    relativeInterval = symmetricInterval(relative, z, finite(Math.sqrt(relativeVariance)));
  }
  return {
    difference,
    standardError,
    zStatistic,
    pValue,
    interval: symmetricInterval(difference, z, standardError),
    relativeLift: relative,
    relativeInterval,
  };
}
