/**
 * Ordinary least squares on grouped data with heteroskedasticity-robust HC1 standard errors.
 * Per group it needs only the unit count, the mean and the sum of squared deviations (M2): the
 * normal equations use n_g and n_g * mean_g, and each group's residual sum of squares around a
 * fitted value mu_g is M2_g + n_g (mean_g - mu_g)^2, without cancellation.
 */
import type { GaussianGroups, GroupedDesign } from './grouped-data.ts';
import {
  choleskySolve,
  crossProductVector,
  linearPredictor,
  weightedCrossProduct,
} from './linear-algebra.ts';

/** Fitted linear model. */
export interface LinearFit {
  /** Least-squares coefficients, one per design column. */
  readonly coefficients: Float64Array;
  /** HC1 covariance, p x p row-major; null when there are no residual degrees of freedom. */
  readonly covariance: Float64Array | null;
  /** Number of units. */
  readonly units: number;
  /** Residual sum of squares. */
  readonly residualSumOfSquares: number;
}

/**
 * Least squares y = X b with the HC1 covariance n / (n - p) (X'X)^-1 [sum_i e_i^2 x_i x_i'] (X'X)^-1,
 * computed on groups: the meat is sum_g x_g x_g' (M2_g + n_g (mean_g - x_g'b)^2).
 *
 * @param design - One row per group.
 * @param outcome - Units, mean and M2 per group.
 * @returns The fit, or null when X'X (weighted by units) is singular.
 * @see statsmodels OLS(y, X).fit(cov_type='HC1')
 * @example fitLinearRegression(design, { units, mean, m2 })?.coefficients;
 */
export function fitLinearRegression(
  design: GroupedDesign,
  outcome: GaussianGroups,
): LinearFit | null {
  const p = design.columns;
  const { units, mean, m2 } = outcome;
  const sums = new Float64Array(design.rows);
  let n = 0;
  for (let g = 0; g < design.rows; g++) {
    sums[g] = units[g] * mean[g];
    n += units[g];
  }
  const solved = choleskySolve(
    weightedCrossProduct(design, units),
    crossProductVector(design, sums),
  );
  if (solved === null) return null;
  const coefficients = solved.solution;
  const fitted = linearPredictor(design, coefficients);
  const squaredResiduals = new Float64Array(design.rows);
  let residualSumOfSquares = 0;
  for (let g = 0; g < design.rows; g++) {
    if (!(units[g] > 0)) continue;
    const gap = mean[g] - fitted[g];
    squaredResiduals[g] = m2[g] + units[g] * gap * gap;
    residualSumOfSquares += squaredResiduals[g];
  }
  let covariance: Float64Array | null = null;
  if (n > p) {
    const meat = weightedCrossProduct(design, squaredResiduals);
    const bread = solved.inverse;
    const half = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let k = 0; k < p; k++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += bread[i * p + j] * meat[j * p + k];
        half[i * p + k] = s;
      }
    covariance = new Float64Array(p * p);
    const scale = n / (n - p);
    for (let i = 0; i < p; i++)
      for (let k = i; k < p; k++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += half[i * p + j] * bread[j * p + k];
        covariance[i * p + k] = scale * s;
        covariance[k * p + i] = scale * s;
      }
  }
  return { coefficients, covariance, units: n, residualSumOfSquares };
}
