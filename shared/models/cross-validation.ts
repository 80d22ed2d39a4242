/**
 * K-fold cross-validation on cell statistics. Each fold's model is fitted on the other folds'
 * cells with the same estimator (columns with no independent variation in the training folds,
 * such as a level absent from them, are left out of that fold's fit and predict as the
 * reference), then predicts its held-out cells. Metrics are pooled over all out-of-fold
 * predictions: AUC and log loss for the logistic model, RMSE and R^2 for the linear one.
 */
import type { CellStatistics } from './cell-statistics.ts';
import { mergeBinomial, mergeGaussian, totalSumOfSquares } from './cell-statistics.ts';
import { selectIndependentBlocks } from './column-selection.ts';
import { groupedAuc, groupedLogLoss } from './cv-metrics.ts';
import { selectColumns } from './design-matrix.ts';
import type { GroupedDesign } from './grouped-data.ts';
import { linearPredictor, weightedCrossProduct } from './linear-algebra.ts';
import { fitLinearRegression } from './linear-regression.ts';
import { fitLogisticRegression } from './logistic-regression.ts';
import { fitPoissonRegression } from './poisson-regression.ts';
import { poissonStart } from './poisson-start.ts';
import { NO_FOLD } from './unit-folds.ts';

/** Cross-validation metrics (NaN where undefined). */
export interface CrossValidationResult {
  readonly folds: number;
  readonly auc: number;
  readonly logLoss: number;
  readonly rmse: number;
  readonly r2: number;
  /** Folds whose logistic fit needed the ridge fallback. */
  readonly ridgeFolds: number;
}

/** Options of the cross-validations. */
export interface CrossValidationOptions {
  /**
   * The folds scored, each by a model fitted on every other fold (default all: k-fold
   * cross-validation; `[0]` of a two-fold split scores a holdout).
   */
  readonly heldOut?: readonly number[];
  /** The logistic fits' ridge lambda (default 0: maximum likelihood with its fallback). */
  readonly ridge?: number;
}

const scoredFolds = (cells: CellStatistics, options: CrossValidationOptions): readonly number[] =>
  options.heldOut ?? Array.from({ length: cells.folds }, (_, fold) => fold);

/** Fits a fold's training data on its independent columns; returns full-length coefficients or null. */
function foldCoefficients(
  design: GroupedDesign,
  trainingUnits: Float64Array,
  fit: (narrow: GroupedDesign) => Float64Array | null,
): Float64Array | null {
  const gram = weightedCrossProduct(design, trainingUnits);
  const columns = Array.from({ length: design.columns }, (_, j) => [j]);
  const kept = selectIndependentBlocks(gram, design.columns, columns).kept;
  const narrow = fit(selectColumns(design, kept));
  if (narrow === null) return null;
  const full = new Float64Array(design.columns);
  kept.forEach((j, i) => (full[j] = narrow[i]));
  return full;
}

/**
 * Cross-validated logistic regression: pooled out-of-fold AUC and mean log loss.
 *
 * @param design - The pattern design.
 * @param cells - Cell statistics of the 0/1 outcome.
 * @param options - Folds scored, ridge lambda.
 * @returns The metrics (rmse and r2 NaN).
 * @example crossValidateLogistic(design, cells).auc;
 */
export function crossValidateLogistic(
  design: GroupedDesign,
  cells: CellStatistics,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  const k = cells.folds;
  const scores = new Float64Array(cells.patterns * k);
  const positives = new Float64Array(cells.patterns * k);
  const negatives = new Float64Array(cells.patterns * k);
  let ridgeFolds = 0;
  const ridge = options.ridge ?? 0;
  for (const fold of scoredFolds(cells, options)) {
    const training = mergeBinomial(cells, (f) => f !== fold);
    const beta = foldCoefficients(design, training.units, (narrow) => {
      const fit = fitLogisticRegression(narrow, training, ridge > 0 ? { ridge } : {});
      if (fit !== null && fit.ridge > 0 && ridge === 0) ridgeFolds++;
      return fit?.coefficients ?? null;
    });
    if (beta === null) return { folds: k, auc: NaN, logLoss: NaN, rmse: NaN, r2: NaN, ridgeFolds };
    const eta = linearPredictor(design, beta);
    for (let g = 0; g < cells.patterns; g++) {
      const c = g * k + fold;
      scores[c] = 1 / (1 + Math.exp(-eta[g]));
      positives[c] = cells.sum[c];
      negatives[c] = cells.units[c] - cells.sum[c];
    }
  }
  return {
    folds: k,
    auc: groupedAuc(scores, positives, negatives),
    logLoss: groupedLogLoss(scores, positives, negatives),
    rmse: NaN,
    r2: NaN,
    ridgeFolds,
  };
}

