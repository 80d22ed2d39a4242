/**
 * Welch's unequal-variances t-test for the difference of two means.
 */
import { sampleVariance, type MeanMoments } from './mean-moments.ts';
import { studentTCriticalValue, studentTTwoSidedPValue } from './student-t-distribution.ts';
import { symmetricInterval, type Interval } from './interval.ts';

/** Welch's test of mean_t - mean_c; fields are null where undefined. */
export interface WelchTTest {
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly df: number | null;
  readonly difference: number | null;
  /** sqrt(s_t^2/n_t + s_c^2/n_c); 0 when both arms are constant, null below two users. */
  readonly standardError: number | null;
  readonly differenceInterval: Interval | null;
}

/**
 * Welch's t-test of treatment against control:
 * t = (mean_t - mean_c) / se, se^2 = s_t^2/n_t + s_c^2/n_c, two-sided p from Student's t with
 * the Welch-Satterthwaite df = se^4 / ((s_t^2/n_t)^2/(n_t - 1) + (s_c^2/n_c)^2/(n_c - 1)), and the
 * interval difference +/- t(1 - alpha/2, df) se. When both samples are constant (se = 0) the
 * statistic, p-value and df are undefined (null) and the interval is the point [difference,
 * difference]; below two users in an arm only the difference is given.
 * Source: Welch (1947), Biometrika 34; Satterthwaite (1946);
 * scipy.stats.ttest_ind(treatment, control, equal_var=False).
 * @param control - the control's moments
 * @param treatment - the treatment's moments
 * @param alpha - significance level of the interval
 * @returns the test
 * @example welchTTest(momentsOf([1, 2, 3, 4]), momentsOf([2, 4, 6, 8]), 0.05).df // 4.411764705882353
 */
export function welchTTest(
  control: MeanMoments,
  treatment: MeanMoments,
  alpha: number,
): WelchTTest {
  const difference = control.n > 0 && treatment.n > 0 ? treatment.mean - control.mean : null;
  const varianceC = sampleVariance(control);
  const varianceT = sampleVariance(treatment);
  if (difference === null || varianceC === null || varianceT === null) {
    return {
      statistic: null,
      pValue: null,
      df: null,
      difference,
      standardError: null,
      differenceInterval: null,
    };
  }
  const termC = varianceC / control.n;
  const termT = varianceT / treatment.n;
  const se2 = termC + termT;
  if (!(se2 > 0)) {
    const point: Interval = [difference, difference];
    return {
      statistic: null,
      pValue: null,
      df: null,
      difference,
      standardError: 0,
      differenceInterval: point,
    };
  }
  const se = Math.sqrt(se2);
  const statistic = difference / se;
  // (se^2)^2 / sum (s_i^2/n_i)^2/(n_i - 1), written with the shares s_i^2/n_i / se^2 in [0, 1]
  // so that it neither overflows nor underflows for extreme variances.
  const [shareC, shareT] = [termC / se2, termT / se2];
  const df = 1 / ((shareC * shareC) / (control.n - 1) + (shareT * shareT) / (treatment.n - 1));
  const pValue = studentTTwoSidedPValue(statistic, df);
  const differenceInterval = symmetricInterval(difference, studentTCriticalValue(alpha, df), se);
  return {
    statistic: Number.isFinite(statistic) ? statistic : null,
    pValue: Number.isFinite(pValue) ? pValue : null,
    df: Number.isFinite(df) ? df : null,
    difference,
    standardError: Number.isFinite(se) ? se : null,
    differenceInterval,
  };
}
