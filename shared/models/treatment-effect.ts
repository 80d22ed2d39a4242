/**
 * Predicted treatment delta: the average over all analysed units of prediction(as treatment) -
 * prediction(as control), "as X" switching every unit's variant indicators to X's, with a
 * delta-method interval. For the logistic model this is the average discrete change in the
 * probability, for the Poisson model in the expected count; for the linear model it is exactly
 * the treatment coefficient.
 */
import type { GroupedDesign } from './grouped-data.ts';
import { quadraticForm } from './linear-algebra.ts';

/** A predicted delta with its standard error and Wald interval. */
export interface TreatmentEffect {
  readonly delta: number;
  readonly standardError: number;
  readonly ci: readonly [number, number];
}

/** A GLM's inverse link: the mean at a linear predictor and its derivative d mean / d eta. */
export interface InverseLink {
  readonly mean: (eta: number) => number;
  /** d mean / d eta, from the mean (and eta). */
  readonly derivative: (mean: number, eta: number) => number;
}

/** The logistic link's inverse: p = 1 / (1 + e^-eta), dp/deta = p (1 - p). */
export const LOGISTIC_INVERSE_LINK: InverseLink = Object.freeze({
  mean: (eta: number) => 1 / (1 + Math.exp(-eta)),
  derivative: (mean: number) => mean * (1 - mean),
});

/** The log link's inverse: mu = e^eta, dmu/deta = mu. */
export const LOG_INVERSE_LINK: InverseLink = Object.freeze({
  mean: (eta: number) => Math.exp(eta),
  derivative: (mean: number) => mean,
});

/**
 * Average predicted change of a GLM, (1 / N) sum_units [g^-1(eta as treatment) -
 * g^-1(eta as control)], with the delta-method interval delta +/- z sqrt(J' V J), J the analytic
 * gradient of the average in the coefficients: (1 / N) sum n_g [g'(eta_t) x_t - g'(eta_c) x_c].
 *
 * @param design - The pattern design.
 * @param units - Units per pattern (the average's weights).
 * @param coefficients - Fitted coefficients.
 * @param covariance - Their covariance (p x p).
 * @param variantColumns - Columns of every variant indicator.
 * @param treatmentColumn - Column of the treatment's indicator.
 * @param z - Critical value z(1 - alpha / 2).
 * @param link - The model's inverse link.
 * @returns The effect.
 * @see statsmodels LogitResults.get_margeff(at='overall', dummy=True) for the logistic model;
 * the same average discrete change for any link (Williams 2012, "Using the margins command to
 * estimate and interpret adjusted predictions and marginal effects", Stata Journal 12(2)).
 * @example averageTreatmentEffect(design, units, beta, cov, [1], 1, 1.959963984540054, LOG_INVERSE_LINK).delta;
 */
export function averageTreatmentEffect(
  design: GroupedDesign,
  units: Float64Array,
  coefficients: Float64Array,
  covariance: Float64Array,
  variantColumns: readonly number[],
  treatmentColumn: number,
  z: number,
  link: InverseLink,
): TreatmentEffect {
  const p = design.columns;
  const isVariant = new Uint8Array(p);
  for (const j of variantColumns) isVariant[j] = 1;
  const gradient = new Float64Array(p);
  let delta = 0;
  let total = 0;
  for (let g = 0; g < design.rows; g++) {
    const n = units[g];
    if (!(n > 0)) continue;
    let base = 0;
    for (let j = 0; j < p; j++) if (!isVariant[j]) base += design.x[g * p + j] * coefficients[j];
    const treatedEta = base + coefficients[treatmentColumn];
    const treated = link.mean(treatedEta);
    const control = link.mean(base);
    delta += n * (treated - control);
    const treatedSlope = link.derivative(treated, treatedEta);
    const slope = n * (treatedSlope - link.derivative(control, base));
    for (let j = 0; j < p; j++) if (!isVariant[j]) gradient[j] += slope * design.x[g * p + j];
    gradient[treatmentColumn] += n * treatedSlope;
    total += n;
  }
  delta /= total;
  for (let j = 0; j < p; j++) gradient[j] /= total;
  const standardError = Math.sqrt(quadraticForm(covariance, gradient, gradient));
  return { delta, standardError, ci: [delta - z * standardError, delta + z * standardError] };
}

/**
 * The linear model's predicted delta: the treatment coefficient with its Wald interval.
 *
 * @param coefficients - Fitted coefficients.
 * @param covariance - Their covariance (p x p).
 * @param treatmentColumn - Column of the treatment's indicator.
 * @param z - Critical value z(1 - alpha / 2).
 * @returns The effect.
 * @example linearTreatmentEffect(beta, cov, 1, 1.959963984540054).ci;
 */
export function linearTreatmentEffect(
  coefficients: Float64Array,
  covariance: Float64Array,
  treatmentColumn: number,
  z: number,
): TreatmentEffect {
  const p = coefficients.length;
  const delta = coefficients[treatmentColumn];
  const standardError = Math.sqrt(covariance[treatmentColumn * p + treatmentColumn]);
  return { delta, standardError, ci: [delta - z * standardError, delta + z * standardError] };
}
