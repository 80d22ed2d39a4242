/**
 * The per-unit table the models are trained on: one row per analysed user (or store, week...),
 * columnar and typed so that millions of units fit in memory without row objects. The analysis
 * stage builds it (from events or from a unit-level file) sorted by unit id.
 */

/**
 * The level a missing attribute value is stored as. It is an ordinary level for the models: it
 * gets its own dummy (or is the reference when it sorts first) and is pooled into `other` like
 * any other rare level.
 */
export const MISSING_LEVEL = '(missing)';

/**
 * A categorical column: `codes[i]` indexes `levels` for row `i`. Levels may come in any order and
 * may include levels no row uses; the models sort and count them themselves.
 */
export interface CategoricalColumn {
  readonly levels: readonly string[];
  readonly codes: Uint32Array;
}

/** A user attribute (device, channel, geo, ...) usable as a model feature. */
export interface UnitAttribute {
  readonly name: string;
  readonly column: CategoricalColumn;
}

/**
 * One outcome per unit. Binomial values are 0 or 1; continuous values are finite numbers. A unit
 * whose value is not valid for the metric's type (NaN, or not 0/1 for a binomial metric) is left
 * out of that metric's model and counted in its flags.
 */
export interface UnitMetric {
  readonly name: string;
  readonly type: 'binomial' | 'continuous';
  readonly values: Float64Array;
}

/** A numeric attribute (price, recency in days): one value per unit, NaN where missing. */
export interface UnitNumeric {
  readonly name: string;
  readonly values: Float64Array;
}

/**
 * The per-unit table: row `i` of every column belongs to `unitIds[i]`. Unit ids are unique.
 * Rows normally arrive sorted by unit id (code-unit order); the models accept any order and
 * give bit-identical results for every order of the same rows.
 */
export interface UnitTable {
  readonly unitIds: readonly string[];
  readonly variant: CategoricalColumn;
  readonly attributes: readonly UnitAttribute[];
  readonly metrics: readonly UnitMetric[];
  /** Numeric attributes, entering the models as numbers when named (default none). */
  readonly numeric?: readonly UnitNumeric[];
}
