/**
 * Addable moments {n, mean, M2}: agreement with direct two-pass formulas, merging in any split
 * and order, numerical stability where a raw sum of squares cancels, and the arm summaries
 * built on them (sample sd as numpy.std(ddof=1), t interval as scipy.stats.t.interval).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_MOMENTS,
  addToMoments,
  mergeMoments,
  momentsOf,
  sampleSd,
  sampleVariance,
  summarizeBinomialArm,
  summarizeContinuousArm,
  welfordMoments,
  type MeanMoments,
} from '../../../shared/stats/index.ts';

function expectMomentsClose(actual: MeanMoments, expected: MeanMoments, tolerance = 1e-9): void {
  expect(actual.n).toBe(expected.n);
  const scale = Math.max(1, Math.abs(expected.mean));
  expect(Math.abs(actual.mean - expected.mean)).toBeLessThanOrEqual(tolerance * scale);
  expect(Math.abs(actual.m2 - expected.m2)).toBeLessThanOrEqual(
    tolerance * Math.max(1, expected.m2),
  );
}

const values = fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 50 });

describe('moments', () => {
  it('match the textbook values', () => {
    expect(momentsOf([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ n: 8, mean: 5, m2: 32 });
    expect(sampleVariance(momentsOf([1, 2, 3, 4]))).toBeCloseTo(5 / 3, 15);
    expect(sampleSd(momentsOf([5]))).toBeNull();
    expect(momentsOf([])).toEqual(EMPTY_MOMENTS);
  });

  it('merge like sums: any split, any order, Welford and two-pass alike', () => {
    fc.assert(
      fc.property(values, values, (left, right) => {
        const whole = momentsOf([...left, ...right]);
        expectMomentsClose(mergeMoments(momentsOf(left), momentsOf(right)), whole);
        expectMomentsClose(mergeMoments(momentsOf(right), momentsOf(left)), whole);
        expectMomentsClose(welfordMoments([...left, ...right]), whole);
        expectMomentsClose(right.reduce(addToMoments, momentsOf(left)), whole);
      }),
    );
  });

  it('do not depend on row order', () => {
    const withPermutation = values.chain((v) =>
      fc.tuple(fc.constant(v), fc.shuffledSubarray(v, { minLength: v.length })),
    );
    fc.assert(
      fc.property(withPermutation, ([original, permuted]) => {
        expectMomentsClose(momentsOf(permuted), momentsOf(original), 1e-12);
      }),
    );
  });

  it('stay exact where a raw sum of squares cancels (values near 1e9, variance 1)', () => {
    const sample = Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 2 === 0 ? 1 : -1));
    // Exact: mean 1e9, every deviation +/-1, so M2 = 1000 and the variance is 1000/999.
    expect(momentsOf(sample)).toEqual({ n: 1000, mean: 1e9, m2: 1000 });
    const halves = mergeMoments(momentsOf(sample.slice(0, 501)), momentsOf(sample.slice(501)));
    expect(sampleVariance(halves)).toBeCloseTo(1000 / 999, 9);
    const sum = sample.reduce((s, x) => s + x, 0);
    const naive = (sample.reduce((s, x) => s + x * x, 0) - (sum * sum) / 1000) / 999;
    expect(Math.abs(naive - 1000 / 999)).toBeGreaterThan(1); // what {n, sum, sumSquares} would give
  });
});

describe('arm summaries', () => {
  it('binomial: rate, sqrt(p(1-p)) and the Wilson interval (statsmodels proportion_confint)', () => {
    expect(summarizeBinomialArm({ n: 20, successes: 3 }, 0.05)).toEqual({
      users: 20,
      sum: 3,
      mean: 0.15,
      sd: Math.sqrt(0.15 * 0.85),
      ci_low: expect.closeTo(0.052368745896216595, 15),
      ci_high: expect.closeTo(0.36041886474075696, 15),
    });
  });

  it('continuous: sample sd and mean +/- t(0.975, n-1) sd/sqrt(n) (scipy.stats.t.interval)', () => {
    const summary = summarizeContinuousArm(momentsOf([1, 2, 3, 4]), 0.05);
    // scipy.stats.t.interval(0.95, 3, loc=2.5, scale=sqrt(5/3)/2) = (0.4457397432394794, 4.554260256760521)
    expect(summary.users).toBe(4);
    expect(summary.sum).toBe(10);
    expect(summary.sd).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(summary.ci_low).toBeCloseTo(0.44573974323947896, 12);
    expect(summary.ci_high).toBeCloseTo(4.5542602567605215, 12);
  });

  it('give nulls, not NaN, for empty, single-user and constant arms', () => {
    expect(summarizeBinomialArm({ n: 0, successes: 0 }, 0.05)).toEqual({
      users: 0,
      sum: 0,
      mean: null,
      sd: null,
      ci_low: null,
      ci_high: null,
    });
    expect(summarizeContinuousArm(EMPTY_MOMENTS, 0.05)).toEqual({
      users: 0,
      sum: 0,
      mean: null,
      sd: null,
      ci_low: null,
      ci_high: null,
    });
    expect(summarizeContinuousArm(momentsOf([7]), 0.05)).toEqual({
      users: 1,
      sum: 7,
      mean: 7,
      sd: null,
      ci_low: null,
      ci_high: null,
    });
    expect(summarizeContinuousArm(momentsOf([7, 7, 7]), 0.05)).toEqual({
      users: 3,
      sum: 21,
      mean: 7,
      sd: 0,
      ci_low: 7,
      ci_high: 7,
    });
    expect(summarizeBinomialArm({ n: 5, successes: 5 }, 0.05)).toMatchObject({
      mean: 1,
      sd: 0,
      ci_high: 1,
    });
  });
});
