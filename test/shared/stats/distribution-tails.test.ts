/**
 * Distribution functions against high-precision values, deep into the tails. Unless noted, the
 * expected values were computed with mpmath 1.3.0 at 60 significant digits (mp.erfc,
 * mp.betainc, mp.gammainc with regularized=True, quantiles by root-finding on them), written
 * as the nearest double; mpmath's error at that precision is far below the 1e-12 tested here.
 */
import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSf,
  hypergeometricPmf,
  logBeta,
  logGamma,
  normalCdf,
  normalCriticalValue,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGamma,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  studentTTwoSidedPValue,
} from '../../../shared/stats/index.ts';

/** Distribution functions: 1e-12 relative wherever the value is a normal double. */
const TOLERANCE = 1e-12;

function expectRelative(actual: number, expected: number, tolerance = TOLERANCE): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('normal distribution', () => {
  it.each([
    [1, 0.15865525393145705],
    [5, 2.866515718791939e-7],
    [10, 7.619853024160525e-24],
    [20, 2.7536241186062337e-89],
    [30, 4.906713927148187e-198],
    [37, 5.725571222524577e-300],
    [-3, 0.9986501019683699],
  ])('sf(%d)', (z, expected) => expectRelative(normalSf(z), expected));

  it('cdf mirrors sf in the lower tail', () => {
    expectRelative(normalCdf(-37), 5.725571222524577e-300);
  });

  it('underflows to exactly 0 where the true value (3.66e-350 at z = 40) is not a double', () => {
    expect(normalSf(40)).toBe(0);
    expect(normalCdf(-40)).toBe(0);
  });

  it.each([
    [0.975, 1.9599639845400538],
    [1e-10, -6.361340902404057],
  ])('quantile(%d)', (p, expected) => expectRelative(normalQuantile(p), expected));

  it('quantile(1e-300) (root of the mpmath cdf)', () => {
    expectRelative(normalQuantile(1e-300), -37.0470962993612);
  });

  it('critical value z(0.975) computed from alpha', () => {
    expectRelative(normalCriticalValue(0.05) ?? NaN, 1.9599639845400543);
    expect(normalCriticalValue(0)).toBeNull();
  });
});

describe("Student's t distribution", () => {
  it.each([
    [50, 10, 2.47431032930268e-13],
    [1e5, 10, 2.460937488720703e-46],
    [300, 3, 8.167508785978677e-8],
    [40, 2864.969899329573, 2.2817056936239728e-278],
    [0.01, 10, 0.9922179749909714],
    [5, 1e7, 5.733128075008539e-7],
    [20, 1e6, 5.733087047390372e-89], // mpmath hyp2f1 series for I_x(v/2, 1/2), 40 digits
    [20, 1e7, 5.529431206957701e-89],
    [2, 2.5, 0.157391495757966],
    [1e100, 3, 2.2053155816871682e-300],
    [1e155, 1, 6.366197723675813e-156],
    [1e200, 1, 6.3661977236758134e-201],
  ])('two-sided P(|T| > %d) with %d df', (t, v, expected) => {
    expectRelative(studentTTwoSidedPValue(t, v), expected);
    expectRelative(studentTTwoSidedPValue(-t, v), expected);
  });

  it('sf and cdf are the halves of the two-sided tail', () => {
    expectRelative(studentTSf(50, 10), 2.47431032930268e-13 / 2);
    expectRelative(studentTCdf(-50, 10), 2.47431032930268e-13 / 2);
    expectRelative(studentTSf(-50, 10), 1 - 2.47431032930268e-13 / 2);
  });

  it.each([
    [0.975, 2864.969899329573, 1.9607923550991884],
    [0.95, 1, 6.313751514675038],
    [0.999, 3.5, 8.315567604516115],
    [1e-10, 5, -156.82559270889433],
    [1e-12, 40, -9.987885004868849],
  ])('quantile(%d) with %d df', (p, v, expected) =>
    expectRelative(studentTQuantile(p, v), expected),
  );

  it('tends to the normal as df grows', () => {
    expect(studentTTwoSidedPValue(3, Infinity)).toBe(2 * normalSf(3));
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
  });
});

describe('chi-square distribution', () => {
  it.each([
    [1300, 1, 1.1303728441492743e-284],
    [1200, 3, 7.331671591550678e-260],
    [1400, 10, 9.920391479800145e-295],
    [73.77249211356467, 1, 8.765971994222809e-18],
    [92.94677008997829, 3, 5.0994327624402084e-20],
    [3.841458820694124, 1, 0.05000000000000006],
    [0.001, 1, 0.9747728793699604],
  ])('sf(%d) with %d df', (x, k, expected) => expectRelative(chiSquareSf(x, k), expected));

  it('underflows to exactly 0 where the true value (3.9e-328 at 1500, 1 df) is not a double', () => {
    expect(chiSquareSf(1500, 1)).toBe(0);
  });

  it('cdf and sf at the ends', () => {
    expect([chiSquareCdf(0, 1), chiSquareSf(0, 1), chiSquareSf(Infinity, 2)]).toEqual([0, 1, 0]);
    expectRelative(chiSquareCdf(0.001, 1), 1 - 0.9747728793699604);
  });

  it.each([
    [0.95, 1, 3.8414588206941245],
    [0.999, 3, 16.26623619623813],
  ])('quantile(%d) with %d df', (p, k, expected) =>
    expectRelative(chiSquareQuantile(p, k), expected),
  );
});

describe('special functions', () => {
  it('regularized incomplete beta, lower and upper', () => {
    expectRelative(regularizedBeta(0.3, 2.5, 7.25), 0.6604822735819073);
    expectRelative(regularizedBeta(0.999, 200, 0.5, true), 0.47275589297476484);
  });

  it('regularized incomplete gamma, lower and upper', () => {
    expectRelative(regularizedGamma(2.5, 3), 0.45618688411667047);
    expectRelative(regularizedGamma(500, 30, true), 1.5930996276176763e-170);
  });

  it('log-gamma and log-beta', () => {
    expectRelative(logGamma(1e6), 12815504.569147611);
    expectRelative(logGamma(0.001), 6.907178885383853);
    expectRelative(logBeta(30001, 220000), -91737.53970000174);
  });
});

describe('hypergeometric distribution', () => {
  // Exact rationals C(K, x) C(N - K, n - x) / C(N, n) (Python fractions), rounded to 17 digits.
  it.each([
    [3, 42, 10, 20, 0.1321289126167175],
    [5, 20000, 8, 10000, 0.21877187609298385],
    [500, 4000, 1000, 2000, 0.029126735257900122],
  ])('pmf(%d; N=%d, K=%d, n=%d)', (x, N, K, n, expected) => {
    expectRelative(hypergeometricPmf(x, N, K, n), expected);
  });

  it('is 0 outside the support and NaN for invalid parameters', () => {
    expect(hypergeometricPmf(11, 42, 10, 20)).toBe(0);
    expect(hypergeometricPmf(1, 4, 5, 2)).toBeNaN();
  });
});
