/**
 * P(treatment beats control) and the expected loss under Beta(1 + x, 1 + n - x) posteriors:
 * against exact values (Evan Miller's closed-form sums, evaluated with mpmath at 40 digits for
 * these tests and written as the nearest double; expected loss via E[(C - T)+] = m_C P(C' > T) - m_T P(C > T') with C', T' the
 * posteriors with one more success), against the same sums evaluated here in double precision
 * for small arms, and against exact identities.
 */
import fc from 'fast-check';
import { normalCdf } from '../../../shared/stats/index.ts';
import { describe, expect, it } from 'vitest';
import {
  bayesianBinomialComparison,
  logBeta,
  type ProportionStats,
} from '../../../shared/stats/index.ts';

/** Evan Miller (2015): P(B > A) = sum_{i < a_B} B(a_A + i, b_A + b_B) / ((b_B + i) B(1 + i, b_B) B(a_A, b_A)). */
function evanMiller(aA: number, bA: number, aB: number, bB: number): number {
  let sum = 0;
  for (let i = 0; i < aB; i++) {
    sum += Math.exp(
      logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA),
    );
  }
  return sum;
}

function arm(n: number, successes: number): ProportionStats {
  return { n, successes };
}

describe('bayesianBinomialComparison', () => {
  it.each([
    [100, 1000, 130, 1000, 0.9821650661163506, 0.00009237449150470706],
    [8, 9000, 22, 9100, 0.9942127058140215, 0.000001179688695998278],
    [6000, 50000, 6150, 50200, 0.8881844967582205, 0.000111752464860289],
    [30000, 250000, 30500, 249000, 0.996473324520529, 9.980736678775512e-7],
    [16704, 43442, 77382, 192145, 0.9999999999988177, 4.2326612312468813e-16],
    [100000, 1000000, 101000, 1000000, 0.9906586836367128, 0.0000013362437221640934],
    [5, 100, 1000000, 10000000, 0.9458091124214852, 0.0007866862637973535],
    [1000000, 10000000, 3, 100, 0.0072474875386967065, 0.06086891778250517],
    [1, 3000000, 40, 3000000, 0.9999999999902242, 3.41013521754262e-18],
    [0, 400, 0, 410, 401 / 812, 0.001257549888931725],
    [15, 15, 13, 14, 7 / 31, 0.07862903225806452],
  ])(
    'control %d/%d, treatment %d/%d matches the exact sums to 1e-9',
    (xc, nc, xt, nt, probability, loss) => {
      const result = bayesianBinomialComparison(arm(nc, xc), arm(nt, xt));
      expect(Math.abs(result.probBeatControl - probability)).toBeLessThanOrEqual(
        1e-9 * probability,
      );
      expect(Math.abs(result.expectedLoss - loss)).toBeLessThanOrEqual(1e-9 * loss);
    },
  );

  it('agrees with the normal approximation for arms of ten million users', () => {
    const result = bayesianBinomialComparison(
      arm(10_000_000, 1_000_000),
      arm(10_000_000, 1_003_000),
    );
    // Beta(1 + x, 1 + n - x) posteriors of this size are normal to about 1e-4.
    const [mc, mt] = [1_000_001 / 10_000_002, 1_003_001 / 10_000_002];
    const sd = Math.sqrt((mc * (1 - mc)) / 10_000_003 + (mt * (1 - mt)) / 10_000_003);
    const z = (mt - mc) / sd;
    expect(result.probBeatControl).toBeCloseTo(normalCdf(z), 3);
    expect(result.probBeatControl).toBeGreaterThan(0.98);
  });

  it('agrees with the exact sums evaluated in double precision for small arms', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 80 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        fc
          .integer({ min: 0, max: 80 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        ([nc, xc], [nt, xt]) => {
          const [aC, bC, aT, bT] = [1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt];
          const probability = evanMiller(aC, bC, aT, bT);
          const loss =
            (aC / (aC + bC)) * evanMiller(aT, bT, aC + 1, bC) -
            (aT / (aT + bT)) * evanMiller(aT + 1, bT, aC, bC);
          const result = bayesianBinomialComparison(arm(nc, xc), arm(nt, xt));
          expect(Math.abs(result.probBeatControl - probability)).toBeLessThanOrEqual(1e-10);
          expect(Math.abs(result.expectedLoss - loss)).toBeLessThanOrEqual(1e-10);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('satisfies P(T > C) + P(C > T) = 1 and loss(T) - loss(C) = p_c - p_t (posterior means)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 200_000 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        fc
          .integer({ min: 0, max: 200_000 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
        ([nc, xc], [nt, xt]) => {
          const forward = bayesianBinomialComparison(arm(nc, xc), arm(nt, xt));
          const backward = bayesianBinomialComparison(arm(nt, xt), arm(nc, xc));
          const meanDifference = (1 + xc) / (2 + nc) - (1 + xt) / (2 + nt);
          expect(forward.probBeatControl + backward.probBeatControl).toBeCloseTo(1, 9);
          // 1e-9 absolute: the brief's tolerance for these quantities near 0 and 1.
          expect(forward.expectedLoss - backward.expectedLoss).toBeCloseTo(meanDifference, 9);
          expect(forward.probBeatControl).toBeGreaterThanOrEqual(0);
          expect(forward.probBeatControl).toBeLessThanOrEqual(1);
          expect(forward.expectedLoss).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
