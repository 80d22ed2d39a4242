/**
 * The train stage's pure core: one regression model per metric of a unit table (logistic for
 * binomial metrics, linear with HC1 errors for continuous ones), as `experiments[].models[]`.
 */
import type { ModelResult } from '../result/result-document.ts';
import { MIN_LEVEL_UNITS } from './factor-levels.ts';
import { fitMetricModel } from './fit-metric-model.ts';
import { prepareModelData, subsetRows, type ModelData } from './model-data.ts';
import { unfittedModel } from './model-result.ts';
import { CV_FOLDS } from './unit-folds.ts';
import type { UnitMetric, UnitTable } from './unit-table.ts';

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
}

const isValid = (metric: UnitMetric, value: number): boolean =>
  metric.type === 'binomial' ? value === 0 || value === 1 : Number.isFinite(value);

/**
 * Trains every requested metric's model. Deterministic: bit-identical for every row order of the
 * same table. Never throws for unfittable data: such a model carries nulls and `not_fitted`.
 *
 * @param table - The per-unit table.
 * @param options - Control variant, alpha, metrics, pooling threshold, folds.
 * @returns One model entry per metric, in table order.
 * @example trainModels(table, { control: 'control', alpha: 0.05 }).map((m) => m.model);
 */
export function trainModels(table: UnitTable, options: TrainOptions): ModelResult[] {
  const settings = {
    control: options.control,
    minLevelUnits: options.minLevelUnits ?? MIN_LEVEL_UNITS,
  };
  const treatments = [...new Set(table.variant.levels)]
    .filter((level) => level !== options.control)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let shared: ModelData | null = null;
  const wanted = options.metrics === undefined ? null : new Set(options.metrics);
  return table.metrics
    .filter((metric) => wanted === null || wanted.has(metric.name))
    .map((metric) => {
      const kind = metric.type === 'binomial' ? 'logistic_regression' : 'linear_regression';
      try {
        const keep = new Uint8Array(table.unitIds.length);
        let invalid = 0;
        for (let i = 0; i < keep.length; i++) {
          keep[i] = isValid(metric, metric.values[i]) ? 1 : 0;
          invalid += 1 - keep[i];
        }
        const metricOptions = {
          control: options.control,
          alpha: options.alpha,
          folds: options.folds ?? CV_FOLDS,
          treatments,
        };
        if (invalid === 0) {
          shared ??= prepareModelData(table, settings);
          return fitMetricModel(shared, metric, metricOptions);
        }
        const subset = subsetRows(table, keep);
        const model = fitMetricModel(
          prepareModelData(subset, settings),
          subset.metrics[table.metrics.indexOf(metric)],
          metricOptions,
        );
        const reason =
          metric.type === 'binomial' ? 'outcome not 0 or 1' : 'outcome not a finite number';
        return { ...model, flags: [`excluded_units: ${invalid} (${reason})`, ...model.flags] };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return unfittedModel(metric.name, kind, ['intercept'], treatments, [
          `not_fitted: error (${message})`,
        ]);
      }
    });
}
