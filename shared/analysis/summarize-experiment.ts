/**
 * The statistics of an experiment from its per-user table: per metric and variant the users,
 * sum, mean, sd and interval; every treatment against the control; Benjamini-Hochberg over all
 * comparisons of the analysis; the sample-ratio check. Reductions run over users in user-id
 * order, so the numbers do not depend on how the events arrived.
 */
import {
  benjaminiHochberg,
  compareBinomial,
  compareContinuous,
  sampleRatioMismatch,
  summarizeBinomialArm,
  summarizeContinuousArm,
  momentsOf,
} from '../stats/index.ts';
import type { Comparison, ExperimentResult, MetricResult } from '../result/result-document.ts';
import type { UnitTable } from '../models/unit-table.ts';
import type { VariantPlan } from './experiment-definition.ts';

/** The part of the experiment object computed from the per-user table. */
export type ExperimentStatistics = Pick<ExperimentResult, 'alpha' | 'srm' | 'metrics'>;

/**
 * Summarises every metric of a per-user table.
 * @param table - one row per analysed user
 * @param plan - variants, control and expected shares
 * @param alpha - the significance level
 * @returns srm and metrics of the result document
 * @example summarizeExperiment(users.table, plan, 0.05)
 */
export function summarizeExperiment(
  table: UnitTable,
  plan: VariantPlan,
  alpha: number,
): ExperimentStatistics {
  const codeOf = new Map(table.variant.levels.map((level, code) => [level, code]));
  const rowsByVariant = plan.variants.map((variant) =>
    rowsOf(table.variant.codes, codeOf.get(variant)),
  );
  const observed = plan.variants.map((_, i) => rowsByVariant[i]?.length ?? 0);
  const srm = sampleRatioMismatch(
    observed,
    plan.variants.map((variant) => plan.expectedShare.get(variant) ?? 0),
  );
  const treatments = plan.variants.filter((variant) => variant !== plan.control);
  const controlIndex = plan.variants.indexOf(plan.control);

  const metrics: MetricResult[] = table.metrics.map((metric) => {
    const samples = rowsByVariant.map((rows) => gather(metric.values, rows));
    const variants = plan.variants.map((variant, i) => {
      const values = samples[i] ?? new Float64Array(0);
      const arm =
        metric.type === 'binomial'
          ? summarizeBinomialArm({ n: values.length, successes: sumOf(values) }, alpha)
          : { ...summarizeContinuousArm(momentsOf(values), alpha), sum: sumOf(values) };
      return { variant, is_control: variant === plan.control, ...arm };
    });
    const control = samples[controlIndex] ?? new Float64Array(0);
    const comparisons = treatments.map((variant): Comparison => {
      const treated = samples[plan.variants.indexOf(variant)] ?? new Float64Array(0);
      const core =
        metric.type === 'binomial'
          ? compareBinomial(
              { n: control.length, successes: sumOf(control) },
              { n: treated.length, successes: sumOf(treated) },
              alpha,
            )
          : compareContinuous(
              { moments: momentsOf(control), values: control },
              { moments: momentsOf(treated), values: treated },
              alpha,
            );
      return {
        variant,
        control: plan.control,
        ...core,
        p_value_adjusted: null,
        significant: false,
      };
    });
    return { name: metric.name, type: metric.type, variants, comparisons };
  });

  return {
    alpha,
    srm: {
      p_value: srm.p_value,
      flagged: srm.flagged,
      observed: Object.fromEntries(plan.variants.map((variant, i) => [variant, observed[i] ?? 0])),
      expected_share: Object.fromEntries(plan.expectedShare),
    },
    metrics: withAdjustedPValues(metrics, alpha),
  };
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

function rowsOf(codes: Uint32Array, code: number | undefined): Uint32Array {
  if (code === undefined) return new Uint32Array(0);
  let count = 0;
  for (let i = 0; i < codes.length; i += 1) if (codes[i] === code) count += 1;
  const rows = new Uint32Array(count);
  let next = 0;
  for (let i = 0; i < codes.length; i += 1) if (codes[i] === code) rows[next++] = i;
  return rows;
}

function gather(values: Float64Array, rows: Uint32Array | undefined): Float64Array {
  if (rows === undefined) return new Float64Array(0);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) out[i] = values[rows[i] ?? 0] ?? 0;
  return out;
}

function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += values[i] ?? 0;
  return sum;
}
