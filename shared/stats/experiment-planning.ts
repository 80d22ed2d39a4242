/**
 * Planning helpers on top of the power calculations: the days a design needs at a daily
 * traffic, and the minimum detectable effect of the sample an experiment has so far.
 */
import {
  minimumDetectableEffect,
  type MinimumDetectableEffect,
} from './minimum-detectable-effect.ts';
import type { PowerMetric } from './sample-size.ts';

/**
 * Whole days until an experiment has `usersNeeded` users at `dailyUsers` a day, counting the
 * `usersSoFar` it already has: ceil((needed - so far) / daily), 0 when it has enough.
 * Source: the arithmetic of GrowthBook's and Statsig's power calculators ("days to run").
 * @param usersNeeded - users the design needs (e.g. `totalUsers` of a sample size)
 * @param dailyUsers - users entering per day, > 0
 * @param usersSoFar - users already in, default 0
 * @returns the days, or null when the traffic is not positive or an input is not finite
 * @example daysNeeded(62436, 5000) // 13
 */
export function daysNeeded(usersNeeded: number, dailyUsers: number, usersSoFar = 0): number | null {
  if (!(dailyUsers > 0) || ![usersNeeded, dailyUsers, usersSoFar].every(Number.isFinite)) {
    return null;
  }
  return Math.max(0, Math.ceil((usersNeeded - usersSoFar) / dailyUsers));
}

/** The sample an experiment has: users of the control and of the (smallest) treatment. */
export interface CurrentSample {
  readonly controlUsers: number;
  readonly treatmentUsers: number;
  /** Number of arms, control included (Bonferroni over arms - 1 comparisons). */
  readonly arms: number;
}

/**
 * The minimum detectable effect of the sample an experiment has so far: that of a design with
 * n_c = controlUsers and ratio = treatmentUsers / controlUsers.
 * Source: {@link minimumDetectableEffect}.
 * @param metric - the metric's baseline (observed control rate, or mean and sd)
 * @param sample - users so far and the number of arms
 * @param alpha - the experiment's level
 * @param power - the target power, e.g. 0.8
 * @returns the effect size and relative MDE; nulls when an arm has no users
 * @throws RangeError for alpha or power outside (0, 1) or arms < 2
 * @example currentMinimumDetectableEffect({ metric: 'binomial', baseline: 0.05 }, { controlUsers: 20000, treatmentUsers: 20000, arms: 2 }, 0.05, 0.8).relativeMde // 0.12563390096007465
 */
export function currentMinimumDetectableEffect(
  metric: PowerMetric,
  sample: CurrentSample,
  alpha: number,
  power: number,
): MinimumDetectableEffect {
  if (!(sample.controlUsers > 0 && sample.treatmentUsers > 0)) {
    return { effectSize: null, relativeMde: null };
  }
  return minimumDetectableEffect(metric, sample.controlUsers, {
    alpha,
    power,
    ratio: sample.treatmentUsers / sample.controlUsers,
    arms: sample.arms,
  });
}
