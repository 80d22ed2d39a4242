import { describe, expect, it } from 'vitest';
import {
  normalTwoSidedPValue,
  normalUpperQuantile,
} from '../../../shared/models/normal-distribution.ts';

// scipy.stats.norm (SciPy 1.17): 2 * norm.sf(z) and norm.isf(p).
const pValues: [number, number][] = [
  [0, 1],
  [1, 0.31731050786291415],
  [1.96, 0.04999579029644087],
  [5, 5.733031437583866e-7],
  [10, 1.523970604832094e-23],
  [37, 1.1451142445047853e-299],
];
const quantiles: [number, number][] = [
  [0.025, 1.9599639845400545],
  [0.005, 2.575829303548901],
  [0.3, 0.5244005127080409],
  [0.7, -0.5244005127080407],
  [1e-10, 6.361340902404056],
  [1e-300, 37.0470962993612],
];

describe('normal distribution', () => {
  it.each(pValues)('two-sided p-value at z = %d', (z, expected) => {
    expect(Math.abs(normalTwoSidedPValue(z) - expected)).toBeLessThanOrEqual(1e-12 * expected);
    expect(normalTwoSidedPValue(-z)).toBe(normalTwoSidedPValue(z));
  });

  it.each(quantiles)('upper quantile at p = %d', (p, expected) => {
    expect(Math.abs(normalUpperQuantile(p) - expected)).toBeLessThanOrEqual(
      1e-13 * Math.abs(expected),
    );
  });

  it('is 0 at the median and NaN outside (0, 1)', () => {
    expect(normalUpperQuantile(0.5)).toBe(0);
    expect(normalUpperQuantile(0)).toBeNaN();
    expect(normalUpperQuantile(1)).toBeNaN();
  });
});
