/**
 * The hypergeometric distribution: the number of successes x in n draws without replacement
 * from a population of N items of which K are successes. It is the null distribution of the
 * top-left cell of a 2x2 table with fixed margins (Fisher's exact test).
 */
/** The support [low, high] of a hypergeometric distribution and the log-weights over it. */
export interface HypergeometricLogWeights {
  readonly low: number;
  readonly high: number;
  /** ln(pmf(low + i) / pmf(mode)), so the largest entry is 0. */
  readonly logWeights: Float64Array;
}

/**
 * Log-probabilities of every point of the support relative to the mode, built by the exact
 * ratio recurrence pmf(x + 1) / pmf(x) = (K - x)(n - x) / ((x + 1)(N - K - n + x + 1)) outwards
 * from the mode. Relative weights need no log-gamma of large arguments, so ratios of sums of
 * them (Fisher's p-value) stay accurate for populations in the millions and never underflow.
 * Source: Johnson, Kemp & Kotz, ch. 6, eq. 6.3 (the pmf ratio).
 * @param N - population size
 * @param K - successes in the population
 * @param n - number of draws
 * @returns the support and its log-weights
 * @example hypergeometricLogWeights(4, 2, 2).logWeights // [ln 1/4, 0, ln 1/4]
 */
export function hypergeometricLogWeights(
  N: number,
  K: number,
  n: number,
): HypergeometricLogWeights {
  const low = Math.max(0, n - (N - K));
  const high = Math.min(K, n);
  const logWeights = new Float64Array(high - low + 1);
  const mode = Math.min(high, Math.max(low, Math.floor(((n + 1) * (K + 1)) / (N + 2))));
  const logRatioUp = (x: number): number =>
    Math.log(K - x) + Math.log(n - x) - Math.log(x + 1) - Math.log(N - K - n + x + 1);
  for (let x = mode + 1; x <= high; x++) {
    logWeights[x - low] = logWeights[x - 1 - low] + logRatioUp(x - 1);
  }
  for (let x = mode - 1; x >= low; x--) {
    logWeights[x - low] = logWeights[x + 1 - low] - logRatioUp(x);
  }
  return { low, high, logWeights };
}

/**
 * Hypergeometric probability mass C(K, x) C(N - K, n - x) / C(N, n), as the weight of x over the
 * sum of all weights of the support (see {@link hypergeometricLogWeights}): ~1e-14 relative even
 * for populations in the millions, where differences of log-factorials (as in
 * `@stdlib/stats-base-dists-hypergeometric-pmf`, 6e-11 off at N = 20000) cancel. O(support).
 * Source: Johnson, Kemp & Kotz, Univariate Discrete Distributions, ch. 6;
 * scipy.stats.hypergeom.pmf(x, N, K, n).
 * @param x - number of successes drawn
 * @param N - population size
 * @param K - successes in the population
 * @param n - number of draws
 * @returns P(X = x), 0 outside the support, NaN for invalid parameters
 * @example hypergeometricPmf(1, 4, 2, 2) // 0.6666666666666666
 */
export function hypergeometricPmf(x: number, N: number, K: number, n: number): number {
  const valid = [N, K, n].every(Number.isSafeInteger) && K >= 0 && n >= 0 && K <= N && n <= N;
  if (!valid || Number.isNaN(x)) return NaN;
  const { low, high, logWeights } = hypergeometricLogWeights(N, K, n);
  if (!Number.isInteger(x) || x < low || x > high) return 0;
  let total = 0;
  for (const w of logWeights) total += Math.exp(w);
  return Math.exp(logWeights[x - low]) / total;
}
