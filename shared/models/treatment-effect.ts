/**
 * Predicted treatment delta: the average over all analysed units of prediction(as treatment) -
 * prediction(as control), "as X" switching every unit's variant indicators to X's, with a
 * delta-method interval. For the logistic model this is the average discrete change in the
 * probability; for the linear model it is exactly the treatment coefficient.
 */
import type { GroupedDesign } from './grouped-data.ts';
import { quadraticForm } from './linear-algebra.ts';

/** A predicted delta with its standard error and Wald interval. */
export interface TreatmentEffect {
  readonly delta: number;
  readonly standardError: number;
  readonly ci: readonly [number, number];
}

/**
 * Average discrete change of the logistic model with the delta-method interval
 * delta +/- z sqrt(J' V J), J the gradient of the average change in the coefficients.
 *
 * @param design - The pattern design.
 * @param units - Units per pattern (the average's weights).
 * @param coefficients - Fitted coefficients.
 * @param covariance - Their covariance (p x p).
 * @param variantColumns - Columns of every variant indicator.
 * @param treatmentColumn - Column of the treatment's indicator.
 * @param z - Critical value z(1 - alpha / 2).
 * @returns The effect.
 * @see statsmodels LogitResults.get_margeff(at='overall', dummy=True)
 * @example logisticTreatmentEffect(design, units, beta, cov, [1], 1, 1.959963984540054).delta;
 */
export function logisticTreatmentEffect(
  design: GroupedDesign,
  units: Float64Array,
  coefficients: Float64Array,
  covariance: Float64Array,
  variantColumns: readonly number[],
  treatmentColumn: number,
  z: number,
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
    const treated = 1 / (1 + Math.exp(-(base + coefficients[treatmentColumn])));
    const control = 1 / (1 + Math.exp(-base));
    delta += n * (treated - control);
    const slope = n * (treated * (1 - treated) - control * (1 - control));
    for (let j = 0; j < p; j++) if (!isVariant[j]) gradient[j] += slope * design.x[g * p + j];
    gradient[treatmentColumn] += n * treated * (1 - treated);
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
