/**
 * Power, sample size and minimum detectable effect: the solved sizes reach the power to the last
 * digit, the MDE inverts the sample size, Bonferroni over the treatments, the null rules
 * (an effect past pi / 2, a zero effect), and the planning helpers.
 */
import { describe, expect, it } from 'vitest';
import {
  brentRoot,
  cohensH,
  currentMinimumDetectableEffect,
  daysNeeded,
  minimumDetectableEffect,
  relativeEffect,
  sampleSize,
  testPower,
} from '../../../shared/stats/index.ts';

const design = { alpha: 0.05, power: 0.8, ratio: 1, arms: 2 };

describe('brentRoot', () => {
  it('finds a root to full precision', () => {
    expect(Math.abs(brentRoot((x) => x * x - 2, 0, 2)! - Math.SQRT2)).toBeLessThanOrEqual(
      4 * Number.EPSILON,
    );
    expect(
      Math.abs(brentRoot((x) => Math.cos(x) - x, 0, 1)! - 0.7390851332151607),
    ).toBeLessThanOrEqual(4 * Number.EPSILON);
  });

  it('is null without a sign change', () => {
    expect(brentRoot((x) => x * x + 1, -1, 1)).toBeNull();
  });
});

describe('testPower', () => {
  it('counts both tails and is alpha at no effect', () => {
    expect(testPower('binomial', 0, 1000, 1, 0.05)).toBeCloseTo(0.05, 15);
    expect(testPower('continuous', 0, 1000, 1, 0.05)).toBeCloseTo(0.05, 14);
    // h = 0.1, 500 per arm: norm.sf(z - 0.1 sqrt(250)) + norm.cdf(-z - 0.1 sqrt(250)) (SciPy).
    expect(testPower('binomial', 0.1, 500, 1, 0.05)).toBeCloseTo(0.3526080824447024, 14);
  });

  it('is 0 for a t test without degrees of freedom', () => {
    expect(testPower('continuous', 1, 0.5, 1, 0.05)).toBe(0);
  });
});

describe('sampleSize', () => {
  it('solves the binomial size exactly and rounds the total up per arm', () => {
    const result = sampleSize({ metric: 'binomial', baseline: 0.1 }, 0.1, {
      ...design,
      ratio: 1.5,
      arms: 3,
    });
    expect(result.effectSize).toBeCloseTo(cohensH(0.1, 0.11)!, 14);
    const power = testPower('binomial', result.effectSize!, result.nControl!, 1.5, 0.025);
    expect(power).toBeCloseTo(0.8, 14);
    expect(result.nTreatment).toBe(1.5 * result.nControl!);
    expect(result.totalUsers).toBe(Math.ceil(result.nControl!) + 2 * Math.ceil(result.nTreatment!));
  });

  it('solves the continuous size exactly, fractional degrees of freedom included', () => {
    const result = sampleSize({ metric: 'continuous', mean: 10, sd: 4 }, 0.2, design);
    expect(result.effectSize).toBeCloseTo(0.5, 15);
    expect(testPower('continuous', 0.5, result.nControl!, 1, 0.05)).toBeCloseTo(0.8, 14);
    // Cohen's classic table: d = 0.5, power 0.8, two-sided 0.05 needs 64 per group.
    expect(Math.ceil(result.nControl!)).toBe(64);
  });

  it('uses alpha / (arms - 1): more arms need more users per arm', () => {
    const two = sampleSize({ metric: 'binomial', baseline: 0.2 }, 0.05, design);
    const four = sampleSize({ metric: 'binomial', baseline: 0.2 }, 0.05, { ...design, arms: 4 });
    expect(four.nControl!).toBeGreaterThan(two.nControl!);
    expect(testPower('binomial', four.effectSize!, four.nControl!, 1, 0.05 / 3)).toBeCloseTo(
      0.8,
      14,
    );
  });

  it('is null for no effect or a rate outside [0, 1]', () => {
    expect(sampleSize({ metric: 'binomial', baseline: 0.2 }, 0, design).nControl).toBeNull();
    const impossible = sampleSize({ metric: 'binomial', baseline: 0.8 }, 0.5, design);
    expect(impossible).toEqual({
      effectSize: null,
      nControl: null,
      nTreatment: null,
      totalUsers: null,
    });
  });

  it('rejects an invalid design', () => {
    const metric = { metric: 'binomial', baseline: 0.1 } as const;
    expect(() => sampleSize(metric, 0.1, { ...design, arms: 1 })).toThrow(RangeError);
    expect(() => sampleSize(metric, 0.1, { ...design, power: 1 })).toThrow(RangeError);
    expect(() => sampleSize(metric, 0.1, { ...design, ratio: 0 })).toThrow(RangeError);
  });
});

describe('minimumDetectableEffect', () => {
  it('inverts the sample size', () => {
    for (const metric of [
      { metric: 'binomial', baseline: 0.05 },
      { metric: 'continuous', mean: 45, sd: 120 },
    ] as const) {
      const size = sampleSize(metric, 0.08, { ...design, ratio: 0.5, arms: 3 });
      const mde = minimumDetectableEffect(metric, size.nControl!, {
        ...design,
        ratio: 0.5,
        arms: 3,
      });
      expect(mde.effectSize! / size.effectSize!).toBeCloseTo(1, 12);
      expect(mde.relativeMde!).toBeCloseTo(0.08, 11);
    }
  });

  it('is null when asin(sqrt(p1)) + h / 2 passes pi / 2', () => {
    const result = minimumDetectableEffect({ metric: 'binomial', baseline: 0.95 }, 20, design);
    expect(Math.asin(Math.sqrt(0.95)) + result.effectSize! / 2).toBeGreaterThan(Math.PI / 2);
    expect(result.relativeMde).toBeNull();
    expect(relativeEffect({ metric: 'binomial', baseline: 0.5 }, Math.PI)).toBeNull();
    expect(relativeEffect({ metric: 'continuous', mean: 0, sd: 1 }, 0.2)).toBeNull();
  });
});

describe('planning helpers', () => {
  it('counts the days at a daily traffic, from what is already in', () => {
    expect(daysNeeded(62436, 5000)).toBe(13);
    expect(daysNeeded(62436, 5000, 60000)).toBe(1);
    expect(daysNeeded(100, 10, 500)).toBe(0);
    expect(daysNeeded(100, 0)).toBeNull();
  });

  it('gives the MDE of the sample so far', () => {
    const now = currentMinimumDetectableEffect(
      { metric: 'binomial', baseline: 0.05 },
      { controlUsers: 20000, treatmentUsers: 10000, arms: 2 },
      0.05,
      0.8,
    );
    const direct = minimumDetectableEffect({ metric: 'binomial', baseline: 0.05 }, 20000, {
      ...design,
      ratio: 0.5,
    });
    expect(now).toEqual(direct);
    expect(
      currentMinimumDetectableEffect(
        { metric: 'binomial', baseline: 0.05 },
        { controlUsers: 0, treatmentUsers: 10, arms: 2 },
        0.05,
        0.8,
      ),
    ).toEqual({ effectSize: null, relativeMde: null });
  });
});
