/**
 * Poisson regression (a GLM with the log link) on grouped count data by statsmodels' IRLS, step
 * for step: the same start, the same weighted least-squares iterations, the same deviance
 * stopping rule, and the covariance from the weights of the last iteration, as statsmodels 0.13
 * `GLM(family=Poisson()).fit()` computes them on the rows; and its quasi-Poisson form
 * (`fit(scale='X2')`), whose covariance is scaled by the Pearson dispersion. After the first step
 * every unit of a group shares one mean, so each iteration needs only the group's units, mean and
 * M2, and millions of users fit as fast as their covariate patterns.
 */
import type { GaussianGroups, GroupedDesign } from './grouped-data.ts';
import {
  choleskySolve,
  crossProductVector,
  linearPredictor,
  weightedCrossProduct,
} from './linear-algebra.ts';
import type { PoissonStart } from './poisson-start.ts';

/** IRLS iterations (statsmodels' `maxiter` default); a fit that has not stopped is divergent. */
const MAX_ITERATIONS = 100;
/** statsmodels' `tol`: IRLS stops when the deviance changes by at most this, absolutely. */
const DEVIANCE_TOLERANCE = 1e-8;
/**
 * A finite maximum-likelihood point exists when one more Newton step from the returned
 * coefficients moves no group's linear predictor by more than this. Where it does not exist (a
 * level whose units all have 0), each step lowers that level's predictor by about 1 while the
 * deviance changes ever less, so the stopping rule alone would accept it.
 */
const DIVERGENT_STEP = 1e-3;

/** Fitted Poisson or quasi-Poisson model. */
export interface PoissonFit {
  /** Coefficients, one per design column (log scale): those of the last IRLS step. */
  readonly coefficients: Float64Array;
  /**
   * Their covariance, p x p row-major: scale x inv(X' diag(n mu) X) with mu the means the last
   * IRLS step was weighted with (statsmodels `cov_params()`).
   */
  readonly covariance: Float64Array;
  /** The dispersion: 1 for Poisson, Pearson chi-square / (n - p) for quasi-Poisson. */
  readonly scale: number;
  /** Pearson chi-square sum_i (y_i - mu_i)^2 / mu_i over the units, at the returned fit. */
  readonly pearsonChiSquare: number;
  /** Number of units. */
  readonly units: number;
  /** IRLS iterations (weighted least-squares steps). */
  readonly iterations: number;
}

/** Options of a Poisson fit. */
export interface PoissonOptions {
  /**
   * Quasi-Poisson: scale the covariance by Pearson chi-square / (n - p); as in statsmodels, the
   * deviance the stopping rule compares is then divided by the current dispersion.
   */
  readonly quasi?: boolean;
}

/** Why a Poisson model could not be fitted (`too_few_units`: quasi-Poisson with n <= p). */
export type PoissonFailure =
  | 'no_units'
  | 'all_zero'
  | 'too_few_units'
  | 'divergent'
  | 'singular_information';

/**
 * Fits log E[y] = x'b to grouped counts by statsmodels' IRLS (Fisher scoring, no step halving).
 * Start: each unit at mu0 = (y + mean(y)) / 2 (sums in `start`). Each iteration solves the
 * weighted least squares of the working response z = eta + (y - mu) / mu with weights mu, then
 * records the deviance at the new means divided by the dispersion estimated at the previous
 * ones (1 for Poisson); it stops when two consecutive deviances differ by at most 1e-8. The
 * coefficients are that last solution, and the covariance inv(X'WX) of that last step's
 * weights: one step short of the maximum-likelihood point, as statsmodels reports it (a relative
 * difference of order 1e-9 in the standard errors, which a p-value multiplies by about z^2).
 *
 * @param design - One row per group.
 * @param outcome - Units, mean and M2 of the outcome per group (outcomes >= 0).
 * @param start - statsmodels' per-unit starting sums of the same rows (`poissonStart`).
 * @param options - `quasi` for the quasi-Poisson dispersion.
 * @returns The fit, or the reason it has none (all outcomes 0, a coefficient running off to
 * infinity as when a level has only zeros, a singular information, or no residual degrees of
 * freedom for the quasi-Poisson dispersion).
 * @see statsmodels 0.13 `GLM._fit_irls`, `_check_convergence`, `GLM.estimate_scale`;
 * McCullagh & Nelder (1989), Generalized Linear Models, 2nd ed., sec. 2.5 and 6.2.
 * @example fitPoissonRegression(design, { units, mean, m2 }, poissonStart(groupOfRow, y, order, design.rows));
 */
