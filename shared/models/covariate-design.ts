/**
 * The grouped design of a model with categorical and numeric covariates: an intercept, one
 * indicator per non-reference level of the variant and of each attribute (in order), then one
 * column per numeric covariate by name; rows grouped by (pattern, numeric values), and the
 * outcome's per-group units, mean and M2 accumulated in canonical row order.
 */
import { cellStatistics, mergeGaussian } from './cell-statistics.ts';
import { buildFactorDesign } from './design-matrix.ts';
import type { GaussianGroups, GroupedDesign } from './grouped-data.ts';
import type { ModelData } from './model-data.ts';
import {
  appendNumericColumns,
  refineByNumericCovariates,
  type NumericCovariate,
} from './numeric-covariates.ts';

/** A grouped design with numeric covariates and the map from rows to its groups. */
export interface CovariateDesign {
  readonly design: GroupedDesign;
  /** Group (design row) of each table row. */
  readonly groupOfRow: Uint32Array;
  /** Columns of the variant indicators, in design order. */
  readonly variantColumns: readonly number[];
  /** Treatment of each variant column. */
  readonly treatments: readonly string[];
}

/**
 * Builds the design: every factor of `data` enters (variant first; no column selection), then
 * the numeric covariates in the given order.
 *
 * @param data - Prepared model data (factors and categorical patterns).
 * @param numeric - Numeric covariates, one finite value per row each.
 * @returns The design, the rows' groups, the variant columns and their treatments.
 * @throws RangeError when a numeric value is not finite.
 * @example covariateDesign(data, [{ name: 'recency_days', values }]).design.terms;
 */
export function covariateDesign(
  data: ModelData,
  numeric: readonly NumericCovariate[],
): CovariateDesign {
  const refined = refineByNumericCovariates(data.patterns, numeric);
  const factorDesign = buildFactorDesign(
    refined.patterns,
    data.factors,
    data.factors.map(() => true),
  );
  const design = appendNumericColumns(
    factorDesign.design,
    numeric.map((covariate) => covariate.name),
    refined.numericOf,
  );
  const variantColumns = factorDesign.factorOfColumn.flatMap((owner, column) =>
    owner === 0 ? [column] : [],
  );
  return {
    design,
    groupOfRow: refined.patterns.patternOfRow,
    variantColumns,
    treatments: data.factors[0].levels.slice(1),
  };
}

/** Per-group outcome statistics: units, mean and M2 (Poisson, linear), and the sum (logistic). */
export interface GroupOutcome extends GaussianGroups {
  /** Sum of the outcome per group (successes of a 0/1 outcome, exactly). */
  readonly sum: Float64Array;
}

/**
 * Per-group units, sum, mean and M2 of an outcome (two-pass per group, rows in canonical order).
 *
 * @param covariates - The design and row groups.
 * @param values - The outcome of each row.
 * @param order - Rows in canonical order (`ModelData.order`).
 * @returns The groups' outcome statistics.
 * @example groupOutcome(covariates, metric.values, data.order).units;
 */
export function groupOutcome(
  covariates: CovariateDesign,
  values: Float64Array,
  order: Uint32Array,
): GroupOutcome {
  const cells = cellStatistics(
    covariates.groupOfRow,
    new Uint8Array(values.length),
    values,
    order,
    covariates.design.rows,
    1,
  );
  return { ...mergeGaussian(cells, () => true), sum: cells.sum };
}
