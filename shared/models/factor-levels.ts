/**
 * Design levels of one categorical regressor: the levels present in the data, rare ones pooled
 * into `other`, the reference first and the rest in sorted order (UTF-16 code-unit order).
 */
import { MISSING_LEVEL, type CategoricalColumn } from './unit-table.ts';

/** Attribute levels with fewer units than this are pooled into {@link POOLED_LEVEL}. */
export const MIN_LEVEL_UNITS = 30;

/** Name of the pooled level of rare attribute levels. */
export const POOLED_LEVEL = 'other';

/** The design levels of a factor and how the column's codes map onto them. */
export interface FactorLevels {
  /** Factor name: `variant` or the attribute's name. */
  readonly name: string;
  /** Present design levels; index 0 is the reference, the others follow in sorted order. */
  readonly levels: readonly string[];
  /** Units per design level. */
  readonly counts: readonly number[];
  /**
   * Design level index for each code of the column, -1 for unused codes; the last slot
   * (index `column.levels.length`) stands for every code past the column's levels (missing).
   */
  readonly codeToLevel: Int32Array;
  /** Original levels that were pooled into {@link POOLED_LEVEL} (sorted). */
  readonly pooled: readonly string[];
}

/** Options of {@link factorLevels}. */
export interface FactorLevelOptions {
  /** Pool levels with fewer units than this (0: never pool). Default 0. */
  readonly minUnits?: number;
  /** Reference level when present in the data; default the first level in sorted order. */
  readonly reference?: string;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts a categorical column and derives its design levels. Levels are merged by name (so a
 * duplicated level string is one level); codes outside `levels` count as {@link MISSING_LEVEL}.
 * Rare levels (fewer than `minUnits` units) are pooled into `other` when there are at least two
 * of them, or one and a level already called `other`: pooling a single level would only rename
 * it. A level literally called `other` joins the pool.
 *
 * @param name - Factor name.
 * @param column - The column.
 * @param options - Pooling threshold and reference level.
 * @returns The design levels; `levels` is empty when no row has a value.
 * @example factorLevels('device', { levels: ['b', 'a'], codes: Uint32Array.of(0, 1, 1) }).levels; // ['a', 'b']
 */
export function factorLevels(
  name: string,
  column: CategoricalColumn,
  options: FactorLevelOptions = {},
): FactorLevels {
  const slots = column.levels.length;
  const codeCounts = new Float64Array(slots + 1);
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) codeCounts[codes[i] < slots ? codes[i] : slots]++;
  const nameOf = (code: number): string => (code < slots ? column.levels[code] : MISSING_LEVEL);
  const countByName = new Map<string, number>();
  for (let code = 0; code <= slots; code++) {
    if (codeCounts[code] > 0) {
      const level = nameOf(code);
      countByName.set(level, (countByName.get(level) ?? 0) + codeCounts[code]);
    }
  }
  const minUnits = options.minUnits ?? 0;
  const rare = [...countByName.keys()].filter((level) => countByName.get(level)! < minUnits);
  const pooled =
    rare.length >= 2 ||
    (rare.length === 1 && countByName.has(POOLED_LEVEL) && rare[0] !== POOLED_LEVEL)
      ? [...new Set([...rare, ...(countByName.has(POOLED_LEVEL) ? [POOLED_LEVEL] : [])])].sort(
          byCodeUnits,
        )
      : [];
  const pooledSet = new Set(pooled);
  const designName = (level: string): string => (pooledSet.has(level) ? POOLED_LEVEL : level);
  const designCounts = new Map<string, number>();
  for (const [level, count] of countByName) {
    const target = designName(level);
    designCounts.set(target, (designCounts.get(target) ?? 0) + count);
  }
  const sorted = [...designCounts.keys()].sort(byCodeUnits);
  const reference =
    options.reference !== undefined && designCounts.has(options.reference)
      ? options.reference
      : sorted[0];
  const levels = sorted.length === 0 ? [] : [reference, ...sorted.filter((l) => l !== reference)];
  const indexOf = new Map(levels.map((level, index) => [level, index]));
  const codeToLevel = new Int32Array(slots + 1).fill(-1);
  for (let code = 0; code <= slots; code++) {
    if (codeCounts[code] > 0) codeToLevel[code] = indexOf.get(designName(nameOf(code)))!;
  }
  return {
    name,
    levels,
    counts: levels.map((level) => designCounts.get(level)!),
    codeToLevel,
    pooled: pooled.filter((level) => level !== POOLED_LEVEL || rare.includes(level)),
  };
}