/**
 * Cross-validated least squares: RMSE = sqrt(SSE / n) and R^2 = 1 - SSE / SST over all
 * out-of-fold predictions, SST taken around the mean outcome of all analysed units.
 *
 * @param design - The pattern design.
 * @param cells - Cell statistics of the continuous outcome.
 * @param options - Folds scored.
 * @returns The metrics (auc and logLoss NaN).
 * @example crossValidateLinear(design, cells).rmse;
 */
export function crossValidateLinear(
  design: GroupedDesign,
  cells: CellStatistics,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  return scoreMeans(cells, scoredFolds(cells, options), (training) => {
    const beta = foldCoefficients(
      design,
      training.units,
      (narrow) => fitLinearRegression(narrow, training)?.coefficients ?? null,
    );
    return beta === null ? null : linearPredictor(design, beta);
  });
}

/** The rows behind the cells, which the Poisson fits' per-unit start needs. */
export interface CellRows {
  /** Cell pattern (group) of each row. */
  readonly groupOfRow: Uint32Array;
  /** Fold of each row ({@link NO_FOLD}: in no fold). */
  readonly foldOfRow: Uint8Array;
  /** The outcome of each row. */
  readonly values: Float64Array;
  /** Rows in canonical order. */
  readonly order: Uint32Array;
}

/**
 * Cross-validated quasi-Poisson regression (log link): each scored fold's expected counts
 * exp(x'b) from a fit on the other folds (statsmodels' start over the training rows), with RMSE
 * and R^2 of the counts pooled as for the linear model.
 *
 * @param design - The pattern design.
 * @param cells - Cell statistics of the counts.
 * @param rows - The rows of the cells.
 * @param options - Folds scored.
 * @returns The metrics (auc and logLoss NaN).
 * @example crossValidatePoisson(design, cells, rows).r2;
 */
export function crossValidatePoisson(
  design: GroupedDesign,
  cells: CellStatistics,
  rows: CellRows,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  return scoreMeans(cells, scoredFolds(cells, options), (training, fold) => {
    const order = rows.order.filter((row) => {
      const f = rows.foldOfRow[row];
      return f !== NO_FOLD && f !== fold;
    });
    const start = poissonStart(rows.groupOfRow, rows.values, order, design.rows);
    const beta = foldCoefficients(design, training.units, (narrow) => {
      const fit = fitPoissonRegression(narrow, training, start, { quasi: true });
      return typeof fit === 'string' ? null : fit.coefficients;
    });
    return beta === null ? null : linearPredictor(design, beta).map(Math.exp);
  });
}

/**
 * Pools squared errors of predicted means over the scored folds: RMSE = sqrt(SSE / n) and
 * R^2 = 1 - SSE / SST, SST around the mean of the scored units.
 */
function scoreMeans(
  cells: CellStatistics,
  heldOut: readonly number[],
  predict: (training: ReturnType<typeof mergeGaussian>, fold: number) => Float64Array | null,
): CrossValidationResult {
  const k = cells.folds;
  let squaredError = 0;
  let units = 0;
  for (const fold of heldOut) {
    const fitted = predict(
      mergeGaussian(cells, (f) => f !== fold),
      fold,
    );
    if (fitted === null)
      return { folds: k, auc: NaN, logLoss: NaN, rmse: NaN, r2: NaN, ridgeFolds: 0 };
    for (let g = 0; g < cells.patterns; g++) {
      const c = g * k + fold;
      if (cells.units[c] === 0) continue;
      const gap = cells.mean[c] - fitted[g];
      squaredError += cells.m2[c] + cells.units[c] * gap * gap;
      units += cells.units[c];
    }
  }
  const total = totalSumOfSquares(mergeGaussian(cells, (f) => heldOut.includes(f)));
  return {
    folds: k,
    auc: NaN,
    logLoss: NaN,
    rmse: Math.sqrt(squaredError / units),
    r2: total > 0 ? 1 - squaredError / total : NaN,
    ridgeFolds: 0,
  };
}
