/**
 * Covariate patterns: the distinct combinations of design levels (variant x attribute levels)
 * present in a unit table. Every regressor is categorical, so the models work on one row per
 * pattern with per-pattern sufficient statistics instead of one row per unit.
 */
import type { FactorLevels } from './factor-levels.ts';
import type { CategoricalColumn } from './unit-table.ts';

/** A factor's design levels together with the column they were derived from. */
export interface PatternFactor {
  readonly levels: FactorLevels;
  readonly column: CategoricalColumn;
}

/** The patterns of a table, in lexicographic order of their design level indices. */
export interface PatternTable {
  /** Number of patterns. */
  readonly size: number;
  /** Pattern index of each row. */
  readonly patternOfRow: Uint32Array;
  /** `levelOf[f][g]`: design level index of factor `f` in pattern `g`. */
  readonly levelOf: readonly Uint32Array[];
}

const MAX_EXACT_KEY = 2 ** 53;

function designLevelOfRow(factor: PatternFactor): (row: number) => number {
  const slots = factor.column.levels.length;
  const codes = factor.column.codes;
  const map = factor.levels.codeToLevel;
  return (row) => map[codes[row] < slots ? codes[row] : slots];
}

/** Replaces keys by their rank among the distinct keys; returns the number of distinct keys. */
function densify(keys: Float64Array, space: number): number {
  const n = keys.length;
  if (space <= Math.max(4 * n, 1 << 22)) {
    const slot = new Int32Array(space).fill(-1);
    for (let i = 0; i < n; i++) slot[keys[i]] = 0;
    let distinct = 0;
    for (let k = 0; k < space; k++) if (slot[k] === 0) slot[k] = distinct++;
    for (let i = 0; i < n; i++) keys[i] = slot[keys[i]];
    return distinct;
  }
  const sorted = Float64Array.from(keys).sort();
  let distinct = 0;
  for (let k = 0; k < n; k++)
    if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[distinct++] = sorted[k];
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < keys[i]) lo = mid + 1;
      else hi = mid;
    }
    keys[i] = lo;
  }
  return distinct;
}

/**
 * Groups rows by covariate pattern in linear passes over the typed columns: a mixed-radix key
 * per row (re-ranked whenever it would leave the exactly representable integers), then ranked.
 * Pattern order depends only on the design levels, never on the row order.
 *
 * @param factors - The factors in design order (variant first); all columns have `rows` codes.
 * @param rows - Number of rows.
 * @returns The pattern table.
 * @example buildPatternTable([variantFactor, deviceFactor], table.unitIds.length).size;
 */
export function buildPatternTable(factors: readonly PatternFactor[], rows: number): PatternTable {
  const keys = new Float64Array(rows);
  let space = 1;
  for (const factor of factors) {
    const radix = Math.max(1, factor.levels.levels.length);
    if (space * radix >= MAX_EXACT_KEY) space = densify(keys, space);
    const level = designLevelOfRow(factor);
    for (let i = 0; i < rows; i++) keys[i] = keys[i] * radix + level(i);
    space *= radix;
  }
  const size = rows === 0 ? 0 : densify(keys, space);
  const patternOfRow = Uint32Array.from(keys);
  const levelOf = factors.map((factor) => {
    const level = designLevelOfRow(factor);
    const out = new Uint32Array(size);
    for (let i = 0; i < rows; i++) out[patternOfRow[i]] = level(i);
    return out;
  });
  return { size, patternOfRow, levelOf };
}
