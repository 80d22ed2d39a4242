/**
 * Seeded A/A simulations that calibrate the statistics layer: with both arms drawn from the same
 * population, a test at level alpha should reject about alpha of the time and a (1 - alpha)
 * interval should cover the true value about 1 - alpha of the time.
 */
import { binomialTest, twoByTwoTable } from '../binomial-test.ts';
import { compareContinuous } from '../compare-continuous.ts';
import { meanInterval } from '../mean-interval.ts';
import { momentsOf } from '../mean-moments.ts';
import { proportionDifference } from '../wald-difference-interval.ts';
import { wilsonInterval } from '../wilson-interval.ts';
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';

/** Size of an A/A simulation. */
export interface SimulationOptions {
  readonly experiments: number;
  readonly seed: number;
  readonly alpha: number;
  /** Users per arm are drawn uniformly from [minUsers, maxUsers]. */
  readonly minUsers: number;
  readonly maxUsers: number;
}

/** Share of experiments in which an event happened, with its count. */
export interface Rate {
  readonly rate: number;
  readonly count: number;
  readonly trials: number;
}

function rate(count: number, trials: number): Rate {
  return { rate: trials > 0 ? count / trials : 0, count, trials };
}

/** What a binomial A/A simulation measured. */
export interface BinomialCalibration {
  readonly falsePositiveRate: Rate;
  readonly wilsonCoverage: Rate;
  readonly waldDifferenceCoverage: Rate;
}

/** What a continuous A/A simulation measured. */
export interface ContinuousCalibration {
  readonly welchFalsePositiveRate: Rate;
  readonly welchDifferenceCoverage: Rate;
  readonly meanIntervalCoverage: Rate;
  readonly mannWhitneyFalsePositiveRate: Rate;
}

function conversions(random: SeededRandom, users: number, p: number): number {
  let count = 0;
  for (let i = 0; i < users; i++) if (random.uniform() < p) count += 1;
  return count;
}

/**
 * Binomial A/A: per experiment a true conversion rate p ~ U(0.02, 0.2), both arms converting at
 * p; counts how often the binomial test rejects at alpha, how often each arm's Wilson interval
 * covers p and how often the Wald interval of the difference covers 0.
 * @param options - size, seed and alpha
 * @returns the measured rates
 * @example simulateBinomialAA({ experiments: 200, seed: 1, alpha: 0.05, minUsers: 2000, maxUsers: 4000 })
 */
export function simulateBinomialAA(options: SimulationOptions): BinomialCalibration {
  const random = createSeededRandom(options.seed);
  let rejected = 0;
  let wilsonCovered = 0;
  let differenceCovered = 0;
  for (let e = 0; e < options.experiments; e++) {
    const p = 0.02 + 0.18 * random.uniform();
    const arms = [0, 1].map(() => {
      const n = random.integer(options.minUsers, options.maxUsers);
      return { n, successes: conversions(random, n, p) };
    });
    const [control, treatment] = arms;
    if (binomialTest(twoByTwoTable(control, treatment)).pValue < options.alpha) rejected += 1;
    for (const arm of arms) {
      const interval = wilsonInterval(arm, options.alpha);
      if (interval !== null && interval[0] <= p && p <= interval[1]) wilsonCovered += 1;
    }
    const difference = proportionDifference(control, treatment, options.alpha).interval;
    if (difference !== null && difference[0] <= 0 && 0 <= difference[1]) differenceCovered += 1;
  }
  return {
    falsePositiveRate: rate(rejected, options.experiments),
    wilsonCoverage: rate(wilsonCovered, 2 * options.experiments),
    waldDifferenceCoverage: rate(differenceCovered, options.experiments),
  };
}

/**
 * Continuous A/A with revenue-like data: per experiment a purchase rate q ~ U(0.05, 0.2) and
 * order values log-normal(mu = 3.5, sigma = 1), so a user's revenue is 0 with probability 1 - q
 * (heavy ties) and right-skewed otherwise; true mean q exp(mu + sigma^2 / 2). Counts Welch and
 * Mann-Whitney rejections at alpha, Welch difference intervals covering 0 and each arm's t
 * interval covering the true mean.
 * @param options - size, seed and alpha
 * @returns the measured rates
 * @example simulateContinuousAA({ experiments: 200, seed: 1, alpha: 0.05, minUsers: 2000, maxUsers: 4000 })
 */
export function simulateContinuousAA(options: SimulationOptions): ContinuousCalibration {
  const random = createSeededRandom(options.seed);
  const [mu, sigma] = [3.5, 1];
  let welchRejected = 0;
  let welchCovered = 0;
  let meanCovered = 0;
  let mannWhitneyRejected = 0;
  for (let e = 0; e < options.experiments; e++) {
    const q = 0.05 + 0.15 * random.uniform();
    const trueMean = q * Math.exp(mu + (sigma * sigma) / 2);
    const [control, treatment] = [0, 1].map(() => {
      const values = new Float64Array(random.integer(options.minUsers, options.maxUsers));
      for (let i = 0; i < values.length; i++) {
        if (random.uniform() < q) values[i] = Math.exp(mu + sigma * random.normal());
      }
      return { moments: momentsOf(values), values };
    });
    const comparison = compareContinuous(control, treatment, options.alpha);
    if (comparison.p_value !== null && comparison.p_value < options.alpha) welchRejected += 1;
    const [low, high] = comparison.difference_ci;
    if (low !== null && high !== null && low <= 0 && 0 <= high) welchCovered += 1;
    const mannWhitneyP = comparison.mann_whitney?.p_value ?? null;
    if (mannWhitneyP !== null && mannWhitneyP < options.alpha) mannWhitneyRejected += 1;
    for (const arm of [control, treatment]) {
      const interval = meanInterval(arm.moments, options.alpha);
      if (interval !== null && interval[0] <= trueMean && trueMean <= interval[1]) meanCovered += 1;
    }
  }
  return {
    welchFalsePositiveRate: rate(welchRejected, options.experiments),
    welchDifferenceCoverage: rate(welchCovered, options.experiments),
    meanIntervalCoverage: rate(meanCovered, 2 * options.experiments),
    mannWhitneyFalsePositiveRate: rate(mannWhitneyRejected, options.experiments),
  };
}
