/**
 * CUPED over moments: theta pooled over all arms, 0 for a constant covariate (CUPED then
 * changes nothing), k > 2 arms, the same result from any split of the units, and nulls below
 * two units.
 */
import { describe, expect, it } from 'vitest';
import {
  bivariateMomentsOf,
  cuped,
  cupedTheta,
  mergeBivariateMoments,
  momentsOf,
  welchTTest,
  type BivariateMoments,
} from '../../../shared/stats/index.ts';

/** A deterministic sample: y = 2 + 0.8 x + noise, x skewed, from a fixed LCG. */
function sample(n: number, seed: number, shift: number): { x: number[]; y: number[] } {
  let state = seed;
  const next = (): number => {
    state = (1103515245 * state + 12345) % 2147483648;
    return state / 2147483648;
  };
  const x = Array.from({ length: n }, () => 10 * next() ** 2);
  const y = x.map((v) => 2 + shift + 0.8 * v + 3 * (next() - 0.5));
  return { x, y };
}

describe('cupedTheta', () => {
  it('is cov(x, y) / var(x) over the pooled units', () => {
    expect(cupedTheta(bivariateMomentsOf([1, 2, 3], [2, 4, 7]))).toBe(2.5);
  });

  it('is 0 when every x is equal, also for x = 0.1 whose mean is not exact', () => {
    expect(cupedTheta(bivariateMomentsOf([0, 0, 0], [1, 5, 2]))).toBe(0);
    expect(cupedTheta(bivariateMomentsOf(Array(7).fill(0.1), [1, 5, 2, 8, 3, 1, 0]))).toBe(0);
    expect(cupedTheta(bivariateMomentsOf([4], [1]))).toBe(0);
  });
});

describe('cuped', () => {
  const a = sample(300, 1, 0);
  const b = sample(280, 2, 0.5);
  const c = sample(310, 3, -0.2);
  const arms = [
    { name: 'control', moments: bivariateMomentsOf(a.x, a.y) },
    { name: 'b', moments: bivariateMomentsOf(b.x, b.y) },
    { name: 'c', moments: bivariateMomentsOf(c.x, c.y) },
  ];

  it('compares every treatment of k > 2 arms with the control, in input order', () => {
    const result = cuped(arms, 'control', 0.05);
    expect(result.arms.map((arm) => arm.name)).toEqual(['control', 'b', 'c']);
    expect(result.comparisons.map((comparison) => comparison.treatment)).toEqual(['b', 'c']);
    // A covariate this predictive removes most of the variance.
    for (const comparison of result.comparisons) {
      expect(comparison.varianceReduction).toBeGreaterThan(0.5);
      expect(comparison.welch.standardError!).toBeLessThan(comparison.unadjustedStandardError!);
    }
  });

  it('adjusts each unit by theta (x - pooled mean of x), as the per-unit definition says', () => {
    const result = cuped(arms, 'control', 0.05);
    const allX = [...a.x, ...b.x, ...c.x];
    const meanX = allX.reduce((s, v) => s + v, 0) / allX.length;
    const adjusted = b.y.map((y, i) => y - result.theta * (b.x[i] - meanX));
    const direct = momentsOf(adjusted);
    const arm = result.arms[1];
    expect(arm.adjustedMean).toBeCloseTo(direct.mean, 12);
    expect(arm.adjustedVariance).toBeCloseTo(direct.m2 / (direct.n - 1), 10);
    const control = momentsOf(a.y.map((y, i) => y - result.theta * (a.x[i] - meanX)));
    const welch = welchTTest(control, direct, 0.05);
    expect(result.comparisons[0].welch.pValue).toBeCloseTo(welch.pValue!, 12);
  });

  it('gives the same result from any split of the units into batches', () => {
    const split = (x: number[], y: number[], at: number): BivariateMoments =>
      mergeBivariateMoments(
        bivariateMomentsOf(x.slice(0, at), y.slice(0, at)),
        bivariateMomentsOf(x.slice(at), y.slice(at)),
      );
    const whole = cuped(arms, 'control', 0.05);
    const batched = cuped(
      [
        { name: 'control', moments: split(a.x, a.y, 17) },
        { name: 'b', moments: split(b.x, b.y, 200) },
        { name: 'c', moments: split(c.x, c.y, 1) },
      ],
      'control',
      0.05,
    );
    expect(batched.theta).toBeCloseTo(whole.theta, 12);
    batched.comparisons.forEach((comparison, i) => {
      const reference = whole.comparisons[i];
      expect(comparison.welch.difference!).toBeCloseTo(reference.welch.difference!, 11);
      expect(comparison.welch.pValue! / reference.welch.pValue!).toBeCloseTo(1, 10);
      expect(comparison.varianceReduction!).toBeCloseTo(reference.varianceReduction!, 11);
    });
  });

  it('changes nothing when the covariate is constant: theta 0, adjusted = plain', () => {
    const result = cuped(
      [
        { name: 'control', moments: bivariateMomentsOf([0, 0, 0, 0], [1, 4, 2, 0]) },
        { name: 't', moments: bivariateMomentsOf([0, 0, 0], [3, 5, 1]) },
      ],
      'control',
      0.05,
    );
    expect(result.theta).toBe(0);
    for (const arm of result.arms) {
      expect(arm.adjustedMean).toBe(arm.mean);
      expect(arm.adjustedVariance).toBe(arm.variance);
    }
    const [comparison] = result.comparisons;
    expect(comparison.welch.standardError).toBe(comparison.unadjustedStandardError);
    expect(comparison.varianceReduction).toBe(0);
  });

  it('gives nulls for an arm below two units, and everything computed from them', () => {
    const result = cuped(
      [
        { name: 'control', moments: bivariateMomentsOf([1, 2, 3], [2, 4, 7]) },
        { name: 't', moments: bivariateMomentsOf([5], [9]) },
      ],
      'control',
      0.05,
    );
    expect(result.arms[1].variance).toBeNull();
    expect(result.arms[1].adjustedVariance).toBeNull();
    const [comparison] = result.comparisons;
    expect(comparison.welch.pValue).toBeNull();
    expect(comparison.welch.standardError).toBeNull();
    expect(comparison.relativeLift.interval).toBeNull();
    expect(comparison.varianceReduction).toBeNull();
    expect(comparison.unadjustedStandardError).toBeNull();
  });

  it('rejects a control that is not an arm', () => {
    expect(() => cuped(arms, 'nope', 0.05)).toThrow(RangeError);
  });
});
