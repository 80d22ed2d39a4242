/**
 * Numeric covariates (recency in days, order count, price) in the grouped models: rows are
 * grouped by their categorical pattern and their numeric values together, so a group is still a
 * set of rows sharing one design row, and each numeric covariate enters the design as one column
 * of its value (not one-hot).
 */
import type { GroupedDesign } from './grouped-data.ts';
import type { PatternTable } from './pattern-table.ts';

/** A numeric covariate: its name (the design column's term) and one value per row. */
export interface NumericCovariate {
  readonly name: string;
  readonly values: Float64Array;
}

/** Patterns refined by numeric values, with each group's numeric values. */
export interface CovariatePatterns {
  /** A pattern table over the groups: `levelOf` gives each group's categorical levels. */
  readonly patterns: PatternTable;
  /** `numericOf[c][g]`: value of numeric covariate `c` in group `g`. */
  readonly numericOf: readonly Float64Array[];
}

/**
 * Groups rows by (categorical pattern, numeric values). Groups are ordered by pattern, then by
 * each numeric value ascending, so their order depends on the rows' values only, never on the
 * row order.
 *
 * @param base - The categorical pattern table of the rows.
 * @param numeric - Numeric covariates, one value per row each (finite).
 * @returns The refined patterns and the groups' numeric values.
 * @throws RangeError when a numeric value is not finite or a column's length differs.
 * @example refineByNumericCovariates(patterns, [{ name: 'recency_days', values }]).patterns.size;
 */
export function refineByNumericCovariates(
  base: PatternTable,
  numeric: readonly NumericCovariate[],
): CovariatePatterns {
  const rows = base.patternOfRow.length;
  for (const covariate of numeric) {
    if (covariate.values.length !== rows) {
      throw new RangeError(`numeric covariate "${covariate.name}" must have one value per row`);
    }
    if (!covariate.values.every(Number.isFinite)) {
      throw new RangeError(`numeric covariate "${covariate.name}" has a value that is not finite`);
    }
  }
  if (numeric.length === 0) return { patterns: base, numericOf: [] };
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const pattern = base.patternOfRow;
  order.sort((a, b) => {
    if (pattern[a] !== pattern[b]) return pattern[a] - pattern[b];
    for (const covariate of numeric) {
      const gap = covariate.values[a] - covariate.values[b];
      if (gap !== 0) return gap;
    }
    return a - b;
  });
  const groupOfRow = new Uint32Array(rows);
  const firstRow: number[] = [];
  for (let k = 0; k < rows; k++) {
    const row = order[k];
    const previous = k > 0 ? order[k - 1] : -1;
    const same =
      previous >= 0 &&
      pattern[previous] === pattern[row] &&
      numeric.every((covariate) => covariate.values[previous] === covariate.values[row]);
    if (!same) firstRow.push(row);
    groupOfRow[row] = firstRow.length - 1;
  }
  const size = firstRow.length;
  return {
    patterns: {
      size,
      patternOfRow: groupOfRow,
      levelOf: base.levelOf.map((levels) =>
        Uint32Array.from(firstRow, (row) => levels[pattern[row]]),
      ),
    },
    numericOf: numeric.map((covariate) =>
      Float64Array.from(firstRow, (row) => covariate.values[row]),
    ),
  };
}

/**
 * Appends numeric columns to a grouped design, after its existing columns and in the given order.
 *
 * @param design - The categorical design (one row per group).
 * @param names - Term names of the numeric columns.
 * @param valuesOf - Per numeric column, its value in each group.
 * @returns The wider design.
 * @example appendNumericColumns(design, ['recency_days'], refined.numericOf).terms.at(-1); // 'recency_days'
 */
export function appendNumericColumns(
  design: GroupedDesign,
  names: readonly string[],
  valuesOf: readonly Float64Array[],
): GroupedDesign {
  const p = design.columns + names.length;
  const x = new Float64Array(design.rows * p);
  for (let g = 0; g < design.rows; g++) {
    for (let j = 0; j < design.columns; j++) x[g * p + j] = design.x[g * design.columns + j];
    for (let c = 0; c < names.length; c++) x[g * p + design.columns + c] = valuesOf[c][g];
  }
  return { terms: [...design.terms, ...names], rows: design.rows, columns: p, x };
}
