/**
 * Grouped (per covariate pattern) inputs of the estimators. Fitting on groups is exact: the
 * logistic likelihood of grouped binomial counts and the least-squares normal equations (and
 * the HC1 meat) of grouped means and within-group sums of squares equal their per-unit forms.
 */

/** A design matrix with one row per group (pattern), row-major. */
export interface GroupedDesign {
  /** Column names, e.g. `intercept`, `variant[treatment]`, `device[mobile]`. */
  readonly terms: readonly string[];
  /** Number of groups (rows). */
  readonly rows: number;
  /** Number of columns (`terms.length`). */
  readonly columns: number;
  /** Row-major values: `x[g * columns + j]`. */
  readonly x: Float64Array;
}

/** Binomial outcome per group: units and successes (sum of 0/1 outcomes). */
export interface BinomialGroups {
  readonly units: Float64Array;
  readonly successes: Float64Array;
}

/** Continuous outcome per group: units, mean and sum of squared deviations from the mean. */
export interface GaussianGroups {
  readonly units: Float64Array;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
}

/**
 * Wraps per-unit rows as groups of one unit each (the ungrouped form), e.g. to check that the
 * grouped fit equals the per-unit fit.
 *
 * @param x - Row-major per-unit design values.
 * @param terms - Column names.
 * @returns The design with one group per unit.
 * @example groupedDesign(Float64Array.of(1, 0, 1, 1), ['intercept', 'variant[b]']).rows; // 2
 */
export function groupedDesign(x: Float64Array, terms: readonly string[]): GroupedDesign {
  return {
    terms,
    rows: terms.length === 0 ? 0 : x.length / terms.length,
    columns: terms.length,
    x,
  };
}
