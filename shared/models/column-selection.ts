/**
 * Rank-revealing column selection on a Gram matrix X'WX: a Cholesky factorisation that takes the
 * columns in design order and keeps a column only when it is not (numerically) a linear
 * combination of the columns kept before it. Columns come in blocks (a whole attribute's
 * dummies); a block with any dependent column is dropped whole.
 */

/**
 * A column whose squared distance to the span of the kept columns is at most this fraction of
 * its squared norm is dependent (the squared sine of its angle to that span).
 */
export const DEPENDENCE_TOLERANCE = 1e-9;

/** The blocks kept and dropped by {@link selectIndependentBlocks}. */
export interface BlockSelection {
  /** Indices (into `blocks`) of the kept blocks, in order. */
  readonly kept: readonly number[];
  /** Indices of the dropped blocks, in order. */
  readonly dropped: readonly number[];
}

/**
 * Greedy block selection in order by an incremental Cholesky factorisation of `gram`.
 *
 * @param gram - p x p symmetric positive semi-definite matrix, row-major.
 * @param p - Its dimension.
 * @param blocks - Column indices of each block, in the order they are considered.
 * @param tolerance - Dependence tolerance (default {@link DEPENDENCE_TOLERANCE}).
 * @returns Kept and dropped blocks.
 * @example selectIndependentBlocks(xtx, 3, [[0], [1, 2]]).dropped; // [] when full rank
 */
export function selectIndependentBlocks(
  gram: Float64Array,
  p: number,
  blocks: readonly (readonly number[])[],
  tolerance: number = DEPENDENCE_TOLERANCE,
): BlockSelection {
  const keptColumns: number[] = [];
  // rows[i] holds row i of the Cholesky factor L of the kept columns (length i + 1).
  const rows: Float64Array[] = [];
  const kept: number[] = [];
  const dropped: number[] = [];
  blocks.forEach((block, blockIndex) => {
    const mark = keptColumns.length;
    let independent = block.length > 0;
    for (const column of block) {
      const diagonal = gram[column * p + column];
      const m = keptColumns.length;
      const row = new Float64Array(m + 1);
      let norm = 0;
      for (let i = 0; i < m; i++) {
        let s = gram[keptColumns[i] * p + column];
        const li = rows[i];
        for (let k = 0; k < i; k++) s -= li[k] * row[k];
        row[i] = s / li[i];
        norm += row[i] * row[i];
      }
      const residual = diagonal - norm;
      if (!(diagonal > 0) || !(residual > tolerance * diagonal)) {
        independent = false;
        break;
      }
      row[m] = Math.sqrt(residual);
      rows.push(row);
      keptColumns.push(column);
    }
    if (independent) {
      kept.push(blockIndex);
    } else {
      keptColumns.length = mark;
      rows.length = mark;
      dropped.push(blockIndex);
    }
  });
  return { kept, dropped };
}
