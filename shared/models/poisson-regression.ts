/**
 * Poisson regression (a GLM with the log link) on grouped count data by Newton-Raphson, which
 * for the canonical link is IRLS / Fisher scoring, with step halving; and its quasi-Poisson
 * form, whose covariance is scaled by the Pearson dispersion. Per group it needs only the unit
 * count, the mean outcome and the within-group sum of squared deviations (M2), so millions of
 * users fit as fast as their covariate patterns.
 */
import type { GaussianGroups, GroupedDesign } from './grouped-data.ts';
import {
  choleskySolve,
  crossProductVector,
  linearPredictor,
  weightedCrossProduct,
} from './linear-algebra.ts';

/** Newton iterations before a fit counts as divergent (a coefficient running off to infinity). */
const MAX_ITERATIONS = 100;

/** Fitted Poisson model. */
export interface PoissonFit {
  /** Coefficients, one per design column (log scale). */
  readonly coefficients: Float64Array;
  /** Inverse Fisher information X' diag(n mu) X at the coefficients, p x p row-major. */
  readonly covariance: Float64Array;
  /** Pearson chi-square sum_i (y_i - mu_i)^2 / mu_i over the units. */
  readonly pearsonChiSquare: number;
  /** Number of units. */
  readonly units: number;
  /** Newton iterations. */
  readonly iterations: number;
}

/** Why a Poisson model could not be fitted. */
export type PoissonFailure = 'no_units' | 'all_zero' | 'divergent' | 'singular_information';

function pearson(outcome: GaussianGroups, eta: Float64Array): number {
  let total = 0;
  for (let g = 0; g < eta.length; g++) {
    const n = outcome.units[g];
    if (!(n > 0)) continue;
    const mu = Math.exp(eta[g]);
    const gap = outcome.mean[g] - mu;
    total += (outcome.m2[g] + n * gap * gap) / mu;
  }
  return total;
}

/**
 * Fits log E[y] = x'b to grouped counts by maximum likelihood. The grouped log-likelihood
 * sum_g n_g [mean_g eta_g - exp(eta_g)] (+ a constant) equals the per-unit one, so estimates and
 * inverse-information standard errors are those of statsmodels `GLM(y, X,
 * family=Poisson()).fit()` on the rows. Newton steps with step halving from the intercept at the
 * log of the overall mean; converged when every step is below 1e-10 relative, after which one
 * more step is taken (quadratic convergence: full precision) and the information is evaluated at
 * the returned coefficients.
 *
 * @param design - One row per group.
 * @param outcome - Units, mean and M2 of the outcome per group (outcomes >= 0).
 * @returns The fit, or the reason it has none (all outcomes 0, a coefficient running off to
 * infinity as when a level has only zeros, or a singular information).
 * @see statsmodels.genmod.generalized_linear_model.GLM with families.Poisson(); McCullagh &
 * Nelder (1989), Generalized Linear Models, 2nd ed., sec. 2.5 and 6.2.
 * @example fitPoissonRegression(design, { units, mean, m2 });
 */
export function fitPoissonRegression(
  design: GroupedDesign,
  outcome: GaussianGroups,
): PoissonFit | PoissonFailure {
  const p = design.columns;
  const { units, mean } = outcome;
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
  const logLikelihood = (eta: Float64Array): number => {
    let value = 0;
    for (let g = 0; g < design.rows; g++) {
      if (units[g] > 0) value += sums[g] * eta[g] - units[g] * Math.exp(eta[g]);
    }
    return value;
  };
  let beta = new Float64Array(p);
  const interceptIndex = design.terms.indexOf('intercept');
  if (interceptIndex >= 0) beta[interceptIndex] = Math.log(total / n);
  let eta = linearPredictor(design, beta);
  let current = logLikelihood(eta);
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    const weights = new Float64Array(design.rows);
    const residual = new Float64Array(design.rows);
    for (let g = 0; g < design.rows; g++) {
      if (!(units[g] > 0)) continue;
      const mu = Math.exp(eta[g]);
      if (!Number.isFinite(mu)) return 'divergent';
      weights[g] = units[g] * mu;
      residual[g] = sums[g] - units[g] * mu;
    }
    const solved = choleskySolve(
      weightedCrossProduct(design, weights),
      crossProductVector(design, residual),
    );
    if (solved === null) return 'singular_information';
    const step = solved.solution;
    let largest = 0;
    for (let j = 0; j < p; j++) {
      largest = Math.max(largest, Math.abs(step[j]) / Math.max(1, Math.abs(beta[j])));
    }
    let scale = 1;
    let candidate = beta.map((b, j) => b + step[j]);
    let candidateEta = linearPredictor(design, candidate);
    let next = logLikelihood(candidateEta);
    for (
      let halving = 0;
      halving < 40 && !(next >= current - 1e-12 * Math.abs(current));
      halving++
    ) {
      scale /= 2;
      candidate = beta.map((b, j) => b + scale * step[j]);
      candidateEta = linearPredictor(design, candidate);
      next = logLikelihood(candidateEta);
    }
    beta = candidate;
    eta = candidateEta;
    current = next;
    if (largest < 1e-10) {
      const information = new Float64Array(design.rows);
      for (let g = 0; g < design.rows; g++) {
        if (units[g] > 0) information[g] = units[g] * Math.exp(eta[g]);
      }
      const final = choleskySolve(weightedCrossProduct(design, information), new Float64Array(p));
      if (final === null) return 'singular_information';
      return {
        coefficients: beta,
        covariance: final.inverse,
        pearsonChiSquare: pearson(outcome, eta),
        units: n,
        iterations: iteration,
      };
    }
  }
  return 'divergent';
}

/**
 * The quasi-Poisson dispersion phi = Pearson chi-square / (n - p) and the covariance scaled by
 * it (the coefficients are the Poisson ones).
 *
 * @param fit - A Poisson fit.
 * @returns The dispersion and the scaled covariance; null when n <= p.
 * @see statsmodels GLM(..., family=Poisson()).fit(scale='X2'); Wedderburn (1974), "Quasi-likelihood
 * functions, generalized linear models, and the Gauss-Newton method", Biometrika 61(3);
 * McCullagh & Nelder (1989), sec. 4.5.2.
 * @example quasiPoissonDispersion(fit)?.scale;
 */
export function quasiPoissonDispersion(
  fit: PoissonFit,
): { readonly scale: number; readonly covariance: Float64Array } | null {
  const p = fit.coefficients.length;
  if (!(fit.units > p)) return null;
  const scale = fit.pearsonChiSquare / (fit.units - p);
  return { scale, covariance: fit.covariance.map((value) => value * scale) };
}
