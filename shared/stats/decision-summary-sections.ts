/**
 * Computers of the sections of `decision_vectors.json` that take summaries rather than per-unit
 * values (`power`, `mde`, `sequential`, `corrections`, `heterogeneity`, `probability_best`),
 * with `computed` shaped exactly like the file's `expected`.
 */
import { z } from 'zod';
import { benjaminiHochberg } from './benjamini-hochberg.ts';
import { confidenceSequence } from './confidence-sequence.ts';
import { cochranHeterogeneity } from './heterogeneity.ts';
import { minimumDetectableEffect } from './minimum-detectable-effect.ts';
import { bonferroni, holm } from './p-value-corrections.ts';
import { probabilityBest } from './probability-best.ts';
import { sampleSize, type PowerMetric } from './sample-size.ts';
import { alpha, count, finite, pValues } from './vector-schemas.ts';

const probability = z.number().gt(0).lt(1);
const positive = z.number().gt(0).refine(Number.isFinite, 'must be a finite number');
const design = {
  alpha,
  power: probability,
  ratio: positive,
  arms: z.number().int().min(2),
};
const binomialMetric = { metric: z.literal('binomial'), baseline: z.number().gt(0).lt(1) };
const continuousMetric = { metric: z.literal('continuous'), mean: finite, sd: positive };

const powerInput = z.discriminatedUnion('metric', [
  z.object({ ...binomialMetric, relative_mde: finite, ...design }),
  z.object({ ...continuousMetric, relative_mde: finite, ...design }),
]);
const mdeInput = z.discriminatedUnion('metric', [
  z.object({ ...binomialMetric, n_control: positive, ...design }),
  z.object({ ...continuousMetric, n_control: positive, ...design }),
]);
const sequentialInput = z.object({
  n_planned: positive,
  alpha,
  looks: z.array(
    z.object({ estimate: finite, variance: z.number().nonnegative(), n: z.number().min(1) }),
  ),
});
const correctionsInput = z.object({ p_values: pValues });
const heterogeneityInput = z
  .object({
    effects: z.array(finite).min(1),
    standard_errors: z.array(z.number().gt(0).refine(Number.isFinite, 'must be finite')).min(1),
  })
  .refine((input) => input.effects.length === input.standard_errors.length, {
    message: 'effects and standard_errors must have the same length',
    path: ['standard_errors'],
  });
const probabilityBestInput = z.object({
  arms: z
    .array(
      z
        .object({ successes: count, users: count })
        .refine((arm) => arm.successes <= arm.users, 'successes must not exceed users'),
    )
    .min(1),
});

function powerMetric(input: z.infer<typeof powerInput> | z.infer<typeof mdeInput>): PowerMetric {
  return input.metric === 'binomial'
    ? { metric: 'binomial', baseline: input.baseline }
    : { metric: 'continuous', mean: input.mean, sd: input.sd };
}

/**
 * Computes a `power` case.
 * @param input - metric, baseline (or mean and sd), relative_mde, alpha, power, ratio, arms
 * @returns `{effect_size, n_control, n_treatment, total_users}`
 * @throws ZodError for a malformed input
 * @example computePowerCase(vectors.power[0].input).total_users // 62436
 */
export function computePowerCase(input: unknown): unknown {
  const parsed = powerInput.parse(input);
  const result = sampleSize(powerMetric(parsed), parsed.relative_mde, parsed);
  return {
    effect_size: result.effectSize,
    n_control: result.nControl,
    n_treatment: result.nTreatment,
    total_users: result.totalUsers,
  };
}

/**
 * Computes an `mde` case.
 * @param input - metric, baseline (or mean and sd), n_control, alpha, power, ratio, arms
 * @returns `{effect_size, relative_mde}`
 * @throws ZodError for a malformed input
 * @example computeMdeCase(vectors.mde[0].input).relative_mde
 */
export function computeMdeCase(input: unknown): unknown {
  const parsed = mdeInput.parse(input);
  const result = minimumDetectableEffect(powerMetric(parsed), parsed.n_control, parsed);
  return { effect_size: result.effectSize, relative_mde: result.relativeMde };
}

/**
 * Computes a `sequential` case.
 * @param input - n_planned, alpha, looks
 * @returns rho2 and one result per look
 * @throws ZodError for a malformed input
 * @example computeSequentialCase(vectors.sequential[0].input).rho2
 */
export function computeSequentialCase(input: unknown): unknown {
  const parsed = sequentialInput.parse(input);
  const result = confidenceSequence(parsed.looks, parsed.n_planned, parsed.alpha);
  return {
    rho2: result.rho2,
    looks: result.looks.map((look) => ({
      half_width: look.halfWidth,
      p_value: look.pValue,
      ci_low: look.ciLow,
      ci_high: look.ciHigh,
      p_value_running: look.pValueRunning,
    })),
  };
}

/**
 * Computes a `corrections` case.
 * @param input - `{p_values}`
 * @returns `{holm, bonferroni, benjamini_hochberg}`
 * @throws ZodError for a malformed input
 * @example computeCorrectionsCase({ p_values: [0.01, 0.04] }).holm // [0.02, 0.04]
 */
export function computeCorrectionsCase(input: unknown): unknown {
  const { p_values: p } = correctionsInput.parse(input);
  return { holm: holm(p), bonferroni: bonferroni(p), benjamini_hochberg: benjaminiHochberg(p) };
}

/**
 * Computes a `heterogeneity` case.
 * @param input - `{effects, standard_errors}`
 * @returns pooled effect and standard error, q, df, p-value, I^2
 * @throws ZodError for a malformed input
 * @example computeHeterogeneityCase({ effects: [0.02, 0.02], standard_errors: [0.01, 0.02] }).i_squared // 0
 */
export function computeHeterogeneityCase(input: unknown): unknown {
  const parsed = heterogeneityInput.parse(input);
  const result = cochranHeterogeneity(parsed.effects, parsed.standard_errors);
  return {
    pooled_effect: result.pooledEffect,
    pooled_standard_error: result.pooledStandardError,
    q: result.q,
    df: result.df,
    p_value: result.pValue,
    i_squared: result.iSquared,
  };
}

/**
 * Computes a `probability_best` case.
 * @param input - `{arms: [{successes, users}]}`
 * @returns `{probability_best}` in input order
 * @throws ZodError for a malformed input
 * @example computeProbabilityBestCase({ arms: [{ successes: 0, users: 1 }, { successes: 1, users: 1 }] })
 */
export function computeProbabilityBestCase(input: unknown): unknown {
  const parsed = probabilityBestInput.parse(input);
  return {
    probability_best: probabilityBest(
      parsed.arms.map((arm) => ({ n: arm.users, successes: arm.successes })),
    ),
  };
}
