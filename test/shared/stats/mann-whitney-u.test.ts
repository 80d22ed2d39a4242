/**
 * Mann-Whitney U of the treatment sample with the two-sided normal approximation (tie and
 * continuity corrections): against scipy.stats.mannwhitneyu(treatment, control,
 * alternative='two-sided', method='asymptotic', use_continuity=True) (SciPy 1.17.1; the
 * asymptotic formula is unchanged since 1.7), against the O(n^2) definition of U, and for
 * invariance under row order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../../shared/stats/index.ts';

/** U by definition: pairs where the treatment value is larger, ties counting one half. */
function bruteForceU(treatment: readonly number[], control: readonly number[]): number {
  let u = 0;
  for (const t of treatment) for (const c of control) u += t > c ? 1 : t === c ? 0.5 : 0;
  return u;
}

const smallValues = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 });

describe('mannWhitneyU', () => {
  it.each([
    [
      [3.1, 2.2, 5.0, 5.0, 1.0, 7.5, 2.2, 2.2],
      [1.0, 1.0, 0.5, 2.2, 3.3, 0.0],
      39.5,
      0.04892743970967708,
    ],
    [[1, 2, 3], [4, 5, 6], 0, 0.08085559837005224],
    [[0, 0, 0, 1], [0, 0, 0, 0, 2], 10, 1],
  ])('matches SciPy on %j vs %j', (treatment, control, u, p) => {
    const result = mannWhitneyU(Float64Array.from(treatment), Float64Array.from(control));
    expect(result?.u).toBe(u);
    expect(Math.abs((result?.pValue ?? NaN) - p)).toBeLessThanOrEqual(1e-12 * p);
  });

  it('computes U as defined, with ties counting one half', () => {
    fc.assert(
      fc.property(smallValues, smallValues, (treatment, control) => {
        const result = mannWhitneyU(Float64Array.from(treatment), Float64Array.from(control));
        expect(result?.u).toBe(bruteForceU(treatment, control));
      }),
    );
  });

  it('does not depend on row order, and swapping samples gives n_t n_c - U with the same p', () => {
    const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
      minLength: 1,
      maxLength: 60,
    });
    const withPermutation = sample.chain((values) =>
      fc.tuple(fc.constant(values), fc.shuffledSubarray(values, { minLength: values.length })),
    );
    fc.assert(
      fc.property(withPermutation, sample, ([treatment, permuted], control) => {
        const base = mannWhitneyU(treatment, control);
        expect(mannWhitneyU(permuted, control)).toEqual(base);
        const swapped = mannWhitneyU(control, treatment);
        expect(swapped?.u).toBe(treatment.length * control.length - (base?.u ?? NaN));
        expect(swapped?.pValue).toBe(base?.pValue);
        if (base?.pValue != null) {
          expect(base.pValue).toBeGreaterThanOrEqual(0);
          expect(base.pValue).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('returns null for an empty sample or NaN, and a null p-value when every value ties', () => {
    expect(mannWhitneyU(new Float64Array(0), Float64Array.of(1))).toBeNull();
    expect(mannWhitneyU(Float64Array.of(1, Number.NaN), Float64Array.of(1))).toBeNull();
    expect(mannWhitneyU(Float64Array.of(2, 2), Float64Array.of(2, 2, 2))).toEqual({
      u: 3,
      pValue: null,
    });
  });

  it('handles a million values per arm', () => {
    const n = 1_000_000;
    const treatment = new Float64Array(n).map((_, i) => (i * 7919) % 1000);
    const control = new Float64Array(n).map((_, i) => (i * 104729) % 1000);
    const result = mannWhitneyU(treatment, control);
    // Identical multisets of values: U is exactly n^2 / 2 and p = 1.
    expect(result).toEqual({ u: (n * n) / 2, pValue: 1 });
  });
});
