/**
 * Student's t distribution with v degrees of freedom (v > 0, not necessarily an integer, as the
 * Welch-Satterthwaite df is not): CDF, survival function, two-sided p-value and quantiles.
 *
 * Tails come from the incomplete beta function without cancellation:
 * P(|T| > t) = I_{v/(v+t^2)}(v/2, 1/2) = 1 - I_{t^2/(v+t^2)}(1/2, v/2). While t^2 <= v the second
 * form is used (forming v/(v+t^2) near 1 would cost about v/2 ulp), as 1 minus the lower
 * incomplete beta while that is >= 1/2 and as the directly computed upper tail below; when
 * t^2 > v the first form; and when v/(v+t^2) falls below 1e-280 (or t^2 overflows) the leading
 * term of its series, x^(v/2) / ((v/2) B(v/2, 1/2)), in log space. Checked against mpmath to
 * 1e-12 relative from p = 1 down to 1e-300 (test/shared/stats/distribution-tails.test.ts).
 */
import tQuantileStdlib from '@stdlib/stats-base-dists-t-quantile';
import { normalQuantile, normalSf } from './normal-distribution.ts';
import { logBeta, regularizedBeta } from './special-functions.ts';

const TINY_X = 1e-280;

/**
 * Two-sided tail probability P(|T| > |t|) of Student's t with v degrees of freedom.
 * Source: Abramowitz & Stegun 26.7.1 with 26.5.27; scipy.stats.t.sf(|t|, v) * 2.
 * @param t - the statistic
 * @param v - degrees of freedom, > 0 (Infinity gives the normal limit)
 * @returns the two-sided p-value, NaN when v is not positive or t is NaN
 * @example studentTTwoSidedPValue(2.228138851986274, 10) // 0.050000000000000065
 */
export function studentTTwoSidedPValue(t: number, v: number): number {
  if (!(v > 0) || Number.isNaN(t)) return NaN;
  const abs = Math.abs(t);
  if (abs === 0) return 1;
  if (abs === Infinity) return 0;
  if (v === Infinity) return 2 * normalSf(abs);
  const t2 = abs * abs;
  if (t2 <= v) {
    // 1 - I_y(1/2, v/2): by subtraction while that is >= 1/2 (the upper-tail routine loses
    // ~eps / sqrt(y) there as it forms 1 - y itself), directly otherwise.
    const y = t2 / (v + t2);
    const lower = regularizedBeta(y, 0.5, v / 2, false);
    return lower <= 0.5 ? 1 - lower : regularizedBeta(y, 0.5, v / 2, true);
  }
  const x = v / (v + t2);
  if (x > TINY_X) return regularizedBeta(x, v / 2, 0.5, false);
  const logX = Math.log(v) - 2 * Math.log(abs) - Math.log1p(v / t2);
  return Math.exp((v / 2) * logX - Math.log(v / 2) - logBeta(v / 2, 0.5));
}

/**
 * Student's t survival function P(T > t), upper tail computed directly.
 * Source: Abramowitz & Stegun 26.7.1; scipy.stats.t.sf.
 * @param t - the point
 * @param v - degrees of freedom, > 0
 * @returns P(T > t)
 * @example studentTSf(50, 10) // 1.2371551646513408e-13
 */
export function studentTSf(t: number, v: number): number {
  const twoSided = studentTTwoSidedPValue(t, v);
  if (Number.isNaN(twoSided)) return NaN;
  return t >= 0 ? twoSided / 2 : 1 - twoSided / 2;
}

/**
 * Student's t CDF P(T <= t), the lower tail computed directly by symmetry: F(t) = sf(-t).
 * Source: Abramowitz & Stegun 26.7.1; scipy.stats.t.cdf.
 * @param t - the point
 * @param v - degrees of freedom, > 0
 * @returns P(T <= t)
 * @example studentTCdf(0, 5) // 0.5
 */
export function studentTCdf(t: number, v: number): number {
  return studentTSf(-t, v);
}

/**
 * Student's t quantile: t with P(T <= t) = p.
 * Source: Boost.Math `students_t` quantile via the inverse incomplete beta
 * (`@stdlib/stats-base-dists-t-quantile`); scipy.stats.t.ppf.
 * @param p - the probability, in [0, 1]
 * @param v - degrees of freedom, > 0 (Infinity gives the normal quantile)
 * @returns the quantile, NaN outside the domain
 * @example studentTQuantile(0.975, 10) // 2.2281388519862744
 */
export function studentTQuantile(p: number, v: number): number {
  if (v === Infinity) return normalQuantile(p);
  return tQuantileStdlib(p, v);
}

/**
 * Two-sided critical value t(1 - alpha/2, v), computed as -t(alpha/2, v) from the lower tail so
 * that no precision is lost forming 1 - alpha/2.
 * Source: scipy.stats.t.isf(alpha / 2, v).
 * @param alpha - the significance level, in (0, 1)
 * @param v - degrees of freedom, > 0
 * @returns t with P(|T| > t) = alpha, or null when alpha or v is invalid
 * @example studentTCriticalValue(0.05, 10) // 2.2281388519862744
 */
export function studentTCriticalValue(alpha: number, v: number): number | null {
  if (!(alpha > 0 && alpha < 1) || !(v > 0)) return null;
  const t = -studentTQuantile(alpha / 2, v);
  return Number.isFinite(t) ? t : null;
}
