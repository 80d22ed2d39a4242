/**
 * The statistics of one treatment-versus-control comparison: the result document's
 * `comparisons[]` entry without the names and the multiple-testing fields, which the analysis
 * fills once every comparison of the experiment is known.
 */
import type { Comparison } from '../result/result-document.ts';
import type { MeanMoments } from './mean-moments.ts';

/** What `compareBinomial` and `compareContinuous` return. */
export type ArmComparison = Omit<
  Comparison,
  'variant' | 'control' | 'p_value_adjusted' | 'significant' | 'cuped' | 'guardrail_harmed'
>;

/**
 * A continuous arm: its addable moments and, when available, the per-user values (needed only
 * by the Mann-Whitney test, which ranks them).
 */
export interface ContinuousSample {
  readonly moments: MeanMoments;
  readonly values?: Float64Array | null;
}
