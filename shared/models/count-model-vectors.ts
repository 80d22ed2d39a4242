/**
 * Computes the `poisson`, `quasi_poisson` and `ridge_logistic` cases of `model_vectors.json`
 * (statsmodels 0.13 references): per-user rows with categorical attributes, numeric covariates
 * named in `numeric` (entering as numbers), the outcome `y`, and the reference level of each
 * factor; coefficients in design order and the treatment's average predicted change.
 */
import { z } from 'zod';
import { normalCriticalValue } from '../stats/index.ts';
import {
  covariateDesign,
  groupOutcome,
  type CovariateDesign,
  type GroupOutcome,
} from './covariate-design.ts';
import { fitLogisticRegression } from './logistic-regression.ts';
import { prepareModelData } from './model-data.ts';
import { coefficientRows } from './model-result.ts';
import type { NumericCovariate } from './numeric-covariates.ts';
import { fitPoissonRegression } from './poisson-regression.ts';
import { poissonStart, type PoissonStart } from './poisson-start.ts';
import {
  averageTreatmentEffect,
  LOG_INVERSE_LINK,
  LOGISTIC_INVERSE_LINK,
  type TreatmentEffect,
} from './treatment-effect.ts';
import { unitTableFromRecords } from './unit-table-from-records.ts';

const cell = z.union([z.string(), z.number(), z.null()]);

/** The schema of one count/ridge model case's input. */
export const countModelCaseInputSchema = z
  .object({
    kind: z.enum(['poisson', 'quasi_poisson', 'ridge_logistic']),
    rows: z.array(z.record(z.string(), cell)).min(1),
    reference: z.record(z.string(), z.string()).refine((r) => 'variant' in r, {
      message: 'must name the reference level of "variant"',
    }),
    numeric: z.array(z.string()).default([]),
    lambda: z.number().nonnegative().optional(),
    /** Interval level; the vectors use the default 0.05. */
    alpha: z.number().gt(0).lt(1).optional(),
  })
  .superRefine((input, context) => {
    input.rows.forEach((row, index) => {
      for (const field of ['variant', 'y', ...input.numeric]) {
        const value = row[field];
        const numeric = field !== 'variant';
        if (numeric ? typeof value !== 'number' || !Number.isFinite(value) : value === undefined) {
          context.addIssue({
            code: 'custom',
            path: ['rows', index, field],
            message: numeric ? 'must be a finite number' : 'is required',
          });
        }
      }
    });
    if (input.kind === 'ridge_logistic') {
      input.rows.forEach((row, index) => {
        if (typeof row.y === 'number' && row.y !== 0 && row.y !== 1) {
          context.addIssue({
            code: 'custom',
            path: ['rows', index, 'y'],
            message: 'must be 0 or 1',
          });
        }
      });
    }
    if (input.kind === 'ridge_logistic' && input.lambda === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['lambda'],
        message: 'is required for ridge_logistic',
      });
    }
  });

/** Input of one count/ridge model case. */
export type CountModelCaseInput = z.infer<typeof countModelCaseInputSchema>;

function prepare(input: CountModelCaseInput): {
  covariates: CovariateDesign;
  units: Float64Array;
  outcome: GroupOutcome;
  start: PoissonStart;
} {
  const numericNames = new Set(input.numeric);
  const attributes = Object.keys(input.rows[0]).filter(
    (key) => key !== 'variant' && key !== 'y' && !numericNames.has(key),
  );
  const table = unitTableFromRecords(input.rows, {
    variant: 'variant',
    attributes,
    metrics: [{ name: 'y', type: 'continuous' }],
  });
  const data = prepareModelData(table, {
    control: input.reference.variant,
    minLevelUnits: 0,
    references: input.reference,
  });
  const numeric: NumericCovariate[] = input.numeric.map((name) => ({
    name,
    values: Float64Array.from(input.rows, (row) => row[name] as number),
  }));
  const covariates = covariateDesign(data, numeric);
  const values = table.metrics[0].values;
  const outcome = groupOutcome(covariates, values, data.order);
  const start = poissonStart(covariates.groupOfRow, values, data.order, covariates.design.rows);
  return { covariates, units: outcome.units, outcome, start };
}

const nullable = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null;

function effectRow(
  variant: string | undefined,
  effect: TreatmentEffect | null,
  withInterval: boolean,
): Record<string, unknown> | null {
  if (variant === undefined) return null;
  const delta = nullable(effect?.delta);
  if (!withInterval) return { variant, predicted_delta: delta };
  return {
    variant,
    predicted_delta: delta,
    ci: [nullable(effect?.ci[0]), nullable(effect?.ci[1])],
  };
}

/**
 * Fits one case: a Poisson GLM (log link, inverse-information errors), the same with the
 * quasi-Poisson Pearson dispersion, or ridge logistic regression with penalty lambda / 2 on the
 * squared non-intercept coefficients; and the first treatment's average predicted change (with
 * a delta-method interval for the GLMs).
 *
 * @param input - The case's `input`.
 * @returns `{coefficients, treatment_effect}` (and `scale` for quasi-Poisson), shaped like
 * `expected`; null estimates when the model has no finite fit.
 * @see statsmodels GLM(family=Poisson()).fit(), .fit(scale='X2'); Hoerl & Kennard (1970)
 * @example computeCountModelCase(vectors.poisson[0].input).coefficients[0].term; // 'intercept'
 */
export function computeCountModelCase(input: CountModelCaseInput): Record<string, unknown> {
  const { covariates, units, outcome, start } = prepare(input);
  const { design, variantColumns, treatments } = covariates;
  const z = normalCriticalValue(input.alpha ?? 0.05)!;
  const effectOf = (
    coefficients: Float64Array,
    covariance: Float64Array,
    link = LOG_INVERSE_LINK,
  ) =>
    variantColumns.length === 0
      ? null
      : averageTreatmentEffect(
          design,
          units,
          coefficients,
          covariance,
          variantColumns,
          variantColumns[0],
          z,
          link,
        );
  if (input.kind === 'ridge_logistic') {
    const fit = fitLogisticRegression(
      design,
      { units, successes: outcome.sum },
      { ridge: input.lambda ?? 0 },
    );
    return {
      coefficients: design.terms.map((term, j) => ({
        term,
        estimate: nullable(fit?.coefficients[j]),
      })),
      treatment_effect: effectRow(
        treatments[0],
        fit === null ? null : effectOf(fit.coefficients, fit.covariance, LOGISTIC_INVERSE_LINK),
        false,
      ),
    };
  }
  const fit = fitPoissonRegression(design, outcome, start, {
    quasi: input.kind === 'quasi_poisson',
  });
  const fitted = typeof fit === 'string' ? null : fit;
  const nan = new Float64Array(design.columns * design.columns).fill(Number.NaN);
  const covariance = fitted?.covariance ?? nan;
  const result: Record<string, unknown> = {
    coefficients: coefficientRows(
      design.terms,
      fitted?.coefficients ?? new Float64Array(design.columns).fill(Number.NaN),
      covariance,
    ),
    treatment_effect: effectRow(
      treatments[0],
      fitted === null ? null : effectOf(fitted.coefficients, covariance),
      true,
    ),
  };
  if (input.kind === 'quasi_poisson') result.scale = nullable(fitted?.scale);
  return result;
}
