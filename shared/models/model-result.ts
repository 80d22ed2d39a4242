/**
 * Assembly of `experiments[].models[]` entries (`ModelResult` of the result document): finite
 * numbers or null, never NaN or Infinity, and the shape of a model that could not be fitted.
 */
import type { ModelResult } from '../result/result-document.ts';
import type { CrossValidationResult } from './cross-validation.ts';
import { finiteOrNull, normalSf } from '../stats/index.ts';
import type { TreatmentEffect } from './treatment-effect.ts';

/** Model kind of a metric type. */
export type ModelKind = ModelResult['model'];

/**
 * Coefficient rows with Wald z p-values, 2 P(Z > |b / se|).
 *
 * @param terms - Term names.
 * @param coefficients - Estimates.
 * @param covariance - p x p covariance.
 * @returns One row per term.
 * @example coefficientRows(['intercept'], Float64Array.of(1), Float64Array.of(0.25));
 */
export function coefficientRows(
  terms: readonly string[],
  coefficients: Float64Array,
  covariance: Float64Array,
): ModelResult['coefficients'] {
  const p = terms.length;
  return terms.map((term, j) => {
    const standardError = Math.sqrt(covariance[j * p + j]);
    return {
      term,
      estimate: finiteOrNull(coefficients[j]),
      std_error: finiteOrNull(standardError),
      p_value:
        standardError > 0
          ? finiteOrNull(2 * normalSf(Math.abs(coefficients[j] / standardError)))
          : null,
    };
  });
}

/**
 * A treatment effect row.
 *
 * @param variant - The treatment.
 * @param effect - Its effect, or null when unavailable.
 * @returns The row with nulls for missing or non-finite values.
 * @example treatmentRow('b', null); // { variant: 'b', predicted_delta: null, ci: [null, null] }
 */
export function treatmentRow(
  variant: string,
  effect: TreatmentEffect | null,
): ModelResult['treatment_effects'][number] {
  return effect === null
    ? { variant, predicted_delta: null, ci: [null, null] }
    : {
        variant,
        predicted_delta: finiteOrNull(effect.delta),
        ci: [finiteOrNull(effect.ci[0]), finiteOrNull(effect.ci[1])],
      };
}

/**
 * The `cv` object.
 *
 * @param result - Cross-validation metrics, or null when it did not run.
 * @returns `{folds, auc, log_loss, rmse, r2}`; folds is 0 when cross-validation did not run.
 * @example cvSummary(null).folds; // 0
 */
export function cvSummary(result: CrossValidationResult | null): ModelResult['cv'] {
  if (result === null) return { folds: 0, auc: null, log_loss: null, rmse: null, r2: null };
  return {
    folds: result.folds,
    auc: finiteOrNull(result.auc),
    log_loss: finiteOrNull(result.logLoss),
    rmse: finiteOrNull(result.rmse),
    r2: finiteOrNull(result.r2),
  };
}

/**
 * The `holdout` object.
 *
 * @param units - Held-out units.
 * @param result - The held-out metrics.
 * @returns `{units, auc, log_loss, rmse, r2}`, non-finite values as null.
 * @example holdoutSummary(200, result).units; // 200
 */
export function holdoutSummary(
  units: number,
  result: CrossValidationResult,
): NonNullable<ModelResult['holdout']> {
  const { auc, log_loss, rmse, r2 } = cvSummary(result);
  return { units, auc, log_loss, rmse, r2 };
}

/**
 * The entry of a model that could not be fitted: its terms and treatments with null values,
 * no cross-validation, no importance, and the flags saying why.
 *
 * @param metric - Metric name.
 * @param model - Model kind.
 * @param terms - Terms the design would have had.
 * @param treatments - Treatments to report.
 * @param flags - Reasons, e.g. `not_fitted: single_variant`.
 * @returns The model entry.
 * @example unfittedModel('conversion', 'logistic_regression', ['intercept'], [], ['not_fitted: no_units']);
 */
export function unfittedModel(
  metric: string,
  model: ModelKind,
  terms: readonly string[],
  treatments: readonly string[],
  flags: readonly string[],
): ModelResult {
  return {
    metric,
    model,
    coefficients: terms.map((term) => ({ term, estimate: null, std_error: null, p_value: null })),
    treatment_effects: treatments.map((variant) => treatmentRow(variant, null)),
    cv: cvSummary(null),
    feature_importance: [],
    flags: [...flags],
    dispersion: null,
    penalty: 'none',
    lambda: null,
    holdout: null,
  };
}
