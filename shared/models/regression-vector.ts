/**
 * Computes a `regression` case of `stats_vectors.json` (statsmodels 0.13 references) with the
 * same code the train stage runs: per-unit rows of a variant, any number of factors and an
 * outcome `y`, the given reference levels, no pooling of rare levels.
 */
import { z } from 'zod';
import { fitMetricModel } from './fit-metric-model.ts';
import { prepareModelData } from './model-data.ts';
import { CV_FOLDS } from './unit-folds.ts';
import { unitTableFromRecords } from './unit-table-from-records.ts';

/** The schema of one regression case's input, for files read from outside. */
export const regressionCaseInputSchema = z.object({
  kind: z.enum(['logistic', 'linear']),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))).min(1),
  reference_levels: z.record(z.string(), z.string()),
  /** Interval level; the vectors use the default 0.05. */
  alpha: z.number().gt(0).lt(1).optional(),
});

/** Input of one regression case. */
export type RegressionCaseInput = z.infer<typeof regressionCaseInputSchema>;

/** Output of one regression case, shaped like its `expected`. */
export interface RegressionCaseOutput {
  readonly covariance: 'inverse information' | 'HC1';
  readonly coefficients: readonly {
    readonly term: string;
    readonly estimate: number | null;
    readonly std_error: number | null;
    readonly p_value: number | null;
  }[];
  readonly treatment_effect: {
    readonly variant: string;
    readonly predicted_delta: number | null;
    readonly ci: readonly [number | null, number | null];
  } | null;
}

/**
 * Fits one vector case: logistic (inverse-information errors) or linear (HC1 errors) regression
 * of `y` on the variant and every other column as a factor (in the first row's column order),
 * with Wald z p-values, and the first treatment's predicted delta with its interval.
 *
 * @param input - The case's `input`.
 * @returns Covariance type, coefficients and treatment effect.
 * @see statsmodels Logit(...).fit(), OLS(...).fit(cov_type='HC1'), LogitResults.get_margeff
 * @example computeRegressionCase(vectors.regression[0].input).coefficients[0].term; // 'intercept'
 */
export function computeRegressionCase(input: RegressionCaseInput): RegressionCaseOutput {
  const factorNames = Object.keys(input.rows[0] ?? {}).filter(
    (key) => key !== 'variant' && key !== 'y',
  );
  const type = input.kind === 'logistic' ? 'binomial' : 'continuous';
  const table = unitTableFromRecords(input.rows, {
    variant: 'variant',
    attributes: factorNames,
    metrics: [{ name: 'y', type }],
  });
  const control = input.reference_levels.variant;
  const data = prepareModelData(table, {
    control,
    minLevelUnits: 0,
    references: input.reference_levels,
  });
  const treatments = [...new Set(table.variant.levels)].filter((level) => level !== control).sort();
  const model = fitMetricModel(data, table.metrics[0], {
    control,
    alpha: input.alpha ?? 0.05,
    folds: CV_FOLDS,
    treatments,
  });
  const effect = model.treatment_effects[0];
  return {
    covariance: input.kind === 'logistic' ? 'inverse information' : 'HC1',
    coefficients: model.coefficients,
    treatment_effect:
      effect === undefined
        ? null
        : { variant: effect.variant, predicted_delta: effect.predicted_delta, ci: effect.ci },
  };
}
