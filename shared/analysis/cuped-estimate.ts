/**
 * The CUPED estimate of each treatment beside the plain one: the metric adjusted by its value
 * before exposure (or a unit table's covariate column), theta pooled over every arm. It is
 * reported, never part of the Benjamini-Hochberg family: the plain estimate stays the headline.
 */
import { bivariateMomentsOf, cuped, finiteOrNull, toNullableInterval } from '../stats/index.ts';
import type { CupedEstimate } from '../result/result-document.ts';
import { gather } from './row-selection.ts';

/** The rows of one arm. */
export interface ArmRows {
  readonly variant: string;
  readonly rows: Uint32Array;
}

/**
 * CUPED per treatment: theta, the adjusted difference with Welch's interval and p-value, and the
 * share of the difference's variance removed.
 * Source: Deng, Xu, Kohavi & Walker (2013), WSDM; see shared/stats/cuped.ts.
 * @param values - the metric per user (after winsorizing, when asked)
 * @param covariate - its pre-exposure value per user, row-aligned
 * @param arms - every arm's rows, the control among them
 * @param control - the control's name
 * @param alpha - significance level of the intervals
 * @returns the estimate of each treatment, by variant
 * @example cupedEstimates(values, covariate, arms, 'control', 0.05).get('treatment')?.theta
 */
export function cupedEstimates(
  values: Float64Array,
  covariate: Float64Array,
  arms: readonly ArmRows[],
  control: string,
  alpha: number,
): ReadonlyMap<string, CupedEstimate> {
  const result = cuped(
    arms.map((arm) => ({
      name: arm.variant,
      moments: bivariateMomentsOf(gather(covariate, arm.rows), gather(values, arm.rows)),
    })),
    control,
    alpha,
  );
  return new Map(
    result.comparisons.map((comparison) => [
      comparison.treatment,
      {
        theta: result.theta,
        difference: finiteOrNull(comparison.welch.difference),
        difference_ci: toNullableInterval(comparison.welch.differenceInterval),
        p_value: finiteOrNull(comparison.welch.pValue),
        variance_reduction: finiteOrNull(comparison.varianceReduction),
      },
    ]),
  );
}
