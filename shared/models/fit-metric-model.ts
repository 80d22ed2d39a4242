/**
 * One metric's model on prepared data: folds, cell statistics, design selection, the fit,
 * coefficients, predicted treatment deltas, cross-validation and feature importance, assembled
 * as a result-document `ModelResult`. Unfittable cases return flags and nulls.
 */
import type { ModelResult } from '../result/result-document.ts';
import { cellStatistics, mergeBinomial, mergeGaussian } from './cell-statistics.ts';
import {
  crossValidateLinear,
  crossValidateLogistic,
  type CrossValidationResult,
} from './cross-validation.ts';
import { featureImportance } from './feature-importance.ts';
import { fitLinearRegression } from './linear-regression.ts';
import { fitLogisticRegression } from './logistic-regression.ts';
import type { ModelData } from './model-data.ts';
import { selectModelDesign } from './model-design.ts';
import { coefficientRows, cvSummary, treatmentRow, unfittedModel } from './model-result.ts';
import { normalCriticalValue } from '../stats/index.ts';
import {
  linearTreatmentEffect,
  logisticTreatmentEffect,
  type TreatmentEffect,
} from './treatment-effect.ts';
import { assignFolds } from './unit-folds.ts';
import type { UnitMetric } from './unit-table.ts';

/** Options of {@link fitMetricModel}. */
export interface MetricModelOptions {
  /** The control variant. */
  readonly control: string;
  /** Significance level of the treatment-delta intervals (z(1 - alpha / 2)). */
  readonly alpha: number;
  /** Cross-validation folds. */
  readonly folds: number;
  /** Treatments to report besides those with units (e.g. declared ones without units). */
  readonly treatments: readonly string[];
}

/**
 * Fits the metric's model: logistic regression for a binomial metric, linear regression (HC1)
 * for a continuous one. Every row of `data` must have a valid value of the metric.
 *
 * @param data - Prepared model data of the metric's rows.
 * @param metric - The metric (values aligned with the rows of `data`).
 * @param options - Control, alpha, folds, treatments.
 * @returns The model entry; never throws for unfittable data.
 * @example fitMetricModel(data, table.metrics[0], { control: 'control', alpha: 0.05, folds: 5, treatments: ['b'] });
 */
export function fitMetricModel(
  data: ModelData,
  metric: UnitMetric,
  options: MetricModelOptions,
): ModelResult {
  const binomial = metric.type === 'binomial';
  const kind = binomial ? 'logistic_regression' : 'linear_regression';
  const flags = [...data.flags];
  const variant = data.factors[0];
  const treatments = [...new Set([...options.treatments, ...variant.levels.slice(1)])]
    .filter((t) => t !== options.control)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const absent = treatments.filter((t) => !variant.levels.includes(t));
  flags.push(...absent.map((t) => `variant_without_units: ${t}`));
  const unfitted = (reason: string, terms: readonly string[] = ['intercept']): ModelResult =>
    unfittedModel(metric.name, kind, terms, treatments, [...flags, `not_fitted: ${reason}`]);
  if (data.rows === 0) return unfitted('no_units');
  if (variant.levels[0] !== options.control) return unfitted('control_without_units');
  if (variant.levels.length < 2) return unfitted('single_variant');

  const stratum = new Int32Array(data.rows);
  if (binomial) for (let i = 0; i < data.rows; i++) stratum[i] = metric.values[i];
  const foldOfRow = assignFolds(data.hashOrder, stratum, options.folds);
  const cells = cellStatistics(
    data.patterns.patternOfRow,
    foldOfRow,
    metric.values,
    data.order,
    data.patterns.size,
    options.folds,
  );
  const binomialGroups = mergeBinomial(cells, () => true);
  const gaussianGroups = binomial ? null : mergeGaussian(cells, () => true);
  const units = binomialGroups.units;
  const selected = selectModelDesign(data, units);
  flags.push(...selected.flags);
  const { design, variantColumns } = selected;
  if (variantColumns.length !== variant.levels.length - 1)
    return unfitted('variant_collinear', design.terms);

  let totalUnits = 0;
  let successes = 0;
  for (let g = 0; g < design.rows; g++) {
    totalUnits += units[g];
    successes += binomialGroups.successes[g];
  }
  let constant = binomial ? successes === 0 || successes === totalUnits : true;
  for (let i = 1; i < data.rows && constant && !binomial; i++) {
    constant = metric.values[i] === metric.values[0];
  }
  if (constant) return unfitted('constant_outcome', design.terms);
  if (totalUnits <= design.columns) return unfitted('too_few_units', design.terms);

  const z = normalCriticalValue(options.alpha) ?? Number.NaN;
  let coefficients: Float64Array;
  let covariance: Float64Array;
  let effects: TreatmentEffect[];
  if (gaussianGroups === null) {
    const fit = fitLogisticRegression(design, binomialGroups);
    if (fit === null) return unfitted('singular_information', design.terms);
    flags.push(...fit.flags);
    ({ coefficients, covariance } = fit);
    effects = variantColumns.map((column) =>
      logisticTreatmentEffect(
        design,
        units,
        fit.coefficients,
        fit.covariance,
        variantColumns,
        column,
        z,
      ),
    );
  } else {
    const fit = fitLinearRegression(design, gaussianGroups);
    if (fit === null || fit.covariance === null) return unfitted('singular_design', design.terms);
    coefficients = fit.coefficients;
    covariance = fit.covariance;
    effects = variantColumns.map((column) =>
      linearTreatmentEffect(fit.coefficients, covariance, column, z),
    );
  }

  let cv: CrossValidationResult | null = null;
  const smallestClass = binomial ? Math.min(successes, totalUnits - successes) : totalUnits / 2;
  if (smallestClass < options.folds) {
    flags.push('cv_skipped: too_few_units');
  } else {
    cv = binomial ? crossValidateLogistic(design, cells) : crossValidateLinear(design, cells);
    if (cv.ridgeFolds > 0) flags.push(`cv_ridge_fallback: ${cv.ridgeFolds} folds`);
  }

  const effectOf = new Map(selected.treatments.map((t, i) => [t, effects[i]]));
  return {
    metric: metric.name,
    model: kind,
    coefficients: coefficientRows(design.terms, coefficients, covariance),
    treatment_effects: treatments.map((t) => treatmentRow(t, effectOf.get(t) ?? null)),
    cv: cvSummary(cv),
    feature_importance: featureImportance(design, units, coefficients, selected.features)
      .filter((entry) => Number.isFinite(entry.importance))
      .map(({ feature, importance }) => ({ feature, importance })),
    flags,
  };
}
