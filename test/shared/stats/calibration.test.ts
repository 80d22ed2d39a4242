/**
 * A small seeded A/A calibration (the full one is `npm run calibrate`): with both arms from the
 * same population, tests at alpha = 0.05 reject about 5% of the time and 95% intervals cover
 * the truth about 95% of the time. 400 experiments per metric type give a binomial standard
 * error of ~0.011 on a rate of 0.05, so the bands here are about +/- 3 standard errors.
 */
import { describe, expect, it } from 'vitest';
import {
  simulateBinomialAA,
  simulateContinuousAA,
  type Rate,
} from '../../../shared/stats/simulation/aa-simulation.ts';
import { simulatePeekingAA } from '../../../shared/stats/simulation/peeking-simulation.ts';

const options = { experiments: 400, seed: 7, alpha: 0.05, minUsers: 1000, maxUsers: 4000 };
const falsePositiveBand = [0.02, 0.085] as const;
const coverageBand = [0.915, 0.98] as const;

function expectWithin(rate: Rate, [low, high]: readonly [number, number]): void {
  expect(rate.rate).toBeGreaterThanOrEqual(low);
  expect(rate.rate).toBeLessThanOrEqual(high);
}

describe('A/A calibration (small)', () => {
  it('binomial: false positives near 5%, Wilson and Wald coverage near 95%', () => {
    const result = simulateBinomialAA(options);
    expect(result.falsePositiveRate.trials).toBe(400);
    expectWithin(result.falsePositiveRate, falsePositiveBand);
    expectWithin(result.wilsonCoverage, coverageBand);
    expectWithin(result.waldDifferenceCoverage, coverageBand);
  });

  it('continuous (zero-inflated log-normal revenue): Welch and Mann-Whitney near 5%, coverage near 95%', () => {
    const result = simulateContinuousAA(options);
    expectWithin(result.welchFalsePositiveRate, falsePositiveBand);
    expectWithin(result.mannWhitneyFalsePositiveRate, falsePositiveBand);
    expectWithin(result.welchDifferenceCoverage, coverageBand);
    expectWithin(result.meanIntervalCoverage, coverageBand);
  });

  it('peeking: the fixed-horizon test checked daily is ever significant far above 5%, the always-valid p-value at most 5%', () => {
    // 300 experiments: standard errors ~0.025 on ~0.28 and ~0.007 on ~0.015.
    const result = simulatePeekingAA({
      experiments: 300,
      looks: 30,
      dailyUsersPerArm: 200,
      seed: 11,
      alpha: 0.05,
    });
    expect(result.fixedHorizonEverSignificant.rate).toBeGreaterThan(0.15);
    expectWithin(result.fixedHorizonAtEnd, falsePositiveBand);
    expect(result.sequentialEverSignificant.rate).toBeLessThanOrEqual(0.05);
  });

  it('is reproducible from its seed', () => {
    const small = { ...options, experiments: 20 };
    expect(simulateBinomialAA(small)).toEqual(simulateBinomialAA(small));
  });
});
