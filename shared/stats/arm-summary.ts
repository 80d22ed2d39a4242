/**
 * Per-variant summaries of the result document (`metrics[].variants[]` without the variant's
 * name and control flag).
 */
import type { VariantSummary } from '../result/result-document.ts';
import { finiteOrNull } from './interval.ts';
import { meanInterval } from './mean-interval.ts';
import { sampleSd, type MeanMoments } from './mean-moments.ts';
import { bernoulliVariance, proportion, type ProportionStats } from './proportion-stats.ts';
import { wilsonInterval } from './wilson-interval.ts';

/** The numeric part of a variant summary: users, sum, mean, sd and the interval for the mean. */
export type ArmSummary = Omit<VariantSummary, 'variant' | 'is_control'>;

/**
 * Summary of a binomial arm: users, conversions (`sum`), the rate, sd = sqrt(p(1 - p)) and the
 * Wilson score interval for the rate.
 * Source: DESIGN.md "Statistics conventions"; Wilson (1927).
 * @param stats - users and conversions
 * @param alpha - significance level of the interval
 * @returns the summary; mean, sd and interval are null for an empty arm
 * @example summarizeBinomialArm({ n: 20, successes: 3 }, 0.05).ci_low // 0.05236874589621659
 */
export function summarizeBinomialArm(stats: ProportionStats, alpha: number): ArmSummary {
  const variance = bernoulliVariance(stats);
  const interval = wilsonInterval(stats, alpha);
  return {
    users: stats.n,
    sum: stats.successes,
    mean: finiteOrNull(proportion(stats)),
    sd: variance === null ? null : finiteOrNull(Math.sqrt(variance)),
    ci_low: interval === null ? null : interval[0],
    ci_high: interval === null ? null : interval[1],
  };
}

/**
 * Summary of a continuous arm: users, sum = n * mean, the mean, the sample sd (n - 1) and the
 * t interval mean +/- t(1 - alpha/2, n - 1) sd / sqrt(n).
 * Source: DESIGN.md "Statistics conventions"; scipy.stats.t.interval.
 * @param moments - the arm's moments
 * @param alpha - significance level of the interval
 * @returns the summary; sd and interval are null below two users, mean below one
 * @example summarizeContinuousArm(momentsOf([1, 2, 3, 4]), 0.05).sd // 1.2909944487358056
 */
export function summarizeContinuousArm(moments: MeanMoments, alpha: number): ArmSummary {
  const interval = meanInterval(moments, alpha);
  const mean = moments.n > 0 ? finiteOrNull(moments.mean) : null;
  return {
    users: moments.n,
    sum: mean === null ? 0 : mean * moments.n,
    mean,
    sd: finiteOrNull(sampleSd(moments)),
    ci_low: interval === null ? null : interval[0],
    ci_high: interval === null ? null : interval[1],
  };
}
