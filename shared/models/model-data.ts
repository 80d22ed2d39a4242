/**
 * What every model of a unit table shares: the canonical row order, the cross-validation hash
 * order, the design levels of the variant and of each attribute (rare levels pooled), and the
 * covariate patterns.
 */
import { factorLevels, type FactorLevels } from './factor-levels.ts';
import { buildPatternTable, type PatternTable } from './pattern-table.ts';
import { canonicalRowOrder } from './row-order.ts';
import { HOLDOUT_SEED, hashOrder } from './unit-folds.ts';
import type { UnitTable } from './unit-table.ts';

/** Prepared, model-independent structure of a unit table. */
export interface ModelData {
  readonly rows: number;
  /** Rows in canonical (unit id) order. */
  readonly order: Uint32Array;
  /** Rows in cross-validation hash order. */
  readonly hashOrder: Uint32Array;
  /** Rows in holdout hash order (seed {@link HOLDOUT_SEED}). */
  readonly holdoutOrder: Uint32Array;
  /** Design levels: index 0 is the variant (reference: the control), then the attributes. */
  readonly factors: readonly FactorLevels[];
  readonly patterns: PatternTable;
  /** `pooled_levels: ...` flags of attributes whose rare levels were pooled. */
  readonly flags: readonly string[];
}

/** Options of {@link prepareModelData}. */
export interface ModelDataOptions {
  /** The control variant (the variant's reference level). */
  readonly control: string;
  /** Pool attribute levels with fewer units than this (0: no pooling). */
  readonly minLevelUnits: number;
  /** Reference level per attribute name; default the first level in sorted order. */
  readonly references?: Readonly<Record<string, string>>;
}

/**
 * Orders, pools and groups a unit table for modelling.
 *
 * @param table - The unit table.
 * @param options - Control variant, pooling threshold, reference levels.
 * @returns The prepared data.
 * @example prepareModelData(table, { control: 'control', minLevelUnits: 30 }).patterns.size;
 */
export function prepareModelData(table: UnitTable, options: ModelDataOptions): ModelData {
  const rows = table.unitIds.length;
  const order = canonicalRowOrder(table.unitIds);
  const variant = factorLevels('variant', table.variant, { reference: options.control });
  const attributes = table.attributes.map((attribute) =>
    factorLevels(attribute.name, attribute.column, {
      minUnits: options.minLevelUnits,
      reference: options.references?.[attribute.name],
    }),
  );
  const factors = [variant, ...attributes];
  const columns = [table.variant, ...table.attributes.map((attribute) => attribute.column)];
  const patterns = buildPatternTable(
    factors.map((levels, f) => ({ levels, column: columns[f] })),
    rows,
  );
  const flags = attributes
    .filter((factor) => factor.pooled.length > 0)
    .map(
      (factor) =>
        `pooled_levels: ${factor.name} (${factor.pooled.length} levels with fewer than ${options.minLevelUnits} units into other)`,
    );
  return {
    rows,
    order,
    hashOrder: hashOrder(table.unitIds, order),
    holdoutOrder: hashOrder(table.unitIds, order, HOLDOUT_SEED),
    factors,
    patterns,
    flags,
  };
}

/**
 * The rows of a table for which `keep` holds, in their original order.
 *
 * @param table - The unit table.
 * @param keep - One flag per row.
 * @returns A table with the kept rows only (levels unchanged).
 * @example subsetRows(table, Uint8Array.of(1, 0, 1)).unitIds.length; // 2
 */
export function subsetRows(table: UnitTable, keep: Uint8Array): UnitTable {
  const indices: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) indices.push(i);
  const pickCodes = (codes: Uint32Array): Uint32Array => Uint32Array.from(indices, (i) => codes[i]);
  return {
    unitIds: indices.map((i) => table.unitIds[i]),
    variant: { levels: table.variant.levels, codes: pickCodes(table.variant.codes) },
    attributes: table.attributes.map((attribute) => ({
      name: attribute.name,
      column: { levels: attribute.column.levels, codes: pickCodes(attribute.column.codes) },
    })),
    metrics: table.metrics.map((metric) => ({
      name: metric.name,
      type: metric.type,
      values: Float64Array.from(indices, (i) => metric.values[i]),
    })),
    numeric: (table.numeric ?? []).map((column) => ({
      name: column.name,
      values: Float64Array.from(indices, (i) => column.values[i]),
    })),
  };
}
