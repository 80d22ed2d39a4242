/**
 * Closed forms that hold exactly, checked over random arguments (fast-check) against the
 * general algorithms: these use different code paths (erfc vs incomplete gamma vs incomplete
 * beta vs elementary functions), so agreement to 1e-12 relative down to 1e-300 is evidence of
 * accuracy in the tails, not of consistency with itself.
 * Sources: Abramowitz & Stegun 26.7.3 (t with 1 and 2 df), 26.4.4 and 26.4.21 (chi-square
 * with 2 df; 1 df as a squared normal).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedPValue,
} from '../../../shared/stats/index.ts';

const TOLERANCE = 1e-12;

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('distribution identities', () => {
  it('chi-square with 1 df is a squared normal: sf(z^2, 1) = 2 (1 - Phi(z)), down to 1e-300', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 37, noNaN: true }), (z) => {
        expect(relativeError(chiSquareSf(z * z, 1), 2 * normalSf(z))).toBeLessThan(TOLERANCE);
      }),
    );
  });

  it('chi-square with 2 df is exponential: sf(x, 2) = exp(-x/2), down to 1e-300', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1380, noNaN: true }), (x) => {
        expect(relativeError(chiSquareSf(x, 2), Math.exp(-x / 2))).toBeLessThan(TOLERANCE);
      }),
    );
  });

  it('t with 1 df is Cauchy: P(|T| > t) = (2/pi) atan(1/t)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e300, noNaN: true }), (t) => {
        const expected = (2 / Math.PI) * Math.atan(1 / t);
        expect(relativeError(studentTTwoSidedPValue(t, 1), expected)).toBeLessThan(TOLERANCE);
      }),
    );
  });

  it('t with 2 df: P(|T| > t) = 2 / (s (s + t)), s = sqrt(2 + t^2)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e150, noNaN: true }), (t) => {
        const s = Math.sqrt(2 + t * t);
        expect(relativeError(studentTTwoSidedPValue(t, 2), 2 / (s * (s + t)))).toBeLessThan(
          TOLERANCE,
        );
      }),
    );
  });

  it('quantiles invert the CDFs', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 0.5, noNaN: true }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        (p, v) => {
          expect(relativeError(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-10);
          expect(relativeError(studentTCdf(studentTQuantile(p, v), v), p)).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it('p-values are probabilities and NaN only for invalid parameters', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true }),
        fc.double({ min: 0.01, max: 1e9, noNaN: true }),
        (t, v) => {
          const p = studentTTwoSidedPValue(t, v);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        },
      ),
    );
    expect(studentTTwoSidedPValue(1, 0)).toBeNaN();
    expect(chiSquareSf(1, -1)).toBeNaN();
  });
});
