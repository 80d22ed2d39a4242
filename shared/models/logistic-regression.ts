/**
 * Logistic regression on grouped binomial data by Newton-Raphson (IRLS) with step halving.
 * Unpenalised maximum likelihood, standard errors from the inverse Fisher information; when the
 * MLE does not exist (complete or quasi-complete separation) or the information is singular, a
 * ridge-penalised fit is returned instead and flagged.
 */
import type { BinomialGroups, GroupedDesign } from './grouped-data.ts';
import {
  choleskySolve,
  crossProductVector,
  linearPredictor,
  weightedCrossProduct,
} from './linear-algebra.ts';

/**
 * L2 penalty of the ridge fallback on the total log-likelihood: maximises
 * l(b) - RIDGE_PENALTY / 2 * sum of squared non-intercept coefficients (a N(0, 1) prior on
 * each log-odds coefficient). Negligible against the information of well-identified
 * coefficients on thousands of units; it bounds the separated ones.
 */
export const RIDGE_PENALTY = 1;

/** A linear predictor beyond this magnitude (a fitted probability within 1e-13 of 0 or 1) is taken as separation. */
export const SEPARATION_ETA = 30;

/** Fitted logistic model. */
export interface LogisticFit {
  /** Coefficients, one per design column. */
  readonly coefficients: Float64Array;
  /** Inverse (penalised) information, p x p row-major. */
  readonly covariance: Float64Array;
  /** Penalty used: 0 for maximum likelihood, {@link RIDGE_PENALTY} after the fallback. */
  readonly ridge: number;
  /** Newton iterations of the returned fit. */
  readonly iterations: number;
  /** `ridge_fallback: separation` or `ridge_fallback: singular_information` when it applied. */
  readonly flags: readonly string[];
}

/** Options of {@link fitLogisticRegression}. */
export interface LogisticOptions {
  /** Fit with this ridge penalty directly (no maximum-likelihood attempt). */
  readonly ridge?: number;
  /** Newton iteration limit (default 100). */
  readonly maxIterations?: number;
}

type Attempt =
  | {
      readonly ok: true;
      readonly coefficients: Float64Array;
      readonly covariance: Float64Array;
      readonly iterations: number;
    }
  | { readonly ok: false; readonly reason: 'separation' | 'singular_information' };

const softplus = (eta: number): number =>
  eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
const logistic = (eta: number): number => 1 / (1 + Math.exp(-eta));

function newton(
  design: GroupedDesign,
  outcome: BinomialGroups,
  ridge: number,
  maxIterations: number,
): Attempt {
  const p = design.columns;
  const penalised = design.terms.map((term) => (term === 'intercept' ? 0 : ridge));
  const { units, successes } = outcome;
  const logLikelihood = (beta: Float64Array): number => {
    const eta = linearPredictor(design, beta);
    let total = 0;
    for (let g = 0; g < design.rows; g++)
      if (units[g] > 0) total += successes[g] * eta[g] - units[g] * softplus(eta[g]);
    for (let j = 0; j < p; j++) total -= 0.5 * penalised[j] * beta[j] * beta[j];
    return total;
  };
  let beta = new Float64Array(p);
  const interceptIndex = design.terms.indexOf('intercept');
  if (interceptIndex >= 0) {
    let n = 0;
    let s = 0;
    for (let g = 0; g < design.rows; g++) {
      n += units[g];
      s += successes[g];
    }
    const rate = Math.min(Math.max(s / n, 1e-6), 1 - 1e-6);
    if (Number.isFinite(rate)) beta[interceptIndex] = Math.log(rate / (1 - rate));
  }
  let current = logLikelihood(beta);
  for (let iteration = 1; iteration <= maxIterations + 1; iteration++) {
    const eta = linearPredictor(design, beta);
    const weights = new Float64Array(design.rows);
    const residual = new Float64Array(design.rows);
    let maxEta = 0;
    for (let g = 0; g < design.rows; g++) {
      if (!(units[g] > 0)) continue;
      const prob = logistic(eta[g]);
      weights[g] = units[g] * prob * (1 - prob);
      residual[g] = successes[g] - units[g] * prob;
      maxEta = Math.max(maxEta, Math.abs(eta[g]));
    }
    if (ridge === 0 && maxEta > SEPARATION_ETA) return { ok: false, reason: 'separation' };
    const information = weightedCrossProduct(design, weights);
    const gradient = crossProductVector(design, residual);
    for (let j = 0; j < p; j++) {
      information[j * p + j] += penalised[j];
      gradient[j] -= penalised[j] * beta[j];
    }
    const solved = choleskySolve(information, gradient);
    if (solved === null)
      return {
        ok: false,
        reason: ridge === 0 && maxEta > 15 ? 'separation' : 'singular_information',
      };
    const step = solved.solution;
    let largest = 0;
    for (let j = 0; j < p; j++)
      largest = Math.max(largest, Math.abs(step[j]) / Math.max(1, Math.abs(beta[j])));
    if (largest < 1e-10 || iteration > maxIterations) {
      if (largest >= 1e-10) return { ok: false, reason: 'separation' };
      const coefficients = beta.map((b, j) => b + step[j]);
      return { ok: true, coefficients, covariance: solved.inverse, iterations: iteration };
    }
    let scale = 1;
    let candidate = beta.map((b, j) => b + step[j]);
    let next = logLikelihood(candidate);
    for (
      let halving = 0;
      halving < 40 && !(next >= current - 1e-12 * Math.abs(current));
      halving++
    ) {
      scale /= 2;
      candidate = beta.map((b, j) => b + scale * step[j]);
      next = logLikelihood(candidate);
    }
    beta = candidate;
    current = next;
  }
  return { ok: false, reason: 'separation' };
}

/**
 * Fits P(y = 1) = 1 / (1 + exp(-x'b)) to grouped binomial counts. The grouped log-likelihood
 * sum_g [s_g x_g'b - n_g log(1 + exp(x_g'b))] equals the per-unit one, so estimates and
 * inverse-information standard errors are those of statsmodels `Logit(y, X).fit()` on the
 * ungrouped rows. Converged when every Newton step is below 1e-10 relative; the standard errors
 * come from the information at the returned coefficients.
 *
 * @param design - One row per group; a column named `intercept` is never penalised.
 * @param outcome - Units and successes per group.
 * @param options - Forced ridge penalty, iteration limit.
 * @returns The fit, or null when even the ridge fallback has a singular information (no units).
 * @see statsmodels.discrete.discrete_model.Logit
 * @example fitLogisticRegression(design, { units, successes })?.coefficients;
 */
export function fitLogisticRegression(
  design: GroupedDesign,
  outcome: BinomialGroups,
  options: LogisticOptions = {},
): LogisticFit | null {
  const maxIterations = options.maxIterations ?? 100;
  const flags: string[] = [];
  let ridge = options.ridge ?? 0;
  let attempt = newton(design, outcome, ridge, maxIterations);
  if (!attempt.ok && ridge === 0) {
    flags.push(`ridge_fallback: ${attempt.reason}`);
    ridge = RIDGE_PENALTY;
    attempt = newton(design, outcome, ridge, maxIterations);
  }
  if (!attempt.ok) return null;
  return {
    coefficients: attempt.coefficients,
    covariance: attempt.covariance,
    ridge,
    iterations: attempt.iterations,
    flags,
  };
}
