/**
 * The standard normal tail and quantile the models need for Wald z tests and intervals.
 * Tails are computed directly from erfc (never 1 - cdf), so p-values keep their relative
 * accuracy far into the tail (down to about 1e-300). Kept local to the models so the layer has
 * no dependency on the statistics engine; it may later be swapped for `shared/stats`.
 */
import erfc from '@stdlib/math-base-special-erfc';

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);

/**
 * Upper tail of the standard normal, P(Z > z) = erfc(z / sqrt 2) / 2.
 *
 * @param z - The point.
 * @returns The survival function at `z`.
 * @see scipy.stats.norm.sf
 * @example normalSurvival(1.959963984540054); // 0.025
 */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z * SQRT_HALF);
}

/**
 * Two-sided Wald z p-value, 2 P(Z > |z|) = erfc(|z| / sqrt 2), as statsmodels reports for
 * `Logit` and for OLS with a robust (HC) covariance.
 *
 * @param z - The z statistic (estimate over standard error).
 * @returns The two-sided p-value, or NaN when `z` is NaN.
 * @see statsmodels `LikelihoodModelResults.pvalues` with `use_t=False`
 * @example normalTwoSidedPValue(1.959963984540054); // 0.05
 */
export function normalTwoSidedPValue(z: number): number {
  return erfc(Math.abs(z) * SQRT_HALF);
}

/**
 * Upper quantile of the standard normal: the z with P(Z > z) = p, i.e. norm.isf(p). Starts from
 * the Abramowitz & Stegun 26.2.23 approximation and refines it by Newton steps on the exact tail
 * until it is correct to machine precision.
 *
 * @param p - Upper tail probability in (0, 1).
 * @returns The quantile; NaN when `p` is outside (0, 1).
 * @see scipy.stats.norm.isf; Abramowitz & Stegun (1964) 26.2.23
 * @example normalUpperQuantile(0.025); // 1.959963984540054
 */
export function normalUpperQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return Number.NaN;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalUpperQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let z =
    t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  for (let iteration = 0; iteration < 8; iteration++) {
    const density = Math.exp(-0.5 * z * z) / SQRT_TWO_PI;
    // Newton on log sf for a well-scaled step even far in the tail.
    const step = (Math.log(normalSurvival(z)) - Math.log(p)) * (normalSurvival(z) / density);
    z += step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
