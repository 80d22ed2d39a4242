/**
 * One metric's model on prepared data: folds, cell statistics, design selection (numeric
 * covariates appended as numbers), the fit, coefficients, predicted treatment deltas,
 * cross-validation, the holdout and feature importance, assembled as a result-document
 * `ModelResult`. Unfittable cases return flags and nulls.
 */
import type { ModelResult } from '../result/result-document.ts';
import { cellStatistics, mergeBinomial, mergeGaussian } from './cell-statistics.ts';
import { selectIndependentBlocks } from './column-selection.ts';
import type { CrossValidationResult } from './cross-validation.ts';
import { selectColumns } from './design-matrix.ts';
import { featureImportance } from './feature-importance.ts';
import { weightedCrossProduct } from './linear-algebra.ts';
import { fitLinearRegression } from './linear-regression.ts';
import { fitLogisticRegression } from './logistic-regression.ts';
import type { ModelData } from './model-data.ts';
import { selectModelDesign } from './model-design.ts';
import {
  coefficientRows,
  cvSummary,
  holdoutSummary,
  treatmentRow,
  unfittedModel,
  type ModelKind,
} from './model-result.ts';
import { chooseLambda, crossValidate, scoreHoldout, type ModelFamily } from './model-validation.ts';
import {
  appendNumericColumns,
  refineByNumericCovariates,
  type NumericCovariate,
} from './numeric-covariates.ts';
import { fitPoissonRegression } from './poisson-regression.ts';
import { poissonStart } from './poisson-start.ts';
import { normalCriticalValue } from '../stats/index.ts';
import {
  averageTreatmentEffect,
  LOG_INVERSE_LINK,
  LOGISTIC_INVERSE_LINK,
  linearTreatmentEffect,
  type InverseLink,
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
  /** `poisson` for a count metric (quasi-Poisson); default by the metric's type. */
  readonly family?: ModelFamily;
  /** Numeric covariates, finite values aligned with the rows of the data (default none). */
  readonly numeric?: readonly NumericCovariate[];
  /** The logistic penalty: a ridge lambda, `cv` to choose one, or none (default). */
  readonly lambda?: number | 'cv' | null;
}

const kindOf: Readonly<Record<ModelFamily, ModelKind>> = {
  binomial: 'logistic_regression',
  gaussian: 'linear_regression',
  poisson: 'quasi_poisson_regression',
};

/**
 * Fits the metric's model: logistic regression for a binomial metric, linear regression (HC1)
 * for a continuous one, a quasi-Poisson GLM for a count. Every row of `data` must have a valid
 * value of the metric.
 *
 * @param data - Prepared model data of the metric's rows.
 * @param metric - The metric (values aligned with the rows of `data`).
 * @param options - Control, alpha, folds, treatments, family, numeric covariates, penalty.
 * @returns The model entry; never throws for unfittable data.
 * @example fitMetricModel(data, table.metrics[0], { control: 'control', alpha: 0.05, folds: 5, treatments: ['b'] });
 */
