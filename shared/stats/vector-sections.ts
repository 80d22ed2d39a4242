/**
 * The computers of the reference-vector sections (`binomial`, `continuous`,
 * `benjamini_hochberg`, `srm` of `stats_vectors.json`, and those of `decision_vectors.json`):
 * each validates one case's `input` and computes the `computed` object with exactly the keys and
 * shapes of the file's `expected`.
 */
import { z } from 'zod';
import { summarizeContinuousArm } from './arm-summary.ts';
import { benjaminiHochberg } from './benjamini-hochberg.ts';
import { compareBinomial } from './compare-binomial.ts';
import { compareContinuous } from './compare-continuous.ts';
import { toNullableInterval } from './interval.ts';
import { momentsOf } from './mean-moments.ts';
import { sampleRatioMismatch } from './sample-ratio-mismatch.ts';
import { wilsonInterval } from './wilson-interval.ts';
import { alpha, count, finite, pValues } from './vector-schemas.ts';
import {
  computeCupedCase,
  computeRatioCase,
  computeWinsorizeCase,
} from './decision-arm-sections.ts';
import {
  computeCorrectionsCase,
  computeHeterogeneityCase,
  computeMdeCase,
  computePowerCase,
  computeProbabilityBestCase,
  computeSequentialCase,
} from './decision-summary-sections.ts';

/** Computes one case's `computed` from its `input`; throws a ZodError on an invalid input. */
export type SectionComputer = (input: unknown) => unknown;

const binomialArm = z
  .object({ conversions: count, users: count })
  .refine((arm) => arm.conversions <= arm.users, 'conversions must not exceed users');

const binomialInput = z.object({ control: binomialArm, treatment: binomialArm, alpha });
const continuousInput = z.object({ control: z.array(finite), treatment: z.array(finite), alpha });
const srmInput = z.object({
  observed: z.array(count).min(1),
  expected_share: z.array(z.number().nonnegative()).min(1),
});

function computeBinomialCase(input: unknown): unknown {
  const parsed = binomialInput.parse(input);
  const control = { n: parsed.control.users, successes: parsed.control.conversions };
  const treatment = { n: parsed.treatment.users, successes: parsed.treatment.conversions };
  const comparison = compareBinomial(control, treatment, parsed.alpha);
  return {
    wilson_control: toNullableInterval(wilsonInterval(control, parsed.alpha)),
    wilson_treatment: toNullableInterval(wilsonInterval(treatment, parsed.alpha)),
    test: comparison.test,
    statistic: comparison.statistic,
    p_value: comparison.p_value,
    difference: comparison.difference,
    difference_ci: comparison.difference_ci,
    relative_lift: comparison.relative_lift,
    relative_lift_ci: comparison.relative_lift_ci,
    bayesian: comparison.bayesian,
  };
}

function computeContinuousCase(input: unknown): unknown {
  const parsed = continuousInput.parse(input);
  const controlValues = Float64Array.from(parsed.control);
  const treatmentValues = Float64Array.from(parsed.treatment);
  const control = { moments: momentsOf(controlValues), values: controlValues };
  const treatment = { moments: momentsOf(treatmentValues), values: treatmentValues };
  const comparison = compareContinuous(control, treatment, parsed.alpha);
  return {
    test: comparison.test,
    statistic: comparison.statistic,
    p_value: comparison.p_value,
    df: comparison.df,
    difference: comparison.difference,
    difference_ci: comparison.difference_ci,
    cohens_d: comparison.cohens_d,
    relative_lift: comparison.relative_lift,
    relative_lift_ci: comparison.relative_lift_ci,
    mann_whitney: comparison.mann_whitney,
    control_sd: summarizeContinuousArm(control.moments, parsed.alpha).sd,
    treatment_sd: summarizeContinuousArm(treatment.moments, parsed.alpha).sd,
  };
}

function computeBenjaminiHochbergCase(input: unknown): unknown {
  return benjaminiHochberg(pValues.parse(input));
}

function computeSrmCase(input: unknown): unknown {
  const parsed = srmInput
    .refine((v) => v.observed.length === v.expected_share.length, {
      message: 'observed and expected_share must have the same length',
    })
    .parse(input);
  return sampleRatioMismatch(parsed.observed, parsed.expected_share);
}

/** The sections this layer computes, by name. */
export const STATS_SECTION_COMPUTERS: Readonly<Record<string, SectionComputer>> = Object.freeze({
  binomial: computeBinomialCase,
  continuous: computeContinuousCase,
  benjamini_hochberg: computeBenjaminiHochbergCase,
  srm: computeSrmCase,
  cuped: computeCupedCase,
  ratio: computeRatioCase,
  winsorize: computeWinsorizeCase,
  power: computePowerCase,
  mde: computeMdeCase,
  sequential: computeSequentialCase,
  corrections: computeCorrectionsCase,
  heterogeneity: computeHeterogeneityCase,
  probability_best: computeProbabilityBestCase,
});
