/**
 * The design a model is fitted on: intercept, variant indicators, and the attributes that carry
 * information of their own. An attribute with one level is dropped as constant; an attribute any
 * of whose dummies is a linear combination of the columns before it (intercept, variant, earlier
 * attributes) is dropped whole, as nested when each of its levels falls within one level of an
 * earlier factor (city within country), else as collinear.
 */
import { selectIndependentBlocks } from './column-selection.ts';
import { buildFactorDesign } from './design-matrix.ts';
import type { GroupedDesign } from './grouped-data.ts';
import { weightedCrossProduct } from './linear-algebra.ts';
import type { ModelData } from './model-data.ts';

/** A model's design and what was left out of it. */
export interface ModelDesign {
  readonly design: GroupedDesign;
  /** Columns of the variant indicators, in design order. */
  readonly variantColumns: readonly number[];
  /** Treatment (non-control variant) of each variant column. */
  readonly treatments: readonly string[];
  /** Features (variant, then kept attributes) with their columns, in design order. */
  readonly features: readonly { readonly name: string; readonly columns: readonly number[] }[];
  /** `dropped_constant: a`, `dropped_nested: a (in b)`, `dropped_collinear: a`. */
  readonly flags: readonly string[];
}

/** Whether every level of factor `inner` occurs with a single level of factor `outer`. */
function isNested(data: ModelData, units: Float64Array, inner: number, outer: number): boolean {
  const outerOf = new Map<number, number>();
  for (let g = 0; g < data.patterns.size; g++) {
    if (!(units[g] > 0)) continue;
    const level = data.patterns.levelOf[inner][g];
    const seen = outerOf.get(level);
    const current = data.patterns.levelOf[outer][g];
    if (seen === undefined) outerOf.set(level, current);
    else if (seen !== current) return false;
  }
  return true;
}

/**
 * Selects the model's design on the analysed units' X'X (pattern counts as weights).
 *
 * @param data - Prepared model data.
 * @param units - Analysed units per pattern.
 * @returns The design, its variant columns and features, and drop flags.
 * @example selectModelDesign(data, groups.units).design.terms;
 */
export function selectModelDesign(data: ModelData, units: Float64Array): ModelDesign {
  const flags: string[] = [];
  const factors = data.factors;
  const included = factors.map((factor, f) => f === 0 || factor.levels.length >= 2);
  factors.forEach((factor, f) => {
    if (!included[f]) flags.push(`dropped_constant: ${factor.name}`);
  });
  const full = buildFactorDesign(data.patterns, factors, included);
  const blockFactors = [-1, ...factors.map((_, f) => f).filter((f) => included[f])];
  const blocks = blockFactors.map((f) =>
    full.factorOfColumn.flatMap((owner, column) => (owner === f ? [column] : [])),
  );
  const gram = weightedCrossProduct(full.design, units);
  const { dropped } = selectIndependentBlocks(gram, full.design.columns, blocks);
  for (const block of dropped) {
    const f = blockFactors[block];
    if (f < 0) continue;
    included[f] = false;
    const parent = blockFactors.find(
      (g) => g >= 0 && g < f && included[g] && isNested(data, units, f, g),
    );
    flags.push(
      parent === undefined
        ? `dropped_collinear: ${factors[f].name}`
        : `dropped_nested: ${factors[f].name} (in ${factors[parent].name})`,
    );
  }
  const { design, factorOfColumn } = buildFactorDesign(data.patterns, factors, included);
  const columnsOf = (f: number): number[] =>
    factorOfColumn.flatMap((owner, column) => (owner === f ? [column] : []));
  const variantColumns = columnsOf(0);
  return {
    design,
    variantColumns,
    treatments: factors[0].levels.slice(1),
    features: factors.flatMap((factor, f) =>
      included[f] && columnsOf(f).length > 0 ? [{ name: factor.name, columns: columnsOf(f) }] : [],
    ),
    flags,
  };
}
