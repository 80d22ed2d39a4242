/**
 * Multi-arm experiments: every arm's probability of being best on the primary metric, and the
 * Thompson-sampling weights recommended for new traffic (each arm at least {@link THOMPSON_FLOOR},
 * 1%, so a wrong early lead can still be corrected). Binomial metrics use the Beta posteriors;
 * continuous and ratio metrics the normal approximation of each arm's mean (mean, se = sd /
 * sqrt(n); for a ratio, the delta method's).
 */
import {
  bivariateMomentsOf,
  momentsOf,
  normalProbabilityBest,
  probabilityBest,
  ratioArm,
  sampleVariance,
  thompsonAllocation,
  THOMPSON_FLOOR,
} from '../stats/index.ts';
import type { Allocation } from '../result/result-document.ts';
import type { ArmRows } from './cuped-estimate.ts';
import type { MetricData } from './metric-comparison.ts';
import { gather, sumOf } from './row-selection.ts';

/**
 * The allocation of an experiment with at least three arms, or null (two arms, an empty arm, or
 * an arm whose mean or standard error is undefined).
 * @param data - the primary metric's columns
 * @param arms - every arm's rows, in document order
 * @returns the probabilities of being best and the recommended weights
 * @example armAllocation(primary, arms)?.arms[0].weight
 */
export function armAllocation(data: MetricData, arms: readonly ArmRows[]): Allocation | null {
  if (arms.length < 3 || arms.some((arm) => arm.rows.length < 2)) return null;
  const probabilities = probabilitiesBest(data, arms);
  if (probabilities === null || !(probabilities.reduce((a, b) => a + b, 0) > 0)) return null;
  const weights = thompsonAllocation(probabilities, THOMPSON_FLOOR);
  return {
    metric: data.name,
    floor: THOMPSON_FLOOR,
    arms: arms.map((arm, i) => ({
      variant: arm.variant,
      probability_best: probabilities[i] ?? 0,
      weight: weights[i] ?? 0,
    })),
  };
}

function probabilitiesBest(data: MetricData, arms: readonly ArmRows[]): number[] | null {
  if (data.kind === 'value' && data.type === 'binomial') {
    return probabilityBest(
      arms.map((arm) => ({ n: arm.rows.length, successes: sumOf(gather(data.values, arm.rows)) })),
    );
  }
  const normal = arms.map((arm) => {
    if (data.kind === 'ratio') {
      const r = ratioArm(
        bivariateMomentsOf(gather(data.denominator, arm.rows), gather(data.numerator, arm.rows)),
      );
      return r.ratio === null || r.variance === null
        ? null
        : { mean: r.ratio, standardError: Math.sqrt(r.variance) };
    }
    const moments = momentsOf(gather(data.values, arm.rows));
    const variance = sampleVariance(moments);
    return variance === null
      ? null
      : { mean: moments.mean, standardError: Math.sqrt(variance / moments.n) };
  });
  if (normal.some((arm) => arm === null)) return null;
  return normalProbabilityBest(normal as { mean: number; standardError: number }[]);
}
