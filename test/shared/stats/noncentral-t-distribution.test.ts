/**
 * The noncentral t distribution against SciPy 1.17.1 `stats.nct` (Boost.Math's non_central_t),
 * each value also checked against mpmath 1.3 quadrature of E[Phi(t sqrt(W / v) - delta)] at 40
 * digits; and its identities.
 */
import { describe, expect, it } from 'vitest';
import {
  noncentralTCdf,
  noncentralTSf,
  studentTCdf,
  studentTSf,
} from '../../../shared/stats/index.ts';

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

// [t, v, delta, cdf, sf] from scipy.stats.nct.cdf / .sf (1.17.1).
const scipy: readonly [number, number, number, number, number][] = [
  [2, 10, 1, 0.8076115625303752, 0.19238843746962478],
  [1.96, 5.5, 3.43, 0.08962996409212497, 0.910370035907875],
  [2.5, 100, 0.5, 0.9752099997843142, 0.024790000215685806],
  [0.5, 3, -2, 0.9921996989235637, 0.007800301076436315],
  [10, 20, 5, 0.9968369560229217, 0.0031630439770783084],
  [-3, 7.3, -1, 0.06442263569682229, 0.9355773643031777],
  [0, 4, 2, 0.02275013194817922, 0.9772498680518208],
  [3, 1.2, 0.3, 0.8775288293195775, 0.12247117068042249],
  [40, 50, 38, 0.6644435542573237, 0.33555644574267623],
  [1.7, 89300, 2.8, 0.13566696295560499, 0.8643330370443949],
  [0.001, 2, 0.1, 0.46052397251922167, 0.5394760274807783],
  [-2, 3, -4, 0.9524489722190784, 0.047551027780921615],
];

describe('noncentralTCdf and noncentralTSf', () => {
  it.each(scipy)('t = %d, v = %d, delta = %d', (t, v, delta, cdf, sf) => {
    expect(relative(noncentralTCdf(t, v, delta), cdf)).toBeLessThan(1e-12);
    expect(relative(noncentralTSf(t, v, delta), sf)).toBeLessThan(1e-12);
  });

  // The tail opposite the sign of delta is a difference of the series' terms: ~1e-16 absolute.
  it.each([
    [-1.96, 5.5, 3.43, 1.0844375820111447e-6],
    [-1.7, 89300, 2.8, 3.39833117762086e-6],
  ])('the far tail at t = %d, v = %d, delta = %d', (t, v, delta, cdf) => {
    expect(relative(noncentralTCdf(t, v, delta), cdf)).toBeLessThan(1e-9);
  });

  it('keeps relative accuracy deep in the tail on the side of delta', () => {
    // scipy.stats.nct.cdf(1.96, 1e6, 30) = 2.6467300921789955e-173.
    expect(relative(noncentralTCdf(1.96, 1e6, 30), 2.6467300921789955e-173)).toBeLessThan(1e-10);
  });

  it('is Student’s t when delta = 0', () => {
    for (const [t, v] of [
      [1.3, 4],
      [-2.2, 17.5],
      [0, 3],
      [6, 0.7],
    ]) {
      expect(relative(noncentralTCdf(t, v, 0), studentTCdf(t, v))).toBeLessThan(1e-14);
      expect(relative(noncentralTSf(t, v, 0), studentTSf(t, v))).toBeLessThan(1e-14);
    }
  });

  it('has cdf + sf = 1 and F(t; v, delta) = 1 - F(-t; v, -delta)', () => {
    for (const [t, v, delta] of [
      [1, 5, 2],
      [-0.5, 12, 0.7],
      [3, 2.5, -1],
    ]) {
      expect(noncentralTCdf(t, v, delta) + noncentralTSf(t, v, delta)).toBeCloseTo(1, 14);
      expect(noncentralTCdf(t, v, delta)).toBeCloseTo(1 - noncentralTCdf(-t, v, -delta), 14);
    }
  });

  it('handles infinite points and rejects invalid parameters', () => {
    expect([noncentralTCdf(Infinity, 3, 1), noncentralTSf(Infinity, 3, 1)]).toEqual([1, 0]);
    expect([noncentralTCdf(-Infinity, 3, 1), noncentralTSf(-Infinity, 3, 1)]).toEqual([0, 1]);
    expect(noncentralTCdf(1, 0, 1)).toBeNaN();
    expect(noncentralTSf(Number.NaN, 3, 1)).toBeNaN();
  });
});
