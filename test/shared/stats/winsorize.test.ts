/**
 * Winsorizing: type-7 percentiles of the pooled values (numpy's default), caps from addable
 * histograms equal to caps from raw values, 0 and 100 capping nothing, and the capped moments.
 */
import { describe, expect, it } from 'vitest';
import {
  clippedMoments,
  histogramPercentile,
  mergeHistograms,
  momentsOf,
  valueHistogram,
  winsorize,
  winsorizeValues,
} from '../../../shared/stats/index.ts';

describe('histogramPercentile', () => {
  const sample = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
  // numpy 2.x: np.percentile(sample, [0, 2.5, 10, 33.3, 50, 75, 97.5, 100]).
  it.each([
    [0, 1],
    [2.5, 1],
    [10, 1],
    [33.3, 3],
    [50, 4],
    [75, 5],
    [97.5, 8.25],
    [100, 9],
  ])('p = %d is numpy’s %d', (p, expected) => {
    expect(histogramPercentile(valueHistogram(sample), p)).toBeCloseTo(expected, 12);
  });

  it('interpolates between order statistics (np.percentile([0.1, 0.2, 0.7], [12.5, 60]))', () => {
    const histogram = valueHistogram([0.1, 0.2, 0.7]);
    expect(histogramPercentile(histogram, 12.5)).toBeCloseTo(0.125, 15);
    expect(histogramPercentile(histogram, 60)).toBeCloseTo(0.3, 15);
  });

  it('is null for an empty sample or a percentile outside [0, 100]', () => {
    expect(histogramPercentile(valueHistogram([]), 50)).toBeNull();
    expect(histogramPercentile(valueHistogram([1]), 101)).toBeNull();
  });
});

describe('value histograms', () => {
  it('merge by adding the counts of equal values', () => {
    const merged = mergeHistograms(valueHistogram([5, 1, 1]), valueHistogram([1, 7, 5, 2]));
    expect(Array.from(merged.values)).toEqual([1, 2, 5, 7]);
    expect(Array.from(merged.counts)).toEqual([3, 1, 2, 1]);
    expect(merged).toEqual(valueHistogram([5, 1, 1, 1, 7, 5, 2]));
  });

  it('reject NaN', () => {
    expect(() => valueHistogram([1, Number.NaN])).toThrow(RangeError);
  });

  it('give the capped moments of the raw values', () => {
    const values = [0, 0, 3.5, 12, 12, 40, 250];
    const clipped = values.map((v) => Math.min(40, Math.max(1, v)));
    const moments = clippedMoments(valueHistogram(values), 1, 40);
    const direct = momentsOf(clipped);
    expect(moments.n).toBe(direct.n);
    expect(moments.mean).toBeCloseTo(direct.mean, 13);
    expect(moments.m2).toBeCloseTo(direct.m2, 11);
  });
});

describe('winsorize', () => {
  const control = [0, 0, 1.5, 3, 8, 12, 20, 450];
  const treatment = [0, 2, 2, 5, 9, 15, 30, 60, 1200];

  it('caps both arms at percentiles of the pooled values', () => {
    const result = winsorizeValues([control, treatment], 5, 90);
    const pooled = valueHistogram([...control, ...treatment]);
    expect(result.lowerCap).toBe(histogramPercentile(pooled, 5));
    expect(result.upperCap).toBe(histogramPercentile(pooled, 90));
    const capped = control.map((v) => Math.min(result.upperCap!, Math.max(result.lowerCap!, v)));
    expect(result.arms[0].mean).toBeCloseTo(momentsOf(capped).mean, 12);
  });

  it('gives the same caps and moments from per-day histograms as from the raw values', () => {
    const byDays = winsorize(
      [
        mergeHistograms(valueHistogram(control.slice(0, 3)), valueHistogram(control.slice(3))),
        mergeHistograms(valueHistogram(treatment.slice(0, 5)), valueHistogram(treatment.slice(5))),
      ],
      2.5,
      97.5,
    );
    expect(byDays).toEqual(winsorizeValues([control, treatment], 2.5, 97.5));
  });

  it('caps nothing at 0 and 100: the caps are the pooled minimum and maximum', () => {
    const result = winsorizeValues([control, treatment], 0, 100);
    expect([result.lowerCap, result.upperCap]).toEqual([0, 1200]);
    expect(result.arms[1]).toEqual(momentsOf(treatment));
  });

  it('rejects percentiles outside [0, 100] or lower above upper', () => {
    expect(() => winsorizeValues([control], -1, 99)).toThrow(RangeError);
    expect(() => winsorizeValues([control], 60, 40)).toThrow(RangeError);
  });
});
