/**
 * The statistics of an experiment from its per-user table: per metric and variant the users,
 * sum, mean, sd and interval; every treatment against the control; Benjamini-Hochberg over all
 * comparisons of the analysis; the sample-ratio check. With a definition's settings also: ratio
 * metrics, winsorized values, CUPED beside the plain estimate, guardrail harm, segments with
 * their heterogeneity, the revenue decomposition and, with three arms or more, the probability
 * of being best and the Thompson allocation. Reductions run over users in user-id order, so the
 * numbers do not depend on how the events arrived.
 */
import { benjaminiHochberg, sampleRatioMismatch, winsorizeValues } from '../stats/index.ts';
import type { Comparison, ExperimentResult, MetricResult } from '../result/result-document.ts';
import type { UnitTable } from '../models/unit-table.ts';
import type { VariantPlan } from './experiment-definition.ts';
import { armAllocation } from './arm-allocation.ts';
import { cupedEstimates, type ArmRows } from './cuped-estimate.ts';
import { compareMetricArms, summarizeMetricArm, type MetricData } from './metric-comparison.ts';
import type { MetricSettings, SegmentSettings } from './metric-settings.ts';
import { DECOMPOSED_METRIC, revenueDecomposition } from './revenue-decomposition.ts';
import { rowsOf } from './row-selection.ts';
import { metricSegments, segmentLevels, type SegmentLevels } from './segment-breakdown.ts';

/** The part of the experiment object computed from the per-user table. */
export type ExperimentStatistics = Pick<
  ExperimentResult,
  'alpha' | 'srm' | 'metrics' | 'allocation'
>;

/** What a definition adds to the per-user table's value metrics; every field optional. */
export interface AnalysisOptions {
  /** Metric names in document order (default: the table's metrics, then the ratios). */
  readonly order?: readonly string[];
  readonly settings?: ReadonlyMap<string, MetricSettings>;
  /** Ratio metrics' numerator and denominator per user, row-aligned with the table. */
  readonly ratios?: readonly {
    readonly name: string;
    readonly numerator: Float64Array;
    readonly denominator: Float64Array;
  }[];
  /** CUPED covariates per user by metric name, row-aligned with the table. */
  readonly covariates?: ReadonlyMap<string, Float64Array>;
  readonly segments?: SegmentSettings;
  /** The metric the allocation of a multi-arm experiment follows (default: the first). */
  readonly primaryMetric?: string | undefined;
}

/**
 * Summarises every metric of a per-user table.
 * @param table - one row per analysed user
 * @param plan - variants, control and expected shares
 * @param alpha - the significance level
 * @param options - the definition's metric settings, ratios, covariates and segments
 * @returns srm, metrics and allocation of the result document
 * @example summarizeExperiment(users.table, plan, 0.05)
 */
export function summarizeExperiment(
  table: UnitTable,
  plan: VariantPlan,
  alpha: number,
  options: AnalysisOptions = {},
): ExperimentStatistics {
  const codeOf = new Map(table.variant.levels.map((level, code) => [level, code]));
  const arms: ArmRows[] = plan.variants.map((variant) => ({
    variant,
    rows: rowsOf(table.variant.codes, codeOf.get(variant)),
  }));
  const observed = arms.map((arm) => arm.rows.length);
  const srm = sampleRatioMismatch(
    observed,
    plan.variants.map((variant) => plan.expectedShare.get(variant) ?? 0),
  );
  const controlRows = arms.find((arm) => arm.variant === plan.control)?.rows ?? new Uint32Array(0);
  const segments: SegmentLevels[] = (options.segments?.attributes ?? []).flatMap((name) => {
    const attribute = table.attributes.find((a) => a.name === name);
    return attribute === undefined ? [] : [segmentLevels(attribute, arms)];
  });

  const data = metricData(table, options);
  const metrics: MetricResult[] = data.map(({ data: metric, winsorize }) => {
    const settings = options.settings?.get(metric.name);
    const covariate = options.covariates?.get(metric.name);
    const cuped =
      metric.kind === 'value' && covariate !== undefined && settings?.cuped != null
        ? cupedEstimates(metric.values, covariate, arms, plan.control, alpha)
        : undefined;
    const comparisons = arms
      .filter((arm) => arm.variant !== plan.control)
      .map(
        (arm): Comparison => ({
          variant: arm.variant,
          control: plan.control,
          ...compareMetricArms(metric, controlRows, arm.rows, alpha, true).comparison,
          p_value_adjusted: null,
          significant: false,
          cuped: cuped?.get(arm.variant) ?? null,
          guardrail_harmed: null,
        }),
      );
    const breakdown = metricSegments(
      metric,
      segments,
      plan.control,
      options.segments?.correction ?? 'bh',
      alpha,
    );
    return {
      name: metric.name,
      type: metric.kind === 'ratio' ? 'ratio' : metric.type,
      variants: arms.map((arm) => ({
        variant: arm.variant,
        is_control: arm.variant === plan.control,
        ...summarizeMetricArm(metric, arm.rows, alpha),
      })),
      comparisons,
      winsorize,
      guardrail: null,
      segments: breakdown.segments,
      heterogeneity: breakdown.heterogeneity,
      decomposition:
        metric.kind === 'value' && metric.type === 'continuous' && metric.name === DECOMPOSED_METRIC
          ? revenueDecomposition(metric.values, arms, plan.control, comparisons, alpha)
          : null,
    };
  });

  const primary = data.find((d) => d.data.name === options.primaryMetric) ?? data[0];
  return {
    alpha,
    srm: {
      p_value: srm.p_value,
      flagged: srm.flagged,
      observed: Object.fromEntries(plan.variants.map((variant, i) => [variant, observed[i] ?? 0])),
      expected_share: Object.fromEntries(plan.expectedShare),
    },
    metrics: withGuardrails(withAdjustedPValues(metrics, alpha), options.settings),
    allocation: primary === undefined ? null : armAllocation(primary.data, arms),
  };
}

