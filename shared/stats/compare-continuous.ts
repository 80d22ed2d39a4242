/**
 * The comparison of a continuous metric (revenue, counts, durations) between a treatment and
 * the control, as the result document's `comparisons[]` entry needs it.
 */
import type { ArmComparison, ContinuousSample } from './arm-comparison.ts';
import { cohensD } from './cohens-d.ts';
import { finiteOrNull, toNullableInterval } from './interval.ts';
import { mannWhitneyU } from './mann-whitney-u.ts';
import { sampleVariance, type MeanMoments } from './mean-moments.ts';
import { relativeLift } from './relative-lift.ts';
import { welchTTest } from './welch-t-test.ts';

function isValidMoments(m: MeanMoments): boolean {
  return Number.isSafeInteger(m.n) && m.n > 0 && Number.isFinite(m.mean) && m.m2 >= 0;
}

/**
 * Compares a continuous metric: Welch's t-test (Welch-Satterthwaite df; difference interval with
 * the t quantile at that df), Cohen's d with the pooled sd, the relative lift mean_t / mean_c - 1
 * with its delta-method interval (sample variances), and, when both samples carry their values,
 * the Mann-Whitney U of the treatment with its two-sided p-value. `bayesian` is null for
 * continuous metrics. With an empty (or invalid) arm every test field is null.
 * Source: DESIGN.md "Statistics conventions"; see each function for its reference.
 * @param control - the control's moments and optional values
 * @param treatment - the treatment's moments and optional values
 * @param alpha - significance level of the intervals
 * @returns the comparison fields of the result document
 * @example compareContinuous({ moments: momentsOf([1, 2, 3, 4]) }, { moments: momentsOf([2, 4, 6, 8]) }, 0.05).test // 'welch_t'
 */
export function compareContinuous(
  control: ContinuousSample,
  treatment: ContinuousSample,
  alpha: number,
): ArmComparison {
  const valid = isValidMoments(control.moments) && isValidMoments(treatment.moments);
  const welch = valid ? welchTTest(control.moments, treatment.moments, alpha) : null;
  const lift = valid
    ? relativeLift(
        { ...control.moments, variance: sampleVariance(control.moments) },
        { ...treatment.moments, variance: sampleVariance(treatment.moments) },
        alpha,
      )
    : null;
  const mannWhitney =
    valid && control.values && treatment.values
      ? mannWhitneyU(treatment.values, control.values)
      : null;
  return {
    test: valid ? 'welch_t' : null,
    statistic: finiteOrNull(welch?.statistic),
    p_value: finiteOrNull(welch?.pValue),
    difference: finiteOrNull(welch?.difference),
    difference_ci: toNullableInterval(welch?.differenceInterval ?? null),
    relative_lift: finiteOrNull(lift?.lift),
    relative_lift_ci: toNullableInterval(lift?.interval ?? null),
    df: finiteOrNull(welch?.df),
    cohens_d: valid ? cohensD(control.moments, treatment.moments) : null,
    mann_whitney: mannWhitney && {
      u: mannWhitney.u,
      p_value: finiteOrNull(mannWhitney.pValue),
    },
    bayesian: null,
  };
}
