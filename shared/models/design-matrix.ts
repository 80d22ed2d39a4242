/**
 * Treatment (dummy) coding of the categorical regressors over covariate patterns: an intercept,
 * one indicator per non-reference variant, then one indicator per non-reference level of each
 * attribute, in the attributes' given order with levels sorted. Terms read `variant[b]`,
 * `device[mobile]`.
 */
import type { FactorLevels } from './factor-levels.ts';
import type { GroupedDesign } from './grouped-data.ts';
import type { PatternTable } from './pattern-table.ts';

/** A design together with the feature (factor) each column belongs to. */
export interface FactorDesign {
  readonly design: GroupedDesign;
  /** Index into the factors of each column; -1 for the intercept. */
  readonly factorOfColumn: readonly number[];
}

/** Term name of a factor level, e.g. `device[mobile]`. */
export const termName = (factor: string, level: string): string => `${factor}[${level}]`;

/**
 * Builds the pattern-level design for the included factors.
 *
 * @param patterns - The pattern table (factor order as in `factors`).
 * @param factors - Design levels of each factor (index 0: the reference).
 * @param included - Whether each factor enters the design.
 * @returns The design and each column's factor.
 * @example buildFactorDesign(patterns, factors, [true, true, false]).design.terms;
 */
export function buildFactorDesign(
  patterns: PatternTable,
  factors: readonly FactorLevels[],
  included: readonly boolean[],
): FactorDesign {
  const terms = ['intercept'];
  const factorOfColumn = [-1];
  const firstColumn: number[] = [];
  factors.forEach((factor, f) => {
    firstColumn.push(terms.length - 1);
    if (!included[f]) return;
    for (let level = 1; level < factor.levels.length; level++) {
      terms.push(termName(factor.name, factor.levels[level]));
      factorOfColumn.push(f);
    }
  });
  const p = terms.length;
  const x = new Float64Array(patterns.size * p);
  for (let g = 0; g < patterns.size; g++) {
    x[g * p] = 1;
    factors.forEach((_, f) => {
      const level = patterns.levelOf[f][g];
      if (included[f] && level > 0) x[g * p + firstColumn[f] + level] = 1;
    });
  }
  return { design: { terms, rows: patterns.size, columns: p, x }, factorOfColumn };
}

/**
 * The design restricted to some columns, in the given order.
 *
 * @param design - The full design.
 * @param columns - Column indices to keep.
 * @returns The narrower design.
 * @example selectColumns(design, [0, 1, 3]).terms;
 */
export function selectColumns(design: GroupedDesign, columns: readonly number[]): GroupedDesign {
  const p = columns.length;
  const x = new Float64Array(design.rows * p);
  for (let g = 0; g < design.rows; g++) {
    for (let j = 0; j < p; j++) x[g * p + j] = design.x[g * design.columns + columns[j]];
  }
  return { terms: columns.map((j) => design.terms[j]), rows: design.rows, columns: p, x };
}
