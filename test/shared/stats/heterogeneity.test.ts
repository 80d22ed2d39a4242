/**
 * Cochran's Q and I^2 over segments: the formulas, I^2 = 0 when q = 0, one segment, and invalid
 * standard errors.
 */
import { describe, expect, it } from 'vitest';
import { chiSquareSf, cochranHeterogeneity } from '../../../shared/stats/index.ts';

describe('cochranHeterogeneity', () => {
  it('pools by inverse variance and tests the spread', () => {
    const result = cochranHeterogeneity([0.1, 0.3], [0.1, 0.1]);
    expect(result.pooledEffect).toBeCloseTo(0.2, 15);
    expect(result.pooledStandardError).toBeCloseTo(Math.sqrt(0.005), 15);
    expect(result.q).toBeCloseTo(2, 13);
    expect(result.df).toBe(1);
    expect(result.pValue).toBeCloseTo(chiSquareSf(2, 1), 13);
    expect(result.iSquared).toBeCloseTo(0.5, 13);
  });

  it('has I^2 = 0 when every segment has the same effect (q = 0)', () => {
    const result = cochranHeterogeneity([0.05, 0.05, 0.05], [0.01, 0.02, 0.04]);
    expect(result.q).toBe(0);
    expect(result.iSquared).toBe(0);
    expect(result.pValue).toBe(1);
  });

  it('has I^2 = 0 when q is below its degrees of freedom', () => {
    expect(cochranHeterogeneity([0.01, 0.02, 0.015], [0.02, 0.02, 0.02]).iSquared).toBe(0);
  });

  it('gives no p-value for a single segment', () => {
    const result = cochranHeterogeneity([0.3], [0.1]);
    expect(result).toMatchObject({ pooledEffect: 0.3, q: 0, df: 0, pValue: null, iSquared: 0 });
  });

  it('is null where a standard error is not positive or an effect is missing', () => {
    expect(cochranHeterogeneity([0.1, 0.2], [0, 0.1]).q).toBeNull();
    expect(cochranHeterogeneity([null, 0.2], [0.1, 0.1]).pooledEffect).toBeNull();
    expect(() => cochranHeterogeneity([0.1], [0.1, 0.2])).toThrow(RangeError);
  });
});
