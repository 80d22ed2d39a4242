/**
 * The Beta(a, b) distribution as a posterior for a conversion rate: moments, density, CDF and
 * survival function (both tails computed directly).
 */
import { regularizedBeta, regularizedBetaWithDensity } from './special-functions.ts';

/** Shape parameters of a Beta(a, b) distribution, a > 0 and b > 0. */
export interface BetaShape {
  readonly a: number;
  readonly b: number;
}

/**
 * Mean of Beta(a, b): a / (a + b).
 * Source: Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 2, ch. 25.
 * @param shape - the shape parameters
 * @returns the mean
 * @example betaMean({ a: 1, b: 3 }) // 0.25
 */
export function betaMean(shape: BetaShape): number {
  return shape.a / (shape.a + shape.b);
}

/**
 * Standard deviation of Beta(a, b): sqrt(ab / ((a + b)^2 (a + b + 1))).
 * Source: Johnson, Kotz & Balakrishnan, ch. 25.
 * @param shape - the shape parameters
 * @returns the standard deviation
 * @example betaSd({ a: 1, b: 1 }) // 0.28867513459481287 (1/sqrt 12)
 */
export function betaSd(shape: BetaShape): number {
  const { a, b } = shape;
  const s = a + b;
  return Math.sqrt(((a / s) * (b / s)) / (s + 1));
}

/**
 * Beta(a, b) CDF I_x(a, b).
 * Source: scipy.stats.beta.cdf; Boost.Math `ibeta`.
 * @param x - the point
 * @param shape - the shape parameters
 * @returns P(X <= x)
 * @example betaCdf(0.5, { a: 2, b: 2 }) // 0.5
 */
export function betaCdf(x: number, shape: BetaShape): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return regularizedBeta(x, shape.a, shape.b, false);
}

/**
 * Beta(a, b) survival function 1 - I_x(a, b), computed directly.
 * Source: scipy.stats.beta.sf; Boost.Math `ibetac`.
 * @param x - the point
 * @param shape - the shape parameters
 * @returns P(X > x)
 * @example betaSf(0.5, { a: 2, b: 2 }) // 0.5
 */
export function betaSf(x: number, shape: BetaShape): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  return regularizedBeta(x, shape.a, shape.b, true);
}

/**
 * Beta(a, b) density x^(a-1) (1-x)^(b-1) / B(a, b), evaluated with the incomplete beta's power
 * terms (accurate for shapes in the millions, where exp of a log-density loses digits).
 * Source: scipy.stats.beta.pdf; Boost.Math `ibeta_derivative`.
 * @param x - the point, in (0, 1)
 * @param shape - the shape parameters
 * @returns the density at x
 * @example betaPdf(0.5, { a: 2, b: 2 }) // 1.5000000000000004
 */
export function betaPdf(x: number, shape: BetaShape): number {
  if (x < 0 || x > 1) return 0;
  return regularizedBetaWithDensity(x, shape.a, shape.b, false)[1];
}
