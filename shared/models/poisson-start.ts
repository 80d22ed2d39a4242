/**
 * The starting point of statsmodels' IRLS for a Poisson GLM, summed per group. statsmodels
 * starts every unit at its own mean mu0 = (y + mean(y)) / 2 (`Family.starting_mu`), so the first
 * weighted least-squares step is not a function of a group's units, mean and M2 alone: it needs
 * sums over the group's units, taken here in one pass over the rows. Every later IRLS step has one
 * mean per group and runs on the group statistics.
 */

/** Per-unit sums at statsmodels' starting means mu0 = (y + mean(y)) / 2. */
export interface PoissonStart {
  /** Per group, the sum of mu0 over its units: the first IRLS weights (w = mu for the log link). */
  readonly weight: Float64Array;
  /**
   * Per group, the sum of mu0 z0 over its units, z0 = log mu0 + (y - mu0) / mu0 the working
   * response: the right-hand side of the first weighted least-squares step.
   */
  readonly weightedResponse: Float64Array;
  /** Sum of y log y over all units (0 for y = 0): the saturated part of every deviance. */
  readonly yLogY: number;
  /** The deviance at the starting means, 2 sum [y log(y / mu0) - (y - mu0)]. */
  readonly deviance: number;
  /** Pearson chi-square at the starting means, sum (y - mu0)^2 / mu0. */
  readonly pearsonChiSquare: number;
}

/** statsmodels clips a mean to at least machine epsilon before its logarithm (`links.Log`). */
const FLOAT_EPS = 2.220446049250313e-16;

const yLogY = (y: number): number => (y > 0 ? y * Math.log(y) : 0);

/**
 * Sums statsmodels' starting quantities per group over the rows in canonical order.
 *
 * @param groupOfRow - Group (design row) of each row.
 * @param values - Outcome of each row (counts, >= 0).
 * @param order - The rows to use, in canonical order (the summation order).
 * @param groups - Number of groups.
 * @returns The per-group first-step sums and the totals at the start.
 * @throws RangeError when `groupOfRow` and `values` differ in length.
 * @see statsmodels 0.13 `GLM._fit_irls` (start from `family.starting_mu(endog)`, `lin_pred =
 * family.predict(mu)`) and `Family.starting_mu`; McCullagh & Nelder (1989), Generalized Linear
 * Models, 2nd ed., sec. 2.5.
 * @example poissonStart(covariates.groupOfRow, metric.values, data.order, covariates.design.rows);
 */
export function poissonStart(
  groupOfRow: Uint32Array,
  values: Float64Array,
  order: Uint32Array,
  groups: number,
): PoissonStart {
  if (groupOfRow.length !== values.length) {
    throw new RangeError('poissonStart needs one group per outcome value');
  }
  let total = 0;
  for (let k = 0; k < order.length; k++) total += values[order[k]];
  const overallMean = order.length > 0 ? total / order.length : 0;
  const weight = new Float64Array(groups);
  const weightedResponse = new Float64Array(groups);
  let saturated = 0;
  let deviance = 0;
  let pearsonChiSquare = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const y = values[row];
    const mu = (y + overallMean) / 2;
    const g = groupOfRow[row];
    const logMu = Math.log(Math.max(mu, FLOAT_EPS));
    const saturatedTerm = yLogY(y);
    weight[g] += mu;
    weightedResponse[g] += mu * logMu + (y - mu);
    saturated += saturatedTerm;
    deviance += 2 * (saturatedTerm - (y > 0 ? y * logMu : 0) - (y - mu));
    pearsonChiSquare += ((y - mu) * (y - mu)) / mu;
  }
  return { weight, weightedResponse, yLogY: saturated, deviance, pearsonChiSquare };
}
