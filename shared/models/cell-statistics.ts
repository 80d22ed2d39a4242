/**
 * Sufficient statistics per cell = (covariate pattern, cross-validation fold), accumulated in
 * one pass over the rows in canonical order. Merging the cells of chosen folds gives the
 * per-pattern inputs of a full fit (all folds) or of a cross-validation training set.
 */
import type { BinomialGroups, GaussianGroups } from './grouped-data.ts';
import { NO_FOLD } from './unit-folds.ts';

/** Per-cell statistics; cell `g * folds + f` is pattern `g`, fold `f`. */
export interface CellStatistics {
  readonly patterns: number;
  readonly folds: number;
  readonly units: Float64Array;
  /** Sum of outcomes (binomial: successes). */
  readonly sum: Float64Array;
  /** Mean outcome per cell (0 when empty). */
  readonly mean: Float64Array;
  /** Sum of squared deviations from the cell mean. */
  readonly m2: Float64Array;
}

/**
 * Accumulates cells with a two-pass mean and M2 per cell (exact for 0/1 outcomes).
 *
 * @param patternOfRow - Pattern of each row.
 * @param foldOfRow - Fold of each row; {@link NO_FOLD} rows are skipped.
 * @param values - Outcome of each row.
 * @param order - Rows in canonical order (the summation order).
 * @param patterns - Number of patterns.
 * @param folds - Number of folds.
 * @returns The cell statistics.
 * @example cellStatistics(patternOfRow, fold, metric.values, order, table.size, 5);
 */
export function cellStatistics(
  patternOfRow: Uint32Array,
  foldOfRow: Uint8Array,
  values: Float64Array,
  order: Uint32Array,
  patterns: number,
  folds: number,
): CellStatistics {
  const cells = patterns * folds;
  const units = new Float64Array(cells);
  const sum = new Float64Array(cells);
  const mean = new Float64Array(cells);
  const m2 = new Float64Array(cells);
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const fold = foldOfRow[row];
    if (fold === NO_FOLD) continue;
    const cell = patternOfRow[row] * folds + fold;
    units[cell]++;
    sum[cell] += values[row];
  }
  for (let c = 0; c < cells; c++) mean[c] = units[c] > 0 ? sum[c] / units[c] : 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const fold = foldOfRow[row];
    if (fold === NO_FOLD) continue;
    const cell = patternOfRow[row] * folds + fold;
    const deviation = values[row] - mean[cell];
    m2[cell] += deviation * deviation;
  }
  return { patterns, folds, units, sum, mean, m2 };
}

/**
 * Per-pattern binomial counts over the folds for which `include(fold)` holds.
 *
 * @param cells - Cell statistics of a 0/1 outcome.
 * @param include - Which folds to merge.
 * @returns Units and successes per pattern.
 * @example mergeBinomial(cells, (fold) => fold !== 2);
 */
export function mergeBinomial(
  cells: CellStatistics,
  include: (fold: number) => boolean,
): BinomialGroups {
  const units = new Float64Array(cells.patterns);
  const successes = new Float64Array(cells.patterns);
  for (let g = 0; g < cells.patterns; g++) {
    for (let f = 0; f < cells.folds; f++) {
      if (!include(f)) continue;
      units[g] += cells.units[g * cells.folds + f];
      successes[g] += cells.sum[g * cells.folds + f];
    }
  }
  return { units, successes };
}

/**
 * Per-pattern count, mean and M2 over the included folds, merged in fold order with Chan et al.'s
 * pairwise update (M2 = M2_a + M2_b + delta^2 n_a n_b / n).
 *
 * @param cells - Cell statistics of a continuous outcome.
 * @param include - Which folds to merge.
 * @returns Units, mean and M2 per pattern.
 * @see Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for computing sample variances"
 * @example mergeGaussian(cells, () => true);
 */
export function mergeGaussian(
  cells: CellStatistics,
  include: (fold: number) => boolean,
): GaussianGroups {
  const units = new Float64Array(cells.patterns);
  const mean = new Float64Array(cells.patterns);
  const m2 = new Float64Array(cells.patterns);
  for (let g = 0; g < cells.patterns; g++) {
    let n = 0;
    let mu = 0;
    let squares = 0;
    for (let f = 0; f < cells.folds; f++) {
      const c = g * cells.folds + f;
      const nb = cells.units[c];
      if (!include(f) || nb === 0) continue;
      if (n === 0) {
        n = nb;
        mu = cells.mean[c];
        squares = cells.m2[c];
        continue;
      }
      const total = n + nb;
      const delta = cells.mean[c] - mu;
      squares += cells.m2[c] + (delta * delta * n * nb) / total;
      mu += (delta * nb) / total;
      n = total;
    }
    units[g] = n;
    mean[g] = mu;
    m2[g] = squares;
  }
  return { units, mean, m2 };
}

/**
 * Sum of squared deviations of all units from their overall mean, merging the groups in order
 * (Chan et al.'s pairwise update): the total sum of squares of R^2, 0 for a constant outcome.
 *
 * @param groups - Per-group units, mean and M2.
 * @returns The total sum of squares.
 * @example totalSumOfSquares(mergeGaussian(cells, () => true));
 */
export function totalSumOfSquares(groups: GaussianGroups): number {
  let n = 0;
  let mu = 0;
  let squares = 0;
  for (let g = 0; g < groups.units.length; g++) {
    const nb = groups.units[g];
    if (nb === 0) continue;
    const total = n + nb;
    const delta = groups.mean[g] - mu;
    squares += groups.m2[g] + (delta * delta * n * nb) / total;
    mu = n === 0 ? groups.mean[g] : mu + (delta * nb) / total;
    n = total;
  }
  return squares;
}
