/**
 * The peeking study: seeded A/A experiments looked at every day. Checking a fixed-horizon test
 * at every look and stopping at the first p < alpha rejects far more often than alpha; the
 * always-valid p-value of the confidence sequence (running minimum over the looks) rejects at
 * most alpha of the time, however often one looks.
 */
import { binomialTest, twoByTwoTable } from '../binomial-test.ts';
import { comparisonLook } from '../comparison-look.ts';
import {
  INITIAL_SEQUENTIAL_STATE,
  sequentialRho2,
  updateSequentialState,
} from '../confidence-sequence.ts';
import { createSeededRandom } from './seeded-random.ts';
import type { Rate } from './aa-simulation.ts';

/** Size of a peeking study. */
export interface PeekingOptions {
  readonly experiments: number;
  readonly looks: number;
  /** Users entering each arm per day (one look a day). */
  readonly dailyUsersPerArm: number;
  readonly seed: number;
  readonly alpha: number;
}

/** How often an A/A experiment was ever declared significant over its looks. */
export interface PeekingCalibration {
  /** The fixed-horizon test (chi-square / Fisher) below alpha at some look. */
  readonly fixedHorizonEverSignificant: Rate;
  /** The fixed-horizon test below alpha at the last look only (no peeking). */
  readonly fixedHorizonAtEnd: Rate;
  /** The always-valid p-value below alpha at some look. */
  readonly sequentialEverSignificant: Rate;
}

/**
 * Binomial A/A experiments with a daily look: per experiment a true rate p ~ U(0.02, 0.2) for
 * both arms, `dailyUsersPerArm` new users per arm a day, and at each look the cumulative
 * chi-square / Fisher p-value and the confidence sequence planned for the last look's users.
 * @param options - experiments, looks, traffic, seed and alpha
 * @returns the three rates
 * @example simulatePeekingAA({ experiments: 100, looks: 30, dailyUsersPerArm: 200, seed: 1, alpha: 0.05 })
 */
export function simulatePeekingAA(options: PeekingOptions): PeekingCalibration {
  const random = createSeededRandom(options.seed);
  const rho2 = sequentialRho2(2 * options.looks * options.dailyUsersPerArm, options.alpha);
  let fixedEver = 0;
  let fixedEnd = 0;
  let sequentialEver = 0;
  for (let e = 0; e < options.experiments; e += 1) {
    const p = 0.02 + 0.18 * random.uniform();
    const control = { n: 0, successes: 0 };
    const treatment = { n: 0, successes: 0 };
    let state = INITIAL_SEQUENTIAL_STATE;
    let crossed = false;
    let pValue = 1;
    for (let look = 0; look < options.looks; look += 1) {
      for (const arm of [control, treatment]) {
        for (let i = 0; i < options.dailyUsersPerArm; i += 1) {
          if (random.uniform() < p) arm.successes += 1;
        }
        arm.n += options.dailyUsersPerArm;
      }
      pValue = binomialTest(twoByTwoTable(control, treatment)).pValue;
      if (pValue < options.alpha) crossed = true;
      const moments = (arm: typeof control) => ({
        n: arm.n,
        mean: arm.successes / arm.n,
        m2: (arm.successes * (arm.n - arm.successes)) / arm.n,
      });
      const observed = comparisonLook('binomial', moments(control), moments(treatment));
      if (observed !== null)
        state = updateSequentialState(state, observed, rho2, options.alpha).state;
    }
    if (crossed) fixedEver += 1;
    if (pValue < options.alpha) fixedEnd += 1;
    if (state.pValue !== null && state.pValue < options.alpha) sequentialEver += 1;
  }
  const rate = (count: number): Rate => ({
    rate: count / options.experiments,
    count,
    trials: options.experiments,
  });
  return {
    fixedHorizonEverSignificant: rate(fixedEver),
    fixedHorizonAtEnd: rate(fixedEnd),
    sequentialEverSignificant: rate(sequentialEver),
  };
}
