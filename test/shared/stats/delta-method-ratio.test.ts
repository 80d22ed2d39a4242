/**
 * Ratio metrics by the delta method: the variance formula of the reference README written out
 * term by term, the same result from any split of the units, and the null rules (a mean
 * denominator of 0 makes the arm's ratio and variance null and every comparison value null).
 */
import { describe, expect, it } from 'vitest';
import {
  bivariateMomentsOf,
  compareRatios,
  mergeBivariateMoments,
  ratioArm,
} from '../../../shared/stats/index.ts';

const orders = [1, 2, 1, 3, 0, 2, 1, 1];
const revenue = [20, 55, 10, 90, 0, 41, 12.5, 30];

describe('ratioArm', () => {
  it('is sum(num) / sum(den) with the README variance, term by term', () => {
    const arm = ratioArm(bivariateMomentsOf(orders, revenue));
    const n = orders.length;
    const mean = (v: number[]): number => v.reduce((s, a) => s + a, 0) / n;
    const md = mean(orders);
    const mn = mean(revenue);
    const cov = (u: number[], v: number[]): number =>
      u.reduce((s, a, i) => s + (a - mean(u)) * (v[i] - mean(v)), 0) / (n - 1);
    const variance =
      (cov(revenue, revenue) / md ** 2 -
        (2 * mn * cov(revenue, orders)) / md ** 3 +
        (mn ** 2 * cov(orders, orders)) / md ** 4) /
      n;
    expect(arm.n).toBe(n);
    expect(arm.ratio).toBeCloseTo(258.5 / 11, 13);
    expect(arm.variance! / variance).toBeCloseTo(1, 12);
  });

  it('is the same from any split of the units', () => {
    const whole = ratioArm(bivariateMomentsOf(orders, revenue));
    const merged = ratioArm(
      mergeBivariateMoments(
        bivariateMomentsOf(orders.slice(0, 3), revenue.slice(0, 3)),
        bivariateMomentsOf(orders.slice(3), revenue.slice(3)),
      ),
    );
    expect(merged.ratio! / whole.ratio!).toBeCloseTo(1, 14);
    expect(merged.variance! / whole.variance!).toBeCloseTo(1, 12);
  });

  it('has a null ratio and variance when the mean denominator is 0', () => {
    expect(ratioArm(bivariateMomentsOf([0, 0, 0], [0, 0, 0]))).toEqual({
      n: 3,
      ratio: null,
      variance: null,
    });
  });

  it('has a ratio but no variance below two units', () => {
    expect(ratioArm(bivariateMomentsOf([2], [10]))).toEqual({ n: 1, ratio: 5, variance: null });
  });
});

describe('compareRatios', () => {
  it('computes the z comparison and the relative lift of the README', () => {
    const control = { n: 100, ratio: 2, variance: 0.01 };
    const treatment = { n: 100, ratio: 2.3, variance: 0.02 };
    const result = compareRatios(control, treatment, 0.05);
    const se = Math.sqrt(0.03);
    expect(result.difference).toBeCloseTo(0.3, 14);
    expect(result.standardError).toBeCloseTo(se, 15);
    expect(result.zStatistic).toBeCloseTo(0.3 / se, 13);
    // Two-sided normal p-value at z = 1.7320508075688774 (scipy.stats.norm.sf(z) * 2).
    expect(result.pValue! / 0.08326451666355042).toBeCloseTo(1, 12);
    expect(result.interval![1] - result.interval![0]).toBeCloseTo(2 * 1.959963984540054 * se, 12);
    const relativeSe = Math.sqrt(0.02 / 4 + (2.3 ** 2 * 0.01) / 16);
    expect(result.relativeLift).toBeCloseTo(0.15, 14);
    expect(result.relativeInterval![1]).toBeCloseTo(0.15 + 1.959963984540054 * relativeSe, 12);
  });

  it('makes every comparison value null when an arm has a zero denominator', () => {
    const nullArm = ratioArm(bivariateMomentsOf([0, 0], [0, 0]));
    const arm = ratioArm(bivariateMomentsOf(orders, revenue));
    for (const result of [compareRatios(nullArm, arm, 0.05), compareRatios(arm, nullArm, 0.05)]) {
      expect(Object.values(result).every((value) => value === null)).toBe(true);
    }
  });

  it('gives no relative lift when the control ratio is 0, and no z when se = 0', () => {
    const zero = compareRatios(
      { n: 10, ratio: 0, variance: 0 },
      { n: 10, ratio: 1, variance: 0 },
      0.05,
    );
    expect(zero.relativeLift).toBeNull();
    expect(zero.relativeInterval).toBeNull();
    expect(zero.zStatistic).toBeNull();
    expect(zero.pValue).toBeNull();
    expect(zero.interval).toEqual([1, 1]);
  });
});