export function fitPoissonRegression(
  design: GroupedDesign,
  outcome: GaussianGroups,
  start: PoissonStart,
  options: PoissonOptions = {},
): PoissonFit | PoissonFailure {
  const p = design.columns;
  const { units, mean, m2 } = outcome;
  const sums = new Float64Array(design.rows);
  let n = 0;
  let total = 0;
  for (let g = 0; g < design.rows; g++) {
    if (!(units[g] > 0)) continue;
    sums[g] = units[g] * mean[g];
    n += units[g];
    total += sums[g];
  }
  if (n === 0) return 'no_units';
  if (!(total > 0)) return 'all_zero';
  const quasi = options.quasi === true;
  if (quasi && !(n > p)) return 'too_few_units';
  const dispersion = (pearsonChiSquare: number): number => (quasi ? pearsonChiSquare / (n - p) : 1);
  const pearsonAt = (mu: Float64Array): number => {
    let value = 0;
    for (let g = 0; g < design.rows; g++) {
      if (!(units[g] > 0)) continue;
      const gap = mean[g] - mu[g];
      value += (m2[g] + units[g] * gap * gap) / mu[g];
    }
    return value;
  };
  // 2 sum_i [y_i log(y_i / mu_g) - (y_i - mu_g)], with the saturated part sum y log y from start.
  const devianceAt = (eta: Float64Array, mu: Float64Array): number => {
    let fitted = 0;
    for (let g = 0; g < design.rows; g++) {
      if (units[g] > 0) fitted += sums[g] * eta[g] + (sums[g] - units[g] * mu[g]);
    }
    return 2 * (start.yLogY - fitted);
  };
  let scale = dispersion(start.pearsonChiSquare);
  let previousDeviance = start.deviance / scale;
  let beta: Float64Array = new Float64Array(p);
  let weights: Float64Array = start.weight;
  let rhs = crossProductVector(design, start.weightedResponse);
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    const solved = choleskySolve(weightedCrossProduct(design, weights), rhs);
    if (solved === null) return 'singular_information';
    // The first step solves for the coefficients, later ones for the change (the same normal
    // equations: X'W z = X'W eta + X'(y - mu) for the log link).
    beta = iteration === 1 ? solved.solution : beta.map((b, j) => b + solved.solution[j]);
    const eta = linearPredictor(design, beta);
    const mu = eta.map(Math.exp);
    if (!mu.every(Number.isFinite)) return 'divergent';
    const deviance = devianceAt(eta, mu) / scale;
    const pearsonChiSquare = pearsonAt(mu);
    scale = dispersion(pearsonChiSquare);
    const converged = Math.abs(previousDeviance - deviance) <= DEVIANCE_TOLERANCE;
    previousDeviance = deviance;
    weights = new Float64Array(design.rows);
    const residual = new Float64Array(design.rows);
    for (let g = 0; g < design.rows; g++) {
      if (!(units[g] > 0)) continue;
      weights[g] = units[g] * mu[g];
      residual[g] = sums[g] - units[g] * mu[g];
    }
    rhs = crossProductVector(design, residual);
    if (!converged) continue;
    if (!hasFiniteMaximum(design, units, weights, rhs)) return 'divergent';
    return {
      coefficients: beta,
      covariance: solved.inverse.map((value) => value * scale),
      scale,
      pearsonChiSquare,
      units: n,
      iterations: iteration,
    };
  }
  return 'divergent';
}

/** Whether the next Newton step from the returned coefficients is negligible (see DIVERGENT_STEP). */
function hasFiniteMaximum(
  design: GroupedDesign,
  units: Float64Array,
  weights: Float64Array,
  score: Float64Array,
): boolean {
  const next = choleskySolve(weightedCrossProduct(design, weights), score);
  if (next === null) return false;
  const change = linearPredictor(design, next.solution);
  return change.every((value, g) => !(units[g] > 0) || Math.abs(value) <= DIVERGENT_STEP);
}
