/**
 * Benjamini-Hochberg adjusted p-values (statsmodels multipletests(p, method='fdr_bh')) and the
 * sample-ratio-mismatch test (scipy.stats.chisquare(observed, f_exp)); the reference vectors
 * cover the main cases, these the edges.
 */
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, sampleRatioMismatch } from '../../../shared/stats/index.ts';

describe('benjaminiHochberg', () => {
  it('adjusts in input order with the step-up minimum', () => {
    // statsmodels: multipletests([0.01, 0.04, 0.03, 0.005], method='fdr_bh')[1]
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02]);
  });

  it('keeps nulls in place and leaves them out of the count', () => {
    expect(benjaminiHochberg([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([null])).toEqual([null]);
  });

  it('never exceeds 1 and keeps ties', () => {
    expect(benjaminiHochberg([0.9, 0.9, 0.95])).toEqual([0.95, 0.95, 0.95]);
    expect(benjaminiHochberg([1, 1])).toEqual([1, 1]);
  });
});

describe('sampleRatioMismatch', () => {
  it('matches scipy.stats.chisquare and normalises shares', () => {
    // scipy.stats.chisquare([30, 30, 40], [100/3] * 3) -> (2.0000000000000004, 0.3678794411714423)
    const result = sampleRatioMismatch([30, 30, 40], [1, 1, 1]);
    expect(result.statistic).toBeCloseTo(2, 12);
    expect(result.p_value).toBeCloseTo(0.3678794411714423, 12);
    expect(result.flagged).toBe(false);
    expect(sampleRatioMismatch([30, 30, 40], [20, 20, 20])).toEqual(result);
  });

  it('flags below p = 0.001', () => {
    expect(sampleRatioMismatch([26726, 28749], [0.5, 0.5]).flagged).toBe(true);
    expect(sampleRatioMismatch([5000, 5100], [0.5, 0.5]).flagged).toBe(false);
  });

  it('handles a zero share: dropped when empty, a certain mismatch when not', () => {
    expect(sampleRatioMismatch([50, 50, 0], [1, 1, 0])).toMatchObject({
      statistic: 0,
      p_value: 1,
      flagged: false,
    });
    expect(sampleRatioMismatch([50, 50, 3], [1, 1, 0])).toEqual({
      statistic: null,
      p_value: 0,
      flagged: true,
    });
  });

  it('gives nulls without users, with one variant or with bad shares', () => {
    const none = { statistic: null, p_value: null, flagged: false };
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toEqual(none);
    expect(sampleRatioMismatch([10], [1])).toEqual(none);
    expect(sampleRatioMismatch([10, 10], [1, -1])).toEqual(none);
    expect(sampleRatioMismatch([10, 10], [1])).toEqual(none);
  });
});
