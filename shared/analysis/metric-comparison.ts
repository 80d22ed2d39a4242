/**
 * One metric's variant summary and treatment-versus-control comparison on any rows of the
 * per-user table (a whole arm, or the arm within a segment level): binomial (chi-square or
 * Fisher), continuous (Welch, with the normal approximation's P(beat control) and expected
 * loss) or ratio (the delta method's z). Each comparison also gives the standard error of its
 * difference, which Cochran's Q of the segments weighs by.
 */
import {
  bernoulliVariance,
  bivariateMomentsOf,
  compareBinomial,
  compareContinuous,
  compareRatios,
  momentsOf,
  normalBeatControl,
  normalCriticalValue,
  ratioArm,
  summarizeBinomialArm,
  summarizeContinuousArm,
  symmetricInterval,
  toNullableInterval,
  welchTTest,
  type ArmComparison,
  type ArmSummary,
} from '../stats/index.ts';
import type { VariantSummary } from '../result/result-document.ts';
import { gather, sumOf } from './row-selection.ts';

/** A metric's per-user columns, row-aligned with the per-user table. */
export type MetricData =
  | {
      readonly kind: 'value';
      readonly name: string;
      readonly type: 'binomial' | 'continuous';
      readonly values: Float64Array;
    }
  | {
      readonly kind: 'ratio';
      readonly name: string;
      readonly numerator: Float64Array;
      readonly denominator: Float64Array;
    };

/** A comparison and the standard error of its difference (null where undefined). */
export interface MetricComparison {
  readonly comparison: ArmComparison;
  readonly standardError: number | null;
}

/** The numeric part of a variant summary, with a ratio's sums. */
export type MetricArmSummary = ArmSummary &
  Pick<VariantSummary, 'numerator_sum' | 'denominator_sum'>;

/**
 * Summarises a metric on some rows: users, sum, mean, sd and interval (Wilson, t, or for a
 * ratio R +/- z sqrt(Var R) with the sums of its numerator and denominator).
 * @param data - the metric's columns
 * @param rows - the rows of the arm
 * @param alpha - significance level of the interval
 * @returns the summary
 * @example summarizeMetricArm(data, rows, 0.05).users
 */
export function summarizeMetricArm(
  data: MetricData,
  rows: Uint32Array,
  alpha: number,
): MetricArmSummary {
  if (data.kind === 'ratio') {
    const numerator = gather(data.numerator, rows);
    const denominator = gather(data.denominator, rows);
    const arm = ratioArm(bivariateMomentsOf(denominator, numerator));
    const interval = symmetricInterval(
      arm.ratio,
      normalCriticalValue(alpha),
      arm.variance === null ? null : Math.sqrt(arm.variance),
    );
    const numeratorSum = sumOf(numerator);
    return {
      users: rows.length,
      sum: numeratorSum,
      mean: arm.ratio,
      sd: null,
      ci_low: interval?.[0] ?? null,
      ci_high: interval?.[1] ?? null,
      numerator_sum: numeratorSum,
      denominator_sum: sumOf(denominator),
    };
  }
  const values = gather(data.values, rows);
  return data.type === 'binomial'
    ? summarizeBinomialArm({ n: values.length, successes: sumOf(values) }, alpha)
    : { ...summarizeContinuousArm(momentsOf(values), alpha), sum: sumOf(values) };
}

/**
 * Compares a treatment's rows with the control's on one metric.
 * @param data - the metric's columns
 * @param controlRows - the control's rows
 * @param treatedRows - the treatment's rows
 * @param alpha - significance level of the intervals
 * @param ranks - whether to rank the values for Mann-Whitney (whole arms only)
 * @returns the comparison and its standard error
 * @example compareMetricArms(data, controlRows, treatedRows, 0.05, true).comparison.p_value
 */
export function compareMetricArms(
  data: MetricData,
  controlRows: Uint32Array,
  treatedRows: Uint32Array,
  alpha: number,
  ranks: boolean,
): MetricComparison {
  if (data.kind === 'ratio') return compareRatioArms(data, controlRows, treatedRows, alpha);
  const control = gather(data.values, controlRows);
  const treated = gather(data.values, treatedRows);
  if (data.type === 'binomial') {
    const c = { n: control.length, successes: sumOf(control) };
    const t = { n: treated.length, successes: sumOf(treated) };
    const vc = bernoulliVariance(c);
    const vt = bernoulliVariance(t);
    return {
      comparison: compareBinomial(c, t, alpha),
      standardError: vc === null || vt === null ? null : Math.sqrt(vc / c.n + vt / t.n),
    };
  }
  const mc = momentsOf(control);
  const mt = momentsOf(treated);
  const comparison = compareContinuous(
    { moments: mc, values: ranks ? control : null },
    { moments: mt, values: ranks ? treated : null },
    alpha,
  );
  const standardError = comparison.test === null ? null : welchTTest(mc, mt, alpha).standardError;
  const bayesian = normalBeatControl(comparison.difference, standardError);
  return {
    comparison: {
      ...comparison,
      bayesian: bayesian && {
        prob_beat_control: bayesian.probBeatControl,
        expected_loss: bayesian.expectedLoss,
      },
    },
    standardError,
  };
}

function compareRatioArms(
  data: Extract<MetricData, { kind: 'ratio' }>,
  controlRows: Uint32Array,
  treatedRows: Uint32Array,
  alpha: number,
): MetricComparison {
  const arm = (rows: Uint32Array) =>
    ratioArm(bivariateMomentsOf(gather(data.denominator, rows), gather(data.numerator, rows)));
  const result = compareRatios(arm(controlRows), arm(treatedRows), alpha);
  const bayesian = normalBeatControl(result.difference, result.standardError);
  return {
    comparison: {
      test: result.difference === null ? null : 'delta_method_z',
      statistic: result.zStatistic,
      p_value: result.pValue,
      difference: result.difference,
      difference_ci: toNullableInterval(result.interval),
      relative_lift: result.relativeLift,
      relative_lift_ci: toNullableInterval(result.relativeInterval),
      df: null,
      cohens_d: null,
      mann_whitney: null,
      bayesian: bayesian && {
        prob_beat_control: bayesian.probBeatControl,
        expected_loss: bayesian.expectedLoss,
      },
    },
    standardError: result.standardError,
  };
}
