/**
 * Addable statistics of a binomial (conversion) metric: users and successes.
 */

/** A binomial arm: `n` users of whom `successes` converted. */
export interface ProportionStats {
  readonly n: number;
  readonly successes: number;
}

/**
 * Merges two disjoint groups of users by adding their counts.
 * Source: GrowthBook gbstats `ProportionStatistic.__add__`.
 * @param left - the first group
 * @param right - the second group
 * @returns the union's counts
 * @example mergeProportions({ n: 10, successes: 2 }, { n: 5, successes: 1 }) // { n: 15, successes: 3 }
 */
export function mergeProportions(left: ProportionStats, right: ProportionStats): ProportionStats {
  return { n: left.n + right.n, successes: left.successes + right.successes };
}

/**
 * The conversion rate p = successes / n.
 * @param stats - the arm
 * @returns p, or null for an empty arm
 * @example proportion({ n: 20, successes: 3 }) // 0.15
 */
export function proportion(stats: ProportionStats): number | null {
  return stats.n > 0 ? stats.successes / stats.n : null;
}

/**
 * The per-user Bernoulli variance p(1 - p) (the population form, as DESIGN.md's `sd` and the
 * Wald and delta-method intervals use).
 * @param stats - the arm
 * @returns p(1 - p), or null for an empty arm
 * @example bernoulliVariance({ n: 4, successes: 1 }) // 0.1875
 */
export function bernoulliVariance(stats: ProportionStats): number | null {
  const p = proportion(stats);
  return p === null ? null : p * (1 - p);
}
