/**
 * The train stage's pure core: one regression model per metric of a unit table (logistic for
 * binomial metrics, linear with HC1 errors for continuous ones, quasi-Poisson for counts), as
 * `experiments[].models[]`, on the variant, the categorical attributes (one-hot) and the numeric
 * ones (as numbers), after the leakage checks.
 */
import type { ModelResult } from '../result/result-document.ts';
import { MIN_LEVEL_UNITS } from './factor-levels.ts';
import { fitMetricModel } from './fit-metric-model.ts';
import { leakingFeatures } from './leakage-check.ts';
import { prepareModelData, subsetRows, type ModelData } from './model-data.ts';
import { unfittedModel } from './model-result.ts';
import type { ModelFamily } from './model-validation.ts';
import { CV_FOLDS } from './unit-folds.ts';
import type { UnitTable } from './unit-table.ts';

/** Options of {@link trainModels}. */
export interface TrainOptions {
  /** The control variant (the reference of the variant indicators). */
  readonly control: string;
  /** Significance level of the treatment-delta intervals. */
  readonly alpha: number;
  /** Names of the metrics to model, in table order; default every metric. */
  readonly metrics?: readonly string[];
  /** Pooling threshold for rare attribute levels (default {@link MIN_LEVEL_UNITS}). */
  readonly minLevelUnits?: number;
  /** Cross-validation folds (default {@link CV_FOLDS}). */
  readonly folds?: number;
  /** Metrics that are counts (`aggregate: count`): modelled by quasi-Poisson. */
  readonly countMetrics?: readonly string[];
  /** The logistic models' ridge lambda, or `cv`; default none (maximum likelihood). */
  readonly lambda?: number | 'cv' | null;
  /** Numeric attributes (of `table.numeric`) entering as numbers; default none. */
  readonly numeric?: readonly string[];
  /** Categorical attributes entering one-hot; default every attribute. */
  readonly categorical?: readonly string[] | null;
}

const isValid = (family: ModelFamily, value: number): boolean =>
  family === 'binomial'
    ? value === 0 || value === 1
    : family === 'poisson'
      ? Number.isFinite(value) && value >= 0
      : Number.isFinite(value);

const invalidReason: Readonly<Record<ModelFamily, string>> = {
  binomial: 'outcome not 0 or 1',
  gaussian: 'outcome not a finite number',
  poisson: 'outcome not a count >= 0',
};

/**
 * Trains every requested metric's model. Deterministic: bit-identical for every row order of the
 * same table. Never throws for unfittable data: such a model carries nulls and `not_fitted`.
 *
 * @param table - The per-unit table.
 * @param options - Control variant, alpha, metrics, pooling, folds, counts, penalty, covariates.
 * @returns One model entry per metric, in table order.
 * @example trainModels(table, { control: 'control', alpha: 0.05 }).map((m) => m.model);
 */
export function trainModels(table: UnitTable, options: TrainOptions): ModelResult[] {
  const minLevelUnits = options.minLevelUnits ?? MIN_LEVEL_UNITS;
  const settings = { control: options.control, minLevelUnits };
  const treatments = [...new Set(table.variant.levels)]
    .filter((level) => level !== options.control)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const counts = new Set(options.countMetrics ?? []);
  const wantedAttributes =
    options.categorical === undefined || options.categorical === null
      ? null
      : new Set(options.categorical);
  const attributes = table.attributes.filter(
    (attribute) => wantedAttributes === null || wantedAttributes.has(attribute.name),
  );
  const numericNames = options.numeric ?? [];
  const numeric = numericNames.map((name) => {
    const column = (table.numeric ?? []).find((candidate) => candidate.name === name);
    if (column === undefined) throw new RangeError(`no numeric attribute "${name}"`);
    return column;
  });
  const base: UnitTable = { ...table, attributes, numeric };
  let shared: ModelData | null = null;
  const wanted = options.metrics === undefined ? null : new Set(options.metrics);
  return table.metrics
    .filter((metric) => wanted === null || wanted.has(metric.name))
    .map((metric) => {
      const family: ModelFamily = counts.has(metric.name)
        ? 'poisson'
        : metric.type === 'binomial'
          ? 'binomial'
          : 'gaussian';
      const kind =
        family === 'binomial'
          ? 'logistic_regression'
          : family === 'poisson'
            ? 'quasi_poisson_regression'
            : 'linear_regression';
      try {
        const flags: string[] = [];
        const keep = new Uint8Array(table.unitIds.length);
        let invalid = 0;
        let missing = 0;
        for (let i = 0; i < keep.length; i++) {
          const complete = numeric.every((column) => Number.isFinite(column.values[i]));
          keep[i] = isValid(family, metric.values[i]) && complete ? 1 : 0;
          if (!isValid(family, metric.values[i])) invalid++;
          else if (!complete) missing++;
        }
        if (invalid > 0) flags.push(`excluded_units: ${invalid} (${invalidReason[family]})`);
        if (missing > 0) flags.push(`excluded_units: ${missing} (numeric covariate missing)`);
        const rows = invalid + missing === 0 ? base : subsetRows(base, keep);
        const outcome = rows.metrics[table.metrics.indexOf(metric)];
        const prepared =
          rows === base
            ? (shared ??= prepareModelData(base, settings))
            : prepareModelData(rows, settings);
        const leaks = leakingFeatures(
          prepared,
          outcome.values,
          family === 'binomial',
          rows.numeric ?? [],
        );
        flags.push(
          ...leaks.map(
            (leak) => `leakage: ${leak.feature} (${leak.measure} ${leak.value.toFixed(4)})`,
          ),
        );
        const leaked = new Set(leaks.map((leak) => leak.feature));
        const clean: UnitTable =
          leaked.size === 0
            ? rows
            : {
                ...rows,
                attributes: rows.attributes.filter((a) => !leaked.has(a.name)),
                numeric: (rows.numeric ?? []).filter((c) => !leaked.has(c.name)),
              };
        const data = clean === rows ? prepared : prepareModelData(clean, settings);
        const model = fitMetricModel(data, outcome, {
          control: options.control,
          alpha: options.alpha,
          folds: options.folds ?? CV_FOLDS,
          treatments,
          family,
          numeric: clean.numeric ?? [],
          lambda: options.lambda ?? null,
        });
        return { ...model, flags: [...flags, ...model.flags] };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return unfittedModel(metric.name, kind, ['intercept'], treatments, [
          `not_fitted: error (${message})`,
        ]);
      }
    });
}
