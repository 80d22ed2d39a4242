/**
 * Planning an experiment before it runs (`abtest plan`, `POST /v1/plan`): the sample size per arm
 * and in total for a relative MDE, or the relative MDE of a total sample size; a binomial metric
 * (baseline rate) or a continuous one (mean and sd); one control and `arms - 1` treatments
 * tested at alpha / (arms - 1) (Bonferroni); `ratio` treatment users per control user (an
 * unequal split); and the days needed at a daily traffic. One zod schema for both callers.
 */
import { z } from 'zod';
import {
  bonferroniLevel,
  daysNeeded,
  minimumDetectableEffect,
  sampleSize,
  type PowerMetric,
} from '../stats/index.ts';

/** A planning request. */
export const planRequestSchema = z
  .object({
    metric: z.enum(['binomial', 'continuous']),
    /** Binomial: the control's conversion rate, in (0, 1). */
    baseline: z.number().gt(0).lt(1).optional(),
    /** Continuous: the control's mean and standard deviation. */
    mean: z
      .number()
      .refine((x) => x !== 0, 'mean must not be 0')
      .optional(),
    sd: z.number().positive().optional(),
    /** The relative effect to detect (0.05 for +5%): solve for the sample size. */
    mde: z
      .number()
      .refine((x) => x !== 0 && Number.isFinite(x), 'mde must not be 0')
      .optional(),
    /** The total users available (all arms): solve for the MDE. */
    users: z.number().int().positive().optional(),
    alpha: z.number().gt(0).lt(1).default(0.05),
    power: z.number().gt(0).lt(1).default(0.8),
    /** Arms, the control included. */
    arms: z.number().int().min(2).max(100).default(2),
    /** Treatment users per control user. */
    ratio: z.number().positive().default(1),
    /** Users entering the experiment per day. */
    daily_users: z.number().positive().optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    if ((request.mde === undefined) === (request.users === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['mde'], message: 'give exactly one of mde and users' });
    }
    if (request.metric === 'binomial' && request.baseline === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseline'],
        message: 'a binomial plan needs baseline',
      });
    }
    if (
      request.metric === 'continuous' &&
      (request.mean === undefined || request.sd === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [request.mean === undefined ? 'mean' : 'sd'],
        message: 'a continuous plan needs mean and sd',
      });
    }
  });

export type PlanRequest = z.infer<typeof planRequestSchema>;

/** A plan's answer. */
export const planSchema = z.object({
  metric: z.enum(['binomial', 'continuous']),
  solved_for: z.enum(['sample_size', 'mde']),
  alpha: z.number(),
  alpha_per_comparison: z.number(),
  power: z.number(),
  arms: z.number().int(),
  ratio: z.number(),
  effect_size: z.number().nullable(),
  relative_mde: z.number().nullable(),
  control_users: z.number().int().nullable(),
  treatment_users: z.number().int().nullable(),
  total_users: z.number().int().nullable(),
  daily_users: z.number().nullable(),
  days_needed: z.number().int().nullable(),
});
export type Plan = z.infer<typeof planSchema>;

/**
 * Computes a plan.
 * Source: `sampleSize` and `minimumDetectableEffect` of shared/stats (statsmodels
 * NormalIndPower / TTestIndPower solved to full precision), `daysNeeded`.
 * @param request - a checked request
 * @returns the users per arm and in total (rounded up), or the MDE, and the days needed
 * @example planExperiment(planRequestSchema.parse({ metric: 'binomial', baseline: 0.05, mde: 0.1 })).total_users // 62436
 */
export function planExperiment(request: PlanRequest): Plan {
  const metric: PowerMetric =
    request.metric === 'binomial'
      ? { metric: 'binomial', baseline: request.baseline ?? 0 }
      : { metric: 'continuous', mean: request.mean ?? 0, sd: request.sd ?? 0 };
  const design = {
    alpha: request.alpha,
    power: request.power,
    ratio: request.ratio,
    arms: request.arms,
  };
  const common = {
    metric: request.metric,
    alpha: request.alpha,
    alpha_per_comparison: bonferroniLevel(design),
    power: request.power,
    arms: request.arms,
    ratio: request.ratio,
    daily_users: request.daily_users ?? null,
  };
  const days = (total: number | null) =>
    total === null || request.daily_users === undefined
      ? null
      : daysNeeded(total, request.daily_users);
  if (request.mde !== undefined) {
    const size = sampleSize(metric, request.mde, design);
    return {
      ...common,
      solved_for: 'sample_size',
      effect_size: size.effectSize,
      relative_mde: request.mde,
      control_users: size.nControl === null ? null : Math.ceil(size.nControl),
      treatment_users: size.nTreatment === null ? null : Math.ceil(size.nTreatment),
      total_users: size.totalUsers,
      days_needed: days(size.totalUsers),
    };
  }
  const users = request.users ?? 0;
  const nControl = users / (1 + (request.arms - 1) * request.ratio);
  const mde = minimumDetectableEffect(metric, nControl, design);
  return {
    ...common,
    solved_for: 'mde',
    effect_size: mde.effectSize,
    relative_mde: mde.relativeMde,
    control_users: Math.floor(nControl),
    treatment_users: Math.floor(nControl * request.ratio),
    total_users: users,
    days_needed: days(users),
  };
}