/** The metrics' columns in document order, continuous values winsorized where asked. */
function metricData(
  table: UnitTable,
  options: AnalysisOptions,
): { data: MetricData; winsorize: MetricResult['winsorize'] }[] {
  const all = [
    ...table.metrics.map((metric) => {
      const asked = options.settings?.get(metric.name)?.winsorize;
      if (asked == null || metric.type !== 'continuous') {
        return { data: { kind: 'value' as const, ...metric }, winsorize: null };
      }
      const { lowerCap, upperCap } = winsorizeValues([metric.values], asked.lower, asked.upper);
      const low = lowerCap ?? -Infinity;
      const high = upperCap ?? Infinity;
      return {
        data: {
          kind: 'value' as const,
          ...metric,
          values: metric.values.map((v) => Math.min(high, Math.max(low, v))),
        },
        winsorize: {
          lower: asked.lower,
          upper: asked.upper,
          lower_cap: lowerCap,
          upper_cap: upperCap,
        },
      };
    }),
    ...(options.ratios ?? []).map((ratio) => ({
      data: { kind: 'ratio' as const, ...ratio },
      winsorize: null,
    })),
  ];
  const order = options.order ?? all.map((entry) => entry.data.name);
  return order.flatMap((name) => all.filter((entry) => entry.data.name === name));
}

/** Fills `p_value_adjusted` and `significant` with Benjamini-Hochberg over every comparison. */
function withAdjustedPValues(metrics: readonly MetricResult[], alpha: number): MetricResult[] {
  const pValues: number[] = [];
  for (const metric of metrics) {
    for (const comparison of metric.comparisons) {
      if (comparison.p_value !== null) pValues.push(comparison.p_value);
    }
  }
  const adjusted = benjaminiHochberg(pValues);
  let next = 0;
  return metrics.map((metric) => ({
    ...metric,
    comparisons: metric.comparisons.map((comparison) => {
      if (comparison.p_value === null) return comparison;
      const pAdjusted = adjusted[next] ?? null;
      next += 1;
      return {
        ...comparison,
        p_value_adjusted: pAdjusted,
        significant: pAdjusted !== null && pAdjusted < alpha,
      };
    }),
  }));
}

/**
 * Marks guardrail harm: a treatment harms a guardrail when its adjusted p-value is below alpha
 * (the interval at the family's adjusted level excludes 0) and its difference is on the bad side.
 */
function withGuardrails(
  metrics: readonly MetricResult[],
  settings: ReadonlyMap<string, MetricSettings> | undefined,
): MetricResult[] {
  return metrics.map((metric) => {
    const bad = settings?.get(metric.name)?.guardrail ?? null;
    if (bad === null) return metric;
    const comparisons = metric.comparisons.map((comparison) => {
      const d = comparison.difference;
      const harmed = comparison.significant && d !== null && (bad === 'increase' ? d > 0 : d < 0);
      return { ...comparison, guardrail_harmed: harmed };
    });
    return {
      ...metric,
      comparisons,
      guardrail: { bad, harmed: comparisons.some((comparison) => comparison.guardrail_harmed) },
    };
  });
}
