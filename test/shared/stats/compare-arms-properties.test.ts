/**
 * Properties of the two comparison entry points over random arms (fast-check): swapping arms
 * negates differences and keeps p-values; results do not depend on row order; p-values are in
 * [0, 1] and intervals ordered; and every result is a valid comparison of the result document
 * (finite numbers or null, never NaN or Infinity).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparisonSchema } from '../../../shared/result/result-document.ts';
import {
  compareBinomial,
  compareContinuous,
  momentsOf,
  type ArmComparison,
  type ContinuousSample,
} from '../../../shared/stats/index.ts';

const binomialArm = fc
  .integer({ min: 0, max: 5000 })
  .chain((n) => fc.record({ n: fc.constant(n), successes: fc.integer({ min: 0, max: n }) }));
const alpha = fc.constantFrom(0.01, 0.05, 0.1);
const revenue = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 500, noNaN: true })), {
  minLength: 0,
  maxLength: 40,
});

function sample(values: readonly number[]): ContinuousSample {
  const array = Float64Array.from(values);
  return { moments: momentsOf(array), values: array };
}

function expectDocumentShape(result: ArmComparison): void {
  const parsed = comparisonSchema.safeParse({
    ...result,
    variant: 'treatment',
    control: 'control',
    p_value_adjusted: result.p_value,
    significant: false,
  });
  expect(parsed.success).toBe(true);
  for (const p of [result.p_value, result.mann_whitney?.p_value ?? null]) {
    if (p !== null) expect(p >= 0 && p <= 1).toBe(true);
  }
  for (const [low, high] of [result.difference_ci, result.relative_lift_ci]) {
    expect((low === null) === (high === null)).toBe(true);
    if (low !== null && high !== null) expect(low).toBeLessThanOrEqual(high);
  }
}

/** Both null, or |a - b| <= 10^-digits max(1, |b|). */
function close(a: number | null | undefined, b: number | null | undefined, digits = 9): void {
  if (a === null || a === undefined || b === null || b === undefined) {
    expect(a ?? null).toBe(b ?? null);
  } else {
    expect(Math.abs(a - b)).toBeLessThanOrEqual(10 ** -digits * Math.max(1, Math.abs(b)));
  }
}

describe('compareBinomial properties', () => {
  it('swapping arms negates the difference and keeps the test and p-value', () => {
    fc.assert(
      fc.property(binomialArm, binomialArm, alpha, (control, treatment, a) => {
        const forward = compareBinomial(control, treatment, a);
        const backward = compareBinomial(treatment, control, a);
        expect(backward.test).toBe(forward.test);
        close(backward.statistic, forward.statistic, 9);
        if (forward.p_value !== null) {
          expect(Math.abs((backward.p_value ?? NaN) - forward.p_value)).toBeLessThanOrEqual(
            1e-9 * forward.p_value,
          );
        }
        close(backward.difference, forward.difference === null ? null : -forward.difference, 15);
        close(
          backward.difference_ci[0],
          forward.difference_ci[1] === null ? null : -forward.difference_ci[1],
          12,
        );
        close(
          backward.difference_ci[1],
          forward.difference_ci[0] === null ? null : -forward.difference_ci[0],
          12,
        );
        if (forward.bayesian && backward.bayesian) {
          expect(
            forward.bayesian.prob_beat_control + backward.bayesian.prob_beat_control,
          ).toBeCloseTo(1, 9);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('stays within bounds and the result document schema', () => {
    fc.assert(
      fc.property(binomialArm, binomialArm, alpha, (control, treatment, a) => {
        expectDocumentShape(compareBinomial(control, treatment, a));
      }),
      { numRuns: 150 },
    );
  });
});

describe('compareContinuous properties', () => {
  it('swapping arms negates t, the difference and d, and keeps p, df and the Mann-Whitney p', () => {
    fc.assert(
      fc.property(revenue, revenue, alpha, (c, t, a) => {
        const forward = compareContinuous(sample(c), sample(t), a);
        const backward = compareContinuous(sample(t), sample(c), a);
        close(backward.statistic, forward.statistic === null ? null : -forward.statistic, 9);
        close(backward.p_value, forward.p_value, 12);
        close(backward.df, forward.df, 9);
        close(backward.difference, forward.difference === null ? null : -forward.difference, 9);
        close(backward.cohens_d, forward.cohens_d === null ? null : -forward.cohens_d, 9);
        close(
          backward.difference_ci[0],
          forward.difference_ci[1] === null ? null : -forward.difference_ci[1],
          9,
        );
        close(backward.mann_whitney?.p_value, forward.mann_whitney?.p_value, 12);
      }),
    );
  });

  it('does not depend on row order', () => {
    const permuted = revenue.chain((v) =>
      fc.tuple(fc.constant(v), fc.shuffledSubarray(v, { minLength: v.length })),
    );
    fc.assert(
      fc.property(permuted, permuted, ([c, cShuffled], [t, tShuffled]) => {
        const base = compareContinuous(sample(c), sample(t), 0.05);
        const shuffled = compareContinuous(sample(cShuffled), sample(tShuffled), 0.05);
        close(shuffled.statistic, base.statistic, 9);
        close(shuffled.p_value, base.p_value, 12);
        expect(shuffled.mann_whitney).toEqual(base.mann_whitney);
      }),
    );
  });

  it('stays within bounds and the result document schema', () => {
    fc.assert(
      fc.property(revenue, revenue, alpha, (c, t, a) => {
        const result = compareContinuous(sample(c), sample(t), a);
        expectDocumentShape(result);
        expect(result.bayesian).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
