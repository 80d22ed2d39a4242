/**
 * `npm run calibrate`: seeded A/A simulations of realistic size (2,000 to 20,000 users per arm)
 * for binomial and revenue-like continuous metrics. Prints the false-positive rates at
 * alpha = 0.05 and the coverage of the 95% intervals, and exits non-zero when one is outside
 * its band (false positives in [0.04, 0.06], coverage in [0.94, 0.96]).
 *
 * Then the peeking study: 2,000 binomial A/A experiments with 30 daily looks (500 users per arm a
 * day): the share ever significant with the fixed-horizon test checked at every look (far above
 * alpha; band [0.1, 1]) and with the always-valid p-value (at most alpha; band [0, 0.05]).
 *
 * Options: --experiments N (default 10000 per metric type), --seed S (default 20261124).
 */
import {
  simulateBinomialAA,
  simulateContinuousAA,
  type Rate,
  type SimulationOptions,
} from '../shared/stats/simulation/aa-simulation.ts';
import { simulatePeekingAA } from '../shared/stats/simulation/peeking-simulation.ts';

interface Row {
  readonly metric: string;
  readonly measure: string;
  readonly value: Rate;
  readonly band: readonly [number, number];
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`calibrate: ${name} needs a positive integer`);
    process.exit(2);
  }
  return value;
}

const options: SimulationOptions = {
  experiments: option('--experiments', 10_000),
  seed: option('--seed', 20261124),
  alpha: 0.05,
  minUsers: 2_000,
  maxUsers: 20_000,
};
const falsePositiveBand = [0.04, 0.06] as const;
const coverageBand = [0.94, 0.96] as const;

const started = Date.now();
const binomial = simulateBinomialAA(options);
const continuous = simulateContinuousAA({ ...options, seed: options.seed + 1 });
const peeking = simulatePeekingAA({
  experiments: 2_000,
  looks: 30,
  dailyUsersPerArm: 500,
  seed: options.seed + 2,
  alpha: options.alpha,
});
const rows: Row[] = [
  {
    metric: 'binomial',
    measure: 'false positives (chi-square / Fisher)',
    value: binomial.falsePositiveRate,
    band: falsePositiveBand,
  },
  {
    metric: 'binomial',
    measure: 'Wilson interval covers p',
    value: binomial.wilsonCoverage,
    band: coverageBand,
  },
  {
    metric: 'binomial',
    measure: 'Wald difference interval covers 0',
    value: binomial.waldDifferenceCoverage,
    band: coverageBand,
  },
  {
    metric: 'continuous',
    measure: 'false positives (Welch t)',
    value: continuous.welchFalsePositiveRate,
    band: falsePositiveBand,
  },
  {
    metric: 'continuous',
    measure: 'Welch difference interval covers 0',
    value: continuous.welchDifferenceCoverage,
    band: coverageBand,
  },
  {
    metric: 'continuous',
    measure: 't interval covers the true mean',
    value: continuous.meanIntervalCoverage,
    band: coverageBand,
  },
  {
    metric: 'continuous',
    measure: 'false positives (Mann-Whitney U)',
    value: continuous.mannWhitneyFalsePositiveRate,
    band: falsePositiveBand,
  },
  {
    metric: 'peeking',
    measure: 'ever significant, fixed-horizon, 30 looks',
    value: peeking.fixedHorizonEverSignificant,
    band: [0.1, 1],
  },
  {
    metric: 'peeking',
    measure: 'significant at the last look only',
    value: peeking.fixedHorizonAtEnd,
    band: falsePositiveBand,
  },
  {
    metric: 'peeking',
    measure: 'ever significant, always-valid p-value',
    value: peeking.sequentialEverSignificant,
    band: [0, 0.05],
  },
];

console.log(
  `A/A calibration: ${options.experiments} experiments per metric type, ` +
    `${options.minUsers}-${options.maxUsers} users per arm, alpha ${options.alpha}, seed ${options.seed}\n`,
);
console.log(
  `${'metric'.padEnd(11)} ${'measure'.padEnd(40)} ${'rate'.padStart(7)} ${'count'.padStart(13)}  band         ok`,
);
let failures = 0;
for (const { metric, measure, value, band } of rows) {
  const ok = value.rate >= band[0] && value.rate <= band[1];
  if (!ok) failures += 1;
  console.log(
    `${metric.padEnd(11)} ${measure.padEnd(40)} ${value.rate.toFixed(4).padStart(7)} ` +
      `${`${value.count}/${value.trials}`.padStart(13)}  [${band[0]}, ${band[1]}]  ${ok ? 'yes' : 'NO'}`,
  );
}
console.log(
  `\n${((Date.now() - started) / 1000).toFixed(1)} s; ${failures === 0 ? 'all within their bands' : `${failures} outside their band`}`,
);
process.exitCode = failures === 0 ? 0 : 1;
