/**
 * Feature importance as a standardised coefficient generalised to categorical features: the
 * standard deviation, over the analysed units, of the feature's contribution to the linear
 * predictor (the sum of its dummies times their coefficients). For a single 0/1 indicator this
 * is |b| sd(x), the classic standardised coefficient; for a factor it measures how much the
 * feature moves predictions across the population. Units: the link scale (log-odds for the
 * logistic model, the outcome's units for the linear one). Deterministic, no resampling.
 */
import type { GroupedDesign } from './grouped-data.ts';

/** One feature's importance. */
export interface FeatureImportance {
  readonly feature: string;
  readonly importance: number;
}

/**
 * Population standard deviation of each feature's linear-predictor contribution, sorted by
 * decreasing importance (ties keep design order).
 *
 * @param design - The pattern design.
 * @param units - Units per pattern.
 * @param coefficients - Fitted coefficients.
 * @param features - Feature name and design columns of each feature, in design order.
 * @returns One entry per feature.
 * @example featureImportance(design, units, beta, [{ name: 'variant', columns: [1] }]);
 */
export function featureImportance(
  design: GroupedDesign,
  units: Float64Array,
  coefficients: Float64Array,
  features: readonly { readonly name: string; readonly columns: readonly number[] }[],
): readonly FeatureImportance[] {
  const p = design.columns;
  const entries = features.map((feature, index) => {
    const contribution = new Float64Array(design.rows);
    let total = 0;
    let weighted = 0;
    for (let g = 0; g < design.rows; g++) {
      let c = 0;
      for (const j of feature.columns) c += design.x[g * p + j] * coefficients[j];
      contribution[g] = c;
      total += units[g];
      weighted += units[g] * c;
    }
    const mean = weighted / total;
    let squares = 0;
    for (let g = 0; g < design.rows; g++) {
      const deviation = contribution[g] - mean;
      squares += units[g] * deviation * deviation;
    }
    return { feature: feature.name, importance: Math.sqrt(squares / total), index };
  });
  entries.sort((a, b) => b.importance - a.importance || a.index - b.index);
  return entries.map(({ feature, importance }) => ({ feature, importance }));
}