export function fitMetricModel(
  data: ModelData,
  metric: UnitMetric,
  options: MetricModelOptions,
): ModelResult {
  const family: ModelFamily =
    options.family ?? (metric.type === 'binomial' ? 'binomial' : 'gaussian');
  const binomial = family === 'binomial';
  const kind = kindOf[family];
  const lambdaSetting = binomial ? (options.lambda ?? null) : null;
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

  // Rows are grouped by their categorical pattern and their numeric values together.
  const numeric = options.numeric ?? [];
  const refined = refineByNumericCovariates(data.patterns, numeric);
  const groupData: ModelData = { ...data, patterns: refined.patterns };
  const groupOfRow = refined.patterns.patternOfRow;
  const stratum = new Int32Array(data.rows);
  if (binomial) for (let i = 0; i < data.rows; i++) stratum[i] = metric.values[i];
  const foldOfRow = assignFolds(data.hashOrder, stratum, options.folds);
  const cells = cellStatistics(
    groupOfRow,
    foldOfRow,
    metric.values,
    data.order,
    refined.patterns.size,
    options.folds,
  );
  const binomialGroups = mergeBinomial(cells, () => true);
  const gaussianGroups = binomial ? null : mergeGaussian(cells, () => true);
  const units = binomialGroups.units;
  const selected = selectModelDesign(groupData, units);
  flags.push(...selected.flags);
  const { variantColumns } = selected;
  if (variantColumns.length !== variant.levels.length - 1)
    return unfitted('variant_collinear', selected.design.terms);
  const numericDesign = withNumericColumns(selected.design, numeric, refined.numericOf, units);
  flags.push(...numericDesign.flags);
  const design = numericDesign.design;
  const features = [...selected.features, ...numericDesign.features];

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

  const smallestClass = binomial ? Math.min(successes, totalUnits - successes) : totalUnits / 2;
  const canValidate = smallestClass >= options.folds;
  let lambda: number | null = typeof lambdaSetting === 'number' ? lambdaSetting : null;
  if (lambdaSetting === 'cv') {
    const chosen = canValidate ? chooseLambda(design, cells) : null;
    lambda = chosen?.lambda ?? 1;
    flags.push(
      chosen === null ? 'lambda_cv_skipped: too_few_units (lambda 1)' : `lambda_cv: ${lambda}`,
    );
  }
  const ridge = lambda ?? 0;

  const z = normalCriticalValue(options.alpha) ?? Number.NaN;
  let coefficients: Float64Array;
  let covariance: Float64Array;
  let dispersion: number | null = null;
  // The GLMs' effect is the average predicted change through their inverse link (null: linear).
  let link: InverseLink | null = null;
  if (gaussianGroups === null) {
    const fit = fitLogisticRegression(design, binomialGroups, ridge > 0 ? { ridge } : {});
    if (fit === null) return unfitted('singular_information', design.terms);
    flags.push(...fit.flags);
    ({ coefficients, covariance } = fit);
    link = LOGISTIC_INVERSE_LINK;
  } else if (family === 'poisson') {
    const start = poissonStart(groupOfRow, metric.values, data.order, design.rows);
    const fit = fitPoissonRegression(design, gaussianGroups, start, { quasi: true });
    if (typeof fit === 'string') return unfitted(fit, design.terms);
    ({ coefficients, covariance } = fit);
    dispersion = fit.scale;
    link = LOG_INVERSE_LINK;
  } else {
    const fit = fitLinearRegression(design, gaussianGroups);
    if (fit === null || fit.covariance === null) return unfitted('singular_design', design.terms);
    coefficients = fit.coefficients;
    covariance = fit.covariance;
  }
  const effects: TreatmentEffect[] = variantColumns.map((column) =>
    link === null
      ? linearTreatmentEffect(coefficients, covariance, column, z)
      : averageTreatmentEffect(
          design,
          units,
          coefficients,
          covariance,
          variantColumns,
          column,
          z,
          link,
        ),
  );

  const rows = { groupOfRow, values: metric.values, order: data.order };
  let cv: CrossValidationResult | null = null;
  let holdout: ReturnType<typeof scoreHoldout> | null = null;
  if (!canValidate) {
    flags.push('cv_skipped: too_few_units');
  } else {
    cv = crossValidate(family, design, cells, { ...rows, foldOfRow }, { ridge });
    if (cv.ridgeFolds > 0) flags.push(`cv_ridge_fallback: ${cv.ridgeFolds} folds`);
    const variantLevel = data.patterns.levelOf[0];
    const variantOfRow = new Int32Array(data.rows);
    for (let i = 0; i < data.rows; i++)
      variantOfRow[i] = variantLevel[data.patterns.patternOfRow[i]];
    holdout = scoreHoldout(family, design, rows, data.holdoutOrder, variantOfRow, ridge);
  }

  const effectOf = new Map(selected.treatments.map((t, i) => [t, effects[i]]));
  return {
    metric: metric.name,
    model: kind,
    coefficients: coefficientRows(design.terms, coefficients, covariance),
    treatment_effects: treatments.map((t) => treatmentRow(t, effectOf.get(t) ?? null)),
    cv: cvSummary(cv),
    feature_importance: featureImportance(design, units, coefficients, features)
      .filter((entry) => Number.isFinite(entry.importance))
      .map(({ feature, importance }) => ({ feature, importance })),
    flags,
    dispersion,
    penalty: lambda === null ? 'none' : 'ridge',
    lambda,
    holdout: holdout === null ? null : holdoutSummary(holdout.units, holdout.result),
  };
}

/**
 * Appends the numeric covariates to a categorical design, one column each by name; a column
 * that is a linear combination of the columns before it is left out and flagged.
 */
function withNumericColumns(
  base: ReturnType<typeof selectModelDesign>['design'],
  numeric: readonly NumericCovariate[],
  valuesOf: readonly Float64Array[],
  units: Float64Array,
): {
  design: typeof base;
  features: { name: string; columns: number[] }[];
  flags: string[];
} {
  if (numeric.length === 0) return { design: base, features: [], flags: [] };
  const wide = appendNumericColumns(
    base,
    numeric.map((covariate) => covariate.name),
    valuesOf,
  );
  const blocks = [
    Array.from({ length: base.columns }, (_, j) => j),
    ...numeric.map((_, c) => [base.columns + c]),
  ];
  const { kept, dropped } = selectIndependentBlocks(
    weightedCrossProduct(wide, units),
    wide.columns,
    blocks,
  );
  const columns = kept.flatMap((block) => blocks[block]);
  const keptNumeric = kept.filter((block) => block > 0).map((block) => numeric[block - 1].name);
  return {
    design: dropped.length === 0 ? wide : selectColumns(wide, columns),
    features: keptNumeric.map((name, c) => ({ name, columns: [base.columns + c] })),
    flags: dropped.map((block) => `dropped_collinear: ${numeric[block - 1].name}`),
  };
}
