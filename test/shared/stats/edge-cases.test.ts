/**
 * Edge cases never throw and never produce NaN or Infinity: undefined quantities are null
 * (DESIGN.md "Statistics conventions"; the result document's schema).
 */
import { describe, expect, it } from 'vitest';
import {
  compareBinomial,
  compareContinuous,
  EMPTY_MOMENTS,
  momentsOf,
  type ContinuousSample,
} from '../../../shared/stats/index.ts';

function sample(values: readonly number[]): ContinuousSample {
  const array = Float64Array.from(values);
  return { moments: momentsOf(array), values: array };
}

const nullTest = {
  test: null,
  statistic: null,
  p_value: null,
  difference: null,
  difference_ci: [null, null],
  relative_lift: null,
  relative_lift_ci: [null, null],
  df: null,
  cohens_d: null,
  mann_whitney: null,
  bayesian: null,
};

describe('compareBinomial edge cases', () => {
  it('an empty arm gives a null test', () => {
    expect(compareBinomial({ n: 0, successes: 0 }, { n: 10, successes: 3 }, 0.05)).toEqual(
      nullTest,
    );
    expect(compareBinomial({ n: 10, successes: 3 }, { n: 0, successes: 0 }, 0.05)).toEqual(
      nullTest,
    );
  });

  it('invalid counts give a null test', () => {
    expect(compareBinomial({ n: 10, successes: 11 }, { n: 10, successes: 3 }, 0.05)).toEqual(
      nullTest,
    );
    expect(compareBinomial({ n: Number.NaN, successes: 1 }, { n: 10, successes: 3 }, 0.05)).toEqual(
      nullTest,
    );
    expect(compareBinomial({ n: 10.5, successes: 1 }, { n: 10, successes: 3 }, 0.05)).toEqual(
      nullTest,
    );
  });

  it('no conversions anywhere: Fisher p = 1, zero difference, undefined lift', () => {
    const result = compareBinomial({ n: 400, successes: 0 }, { n: 410, successes: 0 }, 0.05);
    expect(result).toMatchObject({
      test: 'fisher_exact',
      statistic: null,
      p_value: 1,
      difference: 0,
      difference_ci: [0, 0],
      relative_lift: null,
      relative_lift_ci: [null, null],
    });
    expect(result.bayesian?.prob_beat_control).toBeCloseTo(401 / 812, 10);
  });

  it('an invalid alpha drops the intervals, keeps the test', () => {
    const result = compareBinomial({ n: 1000, successes: 100 }, { n: 1000, successes: 130 }, 0);
    expect(result.difference_ci).toEqual([null, null]);
    expect(result.relative_lift_ci).toEqual([null, null]);
    expect(result.p_value).toBeCloseTo(0.03548845046647463, 12);
  });
});

describe('compareContinuous edge cases', () => {
  it('an empty arm gives a null test', () => {
    expect(compareContinuous(sample([]), sample([1, 2]), 0.05)).toEqual(nullTest);
    expect(
      compareContinuous({ moments: EMPTY_MOMENTS }, { moments: momentsOf([1]) }, 0.05),
    ).toEqual(nullTest);
  });

  it('one user per arm: a difference but no variance, so no t, df, interval or d', () => {
    expect(compareContinuous(sample([3]), sample([5]), 0.05)).toMatchObject({
      test: 'welch_t',
      statistic: null,
      p_value: null,
      df: null,
      difference: 2,
      difference_ci: [null, null],
      relative_lift: expect.closeTo(2 / 3, 15),
      relative_lift_ci: [null, null],
      cohens_d: null,
      mann_whitney: { u: 1, p_value: 1 },
    });
  });

  it('all values equal in both arms: sd 0 everywhere, point intervals, no statistic', () => {
    expect(compareContinuous(sample([4, 4, 4]), sample([4, 4]), 0.05)).toMatchObject({
      statistic: null,
      p_value: null,
      df: null,
      difference: 0,
      difference_ci: [0, 0],
      relative_lift: 0,
      relative_lift_ci: [0, 0],
      cohens_d: null,
      mann_whitney: { u: 3, p_value: null },
    });
  });

  it('constant but different arms: undefined t, a point interval for the difference', () => {
    const result = compareContinuous(sample([1, 1, 1]), sample([2, 2, 2]), 0.05);
    expect(result).toMatchObject({
      statistic: null,
      p_value: null,
      difference: 1,
      difference_ci: [1, 1],
    });
    expect(result.mann_whitney?.u).toBe(9);
  });

  it('a control mean of 0 leaves the lift undefined', () => {
    expect(compareContinuous(sample([0, 0, 0]), sample([1, 0, 2]), 0.05)).toMatchObject({
      relative_lift: null,
      relative_lift_ci: [null, null],
    });
  });

  it('without raw values there is no Mann-Whitney test', () => {
    const result = compareContinuous(
      { moments: momentsOf([1, 2, 3]) },
      { moments: momentsOf([2, 3, 4]) },
      0.05,
    );
    expect(result.mann_whitney).toBeNull();
    expect(result.p_value).not.toBeNull();
  });

  it('non-finite moments give a null test', () => {
    const broken = { moments: { n: 3, mean: Number.NaN, m2: 1 } };
    expect(compareContinuous(broken, sample([1, 2]), 0.05)).toEqual(nullTest);
  });
});
