/**
 * Computers of the per-arm sections of `decision_vectors.json` (`cuped`, `ratio`, `winsorize`):
 * raw per-unit values in, the moments the statistics take, and `computed` shaped exactly like
 * the file's `expected` (snake_case keys, arms in input order, treatments without the control).
 */
import { z } from 'zod';
import { bivariateMomentsOf } from './bivariate-moments.ts';
import { cuped } from './cuped.ts';
import { compareRatios, ratioArm, type RatioComparison } from './delta-method-ratio.ts';
import { sampleVariance } from './mean-moments.ts';
import { namedArms, finite } from './vector-schemas.ts';
import { welchTTest, type WelchTTest } from './welch-t-test.ts';
import { winsorizeValues } from './winsorize.ts';

const cupedInput = namedArms(
  z
    .object({ y: z.array(finite), x: z.array(finite) })
    .refine((arm) => arm.y.length === arm.x.length, {
      message: 'y and x must have the same length',
    }),
);
const ratioInput = namedArms(
  z
    .object({ numerator: z.array(finite), denominator: z.array(finite) })
    .refine((arm) => arm.numerator.length === arm.denominator.length, {
      message: 'numerator and denominator must have the same length',
    }),
);
const winsorizeInput = namedArms(z.array(finite)).and(
  z
    .object({
      lower_percentile: z.number().min(0).max(100),
      upper_percentile: z.number().min(0).max(100),
    })
    .refine((p) => p.lower_percentile <= p.upper_percentile, {
      message: 'lower_percentile must not exceed upper_percentile',
      path: ['lower_percentile'],
    }),
);

/**
 * Welch's test in the reference's keys.
 * @param welch - the test
 * @returns `{difference, standard_error, t_statistic, df, p_value, ci_low, ci_high}`
 * @example welchKeys(welchTTest(momentsOf([1, 2]), momentsOf([2, 4]), 0.05)).df
 */
export function welchKeys(welch: WelchTTest): Record<string, number | null> {
  return {
    difference: welch.difference,
    standard_error: welch.standardError,
    t_statistic: welch.statistic,
    df: welch.df,
    p_value: welch.pValue,
    ci_low: welch.differenceInterval?.[0] ?? null,
    ci_high: welch.differenceInterval?.[1] ?? null,
  };
}

/** One `comparison` with two arms, else `comparisons`: one per treatment with its name first. */
function treatmentComparisons(
  names: readonly string[],
  control: string,
  compare: (treatment: string) => Record<string, unknown>,
): Record<string, unknown> {
  const treatments = names.filter((name) => name !== control);
  if (treatments.length === 1) return { comparison: compare(treatments[0]) };
  return { comparisons: treatments.map((name) => ({ treatment: name, ...compare(name) })) };
}

/**
 * Computes a `cuped` case.
 * @param input - `{arms: {name: {y, x}}, control, alpha}`
 * @returns theta, the arms and one comparison per treatment
 * @throws ZodError for a malformed input
 * @example computeCupedCase(vectors.cuped[0].input).theta
 */
export function computeCupedCase(input: unknown): unknown {
  const parsed = cupedInput.parse(input);
  const result = cuped(
    Object.entries(parsed.arms).map(([name, arm]) => ({
      name,
      moments: bivariateMomentsOf(arm.x, arm.y),
    })),
    parsed.control,
    parsed.alpha,
  );
  return {
    theta: result.theta,
    arms: Object.fromEntries(
      result.arms.map((arm) => [
        arm.name,
        {
          n: arm.n,
          mean: arm.mean,
          adjusted_mean: arm.adjustedMean,
          variance: arm.variance,
          adjusted_variance: arm.adjustedVariance,
        },
      ]),
    ),
    comparisons: result.comparisons.map((c) => ({
      treatment: c.treatment,
      ...welchKeys(c.welch),
      relative_lift: c.relativeLift.lift,
      relative_ci_low: c.relativeLift.interval?.[0] ?? null,
      relative_ci_high: c.relativeLift.interval?.[1] ?? null,
      unadjusted_standard_error: c.unadjustedStandardError,
      variance_reduction: c.varianceReduction,
    })),
  };
}

function ratioKeys(c: RatioComparison): Record<string, number | null> {
  return {
    difference: c.difference,
    standard_error: c.standardError,
    z_statistic: c.zStatistic,
    p_value: c.pValue,
    ci_low: c.interval?.[0] ?? null,
    ci_high: c.interval?.[1] ?? null,
    relative_lift: c.relativeLift,
    relative_ci_low: c.relativeInterval?.[0] ?? null,
    relative_ci_high: c.relativeInterval?.[1] ?? null,
  };
}

/**
 * Computes a `ratio` case.
 * @param input - `{arms: {name: {numerator, denominator}}, control, alpha}`
 * @returns the arms and the comparison
 * @throws ZodError for a malformed input
 * @example computeRatioCase(vectors.ratio[0].input).comparison
 */
export function computeRatioCase(input: unknown): unknown {
  const parsed = ratioInput.parse(input);
  const arms = Object.fromEntries(
    Object.entries(parsed.arms).map(([name, arm]) => [
      name,
      ratioArm(bivariateMomentsOf(arm.denominator, arm.numerator)),
    ]),
  );
  return {
    arms: Object.fromEntries(
      Object.entries(arms).map(([name, arm]) => [
        name,
        { n: arm.n, ratio: arm.ratio, variance: arm.variance },
      ]),
    ),
    ...treatmentComparisons(Object.keys(arms), parsed.control, (treatment) =>
      ratioKeys(compareRatios(arms[parsed.control], arms[treatment], parsed.alpha)),
    ),
  };
}

/**
 * Computes a `winsorize` case.
 * @param input - `{arms: {name: values}, control, lower_percentile, upper_percentile, alpha}`
 * @returns the caps, the capped arms and Welch's comparison
 * @throws ZodError for a malformed input
 * @example computeWinsorizeCase(vectors.winsorize[0].input).upper_cap
 */
export function computeWinsorizeCase(input: unknown): unknown {
  const parsed = winsorizeInput.parse(input);
  const names = Object.keys(parsed.arms);
  const result = winsorizeValues(
    names.map((name) => parsed.arms[name]),
    parsed.lower_percentile,
    parsed.upper_percentile,
  );
  const moments = Object.fromEntries(names.map((name, i) => [name, result.arms[i]]));
  return {
    lower_cap: result.lowerCap,
    upper_cap: result.upperCap,
    arms: Object.fromEntries(
      names.map((name) => [
        name,
        {
          n: moments[name].n,
          mean: moments[name].n > 0 ? moments[name].mean : null,
          variance: sampleVariance(moments[name]),
        },
      ]),
    ),
    ...treatmentComparisons(names, parsed.control, (treatment) =>
      welchKeys(welchTTest(moments[parsed.control], moments[treatment], parsed.alpha)),
    ),
  };
}
