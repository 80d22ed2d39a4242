/**
 * How a model is validated and tuned, beside its fit on every unit: the stratified k-fold
 * cross-validation, the ridge lambda picked from {@link LAMBDA_GRID} by that cross-validation's
 * log loss, and a holdout of 20% of the units (every fifth unit of each variant in the order of
 * a hash of the unit id) scored by a model fitted on the other 80%.
 */
import { cellStatistics, type CellStatistics } from './cell-statistics.ts';
import {
  crossValidateLinear,
  crossValidateLogistic,
  crossValidatePoisson,
  type CrossValidationResult,
} from './cross-validation.ts';
import type { GroupedDesign } from './grouped-data.ts';
import { assignFolds, HOLDOUT_EVERY } from './unit-folds.ts';

/** The model family of a metric: logistic, linear or quasi-Poisson. */
export type ModelFamily = 'binomial' | 'gaussian' | 'poisson';

/** The lambdas `lambda: cv` chooses from (penalty on the total log-likelihood). */
export const LAMBDA_GRID: readonly number[] = [0.001, 0.01, 0.1, 1, 10, 100, 1000];

/** The rows of a model and how they map to its design's groups. */
export interface ModelRows {
  /** Group (design row) of each row. */
  readonly groupOfRow: Uint32Array;
  /** The outcome of each row. */
  readonly values: Float64Array;
  /** Rows in canonical order. */
  readonly order: Uint32Array;
}

/**
 * Cross-validates a family's model on given cells.
 *
 * @param family - The model family.
 * @param design - The design.
 * @param cells - Cell statistics of the outcome over the folds.
 * @param rows - The rows and the fold of each (the Poisson start needs them).
 * @param options - Folds scored, the logistic ridge lambda.
 * @returns The pooled out-of-fold metrics.
 * @example crossValidate('gaussian', design, cells, { ...rows, foldOfRow }).rmse;
 */
export function crossValidate(
  family: ModelFamily,
  design: GroupedDesign,
  cells: CellStatistics,
  rows: ModelRows & { readonly foldOfRow: Uint8Array },
  options: { readonly heldOut?: readonly number[]; readonly ridge?: number } = {},
): CrossValidationResult {
  if (family === 'binomial') return crossValidateLogistic(design, cells, options);
  if (family === 'gaussian') return crossValidateLinear(design, cells, options);
  return crossValidatePoisson(design, cells, rows, options);
}

/**
 * The lambda of {@link LAMBDA_GRID} with the smallest cross-validated log loss (the first, i.e.
 * the smallest lambda, on a tie); NaN losses never win.
 *
 * @param design - The logistic design.
 * @param cells - Cell statistics of the 0/1 outcome over the stratified folds.
 * @returns The chosen lambda and its log loss, or null when no lambda could be scored.
 * @example chooseLambda(design, cells)?.lambda;
 */
export function chooseLambda(
  design: GroupedDesign,
  cells: CellStatistics,
): { readonly lambda: number; readonly logLoss: number } | null {
  let best: { lambda: number; logLoss: number } | null = null;
  for (const lambda of LAMBDA_GRID) {
    const { logLoss } = crossValidateLogistic(design, cells, { ridge: lambda });
    if (Number.isFinite(logLoss) && (best === null || logLoss < best.logLoss))
      best = { lambda, logLoss };
  }
  return best;
}

/**
 * Scores the holdout: every {@link HOLDOUT_EVERY}th unit of each variant in holdout hash order
 * is held out, a model of the family is fitted on the rest and predicts the held-out units.
 *
 * @param family - The model family.
 * @param design - The design.
 * @param rows - The rows.
 * @param holdoutOrder - Rows in holdout hash order.
 * @param variantOfRow - The variant (stratum) of each row.
 * @param ridge - The logistic ridge lambda (0: none).
 * @returns The held-out units and their metrics.
 * @example scoreHoldout('binomial', design, rows, data.holdoutOrder, variantCodes, 0).units;
 */
export function scoreHoldout(
  family: ModelFamily,
  design: GroupedDesign,
  rows: ModelRows,
  holdoutOrder: Uint32Array,
  variantOfRow: Int32Array,
  ridge: number,
): { readonly units: number; readonly result: CrossValidationResult } {
  // Fold 0: held out; every other fold trains.
  const dealt = assignFolds(holdoutOrder, variantOfRow, HOLDOUT_EVERY);
  const foldOfRow = new Uint8Array(dealt.length);
  let units = 0;
  for (let i = 0; i < dealt.length; i++) {
    const fold = dealt[i];
    foldOfRow[i] = fold === 0 ? 0 : fold < HOLDOUT_EVERY ? 1 : fold;
    if (fold === 0) units++;
  }
  const cells = cellStatistics(rows.groupOfRow, foldOfRow, rows.values, rows.order, design.rows, 2);
  return {
    units,
    result: crossValidate(family, design, cells, { ...rows, foldOfRow }, { heldOut: [0], ridge }),
  };
}
