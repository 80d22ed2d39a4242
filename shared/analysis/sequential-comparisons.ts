/**
 * The sequential view of every comparison of an analysis: this look (from the arms' moments),
 * the confidence sequence and always-valid p-value over this look and the sequence's earlier
 * ones, and the decision they support. The primary metric's decision also answers for the
 * guardrails: a guardrail harmed in a treatment stops it whatever the primary metric says.
 */
import { createHash } from 'node:crypto';
import {
  comparisonLook,
  confidenceSequence,
  momentsOf,
  normalQuantile,
  type MeanMoments,
  type SequentialLook,
} from '../stats/index.ts';
import type { UnitTable } from '../models/unit-table.ts';
import type { Comparison, MetricResult } from '../result/result-document.ts';

import type { ExperimentDefinition, MetricSpec, VariantPlan } from './experiment-definition.ts';
import { practicalBand, sequentialDecision } from './sequential-decision.ts';
import { comparisonPlannedUsers, type PlannedUsers } from './sequential-plan.ts';

/** A look of a comparison as it is stored. */
export interface ComparisonLookRow extends SequentialLook {
  readonly metric: string;
  readonly variant: string;
  readonly nPlanned: number;
}

/** An earlier look of a sequence, with the n_planned its sequence was started with. */
export interface EarlierLook extends SequentialLook {
  readonly nPlanned: number;
}

/**
 * Each variant's moments of each metric, in table order (0/1 values for binomial metrics),
 * each value held within its metric's winsorizing caps where the analysis capped it, so the
 * sequence tests the same values as the fixed-horizon test.
 * @param table - the per-user table
 * @param plan - the variants
 * @param metrics - the analysis's metrics, whose `winsorize` caps apply
 * @returns moments by metric name, then variant
 * @example armMoments(table, plan, statistics.metrics).get('conversion')?.get('control')?.n
 */
export function armMoments(
  table: UnitTable,
  plan: VariantPlan,
  metrics: readonly Pick<MetricResult, 'name' | 'winsorize'>[] = [],
): Map<string, Map<string, MeanMoments>> {
  const capsOf = new Map(metrics.map((metric) => [metric.name, metric.winsorize]));
  const codeOf = new Map(table.variant.levels.map((level, code) => [level, code]));
  const byMetric = new Map<string, Map<string, MeanMoments>>();
  const rowsByCode = table.variant.levels.map((_, code) => {
    let count = 0;
    for (const c of table.variant.codes) if (c === code) count += 1;
    const rows = new Uint32Array(count);
    let next = 0;
    table.variant.codes.forEach((c, i) => {
      if (c === code) rows[next++] = i;
    });
    return rows;
  });
  for (const metric of table.metrics) {
    const byVariant = new Map<string, MeanMoments>();
    for (const variant of plan.variants) {
      const code = codeOf.get(variant);
      const rows =
        code === undefined ? new Uint32Array(0) : (rowsByCode[code] ?? new Uint32Array(0));
      const values = new Float64Array(rows.length);
      const caps = capsOf.get(metric.name);
      const low = caps?.lower_cap ?? -Infinity;
      const high = caps?.upper_cap ?? Infinity;
      rows.forEach((row, j) => {
        values[j] = Math.min(high, Math.max(low, metric.values[row] ?? 0));
      });
      byVariant.set(variant, momentsOf(values));
    }
    byMetric.set(metric.name, byVariant);
  }
  return byMetric;
}

/**
 * Identifies a sequence: looks share one when they test the same metric against the same
 * control at the same level under the same plan settings.
 * @param experimentId - the experiment
 * @param metric - the metric as computed
 * @param control - the control
 * @param alpha - the level
 * @param definition - the definition (its `sequential` settings)
 * @returns a hex key
 * @example sequenceKey('exp1', defaultMetrics[0], 'control', 0.05, undefined)
 */
export function sequenceKey(
  experimentId: string,
  metric: Pick<MetricSpec, 'name' | 'type'> & Partial<MetricSpec>,
  control: string,
  alpha: number,
  definition: Pick<ExperimentDefinition, 'sequential' | 'primary_metric'> | undefined,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        experimentId,
        metric.name,
        metric.type,
        metric.eventType ?? null,
        metric.aggregate ?? null,
        control,
        alpha,
        definition?.sequential ?? null,
        definition?.primary_metric ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** What {@link withSequentialView} needs besides the metrics. */
export interface SequentialContext {
  readonly moments: ReadonlyMap<string, ReadonlyMap<string, MeanMoments>>;
  readonly plan: VariantPlan;
  readonly alpha: number;
  readonly planned: PlannedUsers;
  /** The sequence's earlier looks of a comparison, oldest first. */
  readonly earlier: (metric: string, variant: string) => readonly EarlierLook[];
  readonly practicalEffect: ExperimentDefinition['practical_effect'];
  readonly primaryMetric: string | null;
  readonly guardrails: readonly string[];
  /** Which direction of a metric's difference is harm; a decrease when not given. */
  readonly harmfulDirection?: (metric: string) => 'increase' | 'decrease';
}

/**
 * Adds `sequential` and `decision` to every comparison: binomial and continuous from the arms'
 * moments, ratios from their delta-method estimate and standard error.
 * Source: the reference README "Decision statistics" (`sequential`), `confidenceSequence`.
 * @param metrics - the metrics of the analysis
 * @param context - moments, plan, earlier looks and decision settings
 * @returns the metrics with both fields, and this analysis's looks to store
 * @example withSequentialView(statistics.metrics, context).looks.length
 */
export function withSequentialView(
  metrics: readonly MetricResult[],
  context: SequentialContext,
): { readonly metrics: MetricResult[]; readonly looks: ComparisonLookRow[] } {
  const looks: ComparisonLookRow[] = [];
  const withView = metrics.map((metric) => ({
    ...metric,
    comparisons: metric.comparisons.map((comparison): Comparison => {
      const arms = armsOf(metric, comparison, context);
      if (arms === undefined) return comparison;
      const { control, treated, look } = arms;
      const earlier = context.earlier(metric.name, comparison.variant);
      const nPlanned =
        earlier[0]?.nPlanned ??
        comparisonPlannedUsers(context.planned.plannedUsers, context.plan, comparison.variant);
      const sequence = confidenceSequence([...earlier, look], nPlanned, context.alpha);
      const current = sequence.looks.at(-1);
      looks.push({ metric: metric.name, variant: comparison.variant, nPlanned, ...look });
      const halfWidth = current?.halfWidth ?? null;
      const ci = [sequence.state.ciLow, sequence.state.ciHigh] as const;
      const n = control.n + treated.n;
      return {
        ...comparison,
        sequential: {
          planned_users: context.planned.plannedUsers,
          planned_users_source: context.planned.source,
          n_planned: nPlanned,
          n,
          looks: sequence.state.looks,
          ci: [ci[0], ci[1]],
          p_value: sequence.state.pValue,
          look_ci:
            halfWidth === null
              ? [null, null]
              : [look.estimate - halfWidth, look.estimate + halfWidth],
          look_p_value: current?.pValue ?? null,
        },
        decision: sequentialDecision({
          metric: metric.name,
          variant: comparison.variant,
          ci,
          pValue: sequence.state.pValue,
          alpha: context.alpha,
          looks: sequence.state.looks,
          n,
          nPlanned,
          bad: context.harmfulDirection?.(metric.name) ?? 'decrease',
          band: practicalBand(context.practicalEffect, control.n > 0 ? control.mean : null),
        }),
      };
    }),
  }));
  return { metrics: withGuardrails(withView, context), looks };
}

/** The two arms' sizes and control mean, and this look's estimate, variance and size. */
interface LookArms {
  readonly control: { readonly n: number; readonly mean: number };
  readonly treated: { readonly n: number };
  readonly look: SequentialLook;
}

/**
 * A comparison's look: from the per-user moments of binomial and continuous metrics; for a
 * ratio, its delta-method difference with the variance its z interval implies
 * ((high - low) / (2 z))^2, the two arms' users as n.
 */
function armsOf(
  metric: MetricResult,
  comparison: Comparison,
  context: SequentialContext,
): LookArms | undefined {
  if (metric.type === 'ratio') {
    const arm = (variant: string) => metric.variants.find((v) => v.variant === variant);
    const control = arm(comparison.control);
    const treated = arm(comparison.variant);
    if (control === undefined || treated === undefined) return undefined;
    const n = control.users + treated.users;
    const [low, high] = comparison.difference_ci;
    const z = normalQuantile(1 - context.alpha / 2);
    const look: SequentialLook =
      comparison.difference === null || low === null || high === null
        ? { estimate: 0, variance: null, n: Math.max(n, 1) }
        : { estimate: comparison.difference, variance: ((high - low) / (2 * z)) ** 2, n };
    return {
      control: { n: control.users, mean: control.mean ?? 0 },
      treated: { n: treated.users },
      look,
    };
  }
  const byVariant = context.moments.get(metric.name);
  const control = byVariant?.get(comparison.control);
  const treated = byVariant?.get(comparison.variant);
  if (control === undefined || treated === undefined) return undefined;
  const look = comparisonLook(metric.type, control, treated) ?? {
    estimate: 0,
    variance: null,
    n: 1,
  };
  return { control, treated, look };
}

/** The primary metric's decision stops a treatment that harms a guardrail. */
function withGuardrails(metrics: MetricResult[], context: SequentialContext): MetricResult[] {
  if (context.primaryMetric === null) return metrics;
  const harmed = new Map<string, string[]>();
  for (const metric of metrics) {
    if (!context.guardrails.includes(metric.name) || metric.name === context.primaryMetric)
      continue;
    for (const comparison of metric.comparisons) {
      if (comparison.decision?.action !== 'stop: harm') continue;
      harmed.set(comparison.variant, [...(harmed.get(comparison.variant) ?? []), metric.name]);
    }
  }
  return metrics.map((metric) =>
    metric.name !== context.primaryMetric
      ? metric
      : {
          ...metric,
          comparisons: metric.comparisons.map((comparison) => {
            const guardrails = harmed.get(comparison.variant);
            if (guardrails === undefined || comparison.decision === undefined) return comparison;
            return {
              ...comparison,
              decision: {
                action: 'stop: harm' as const,
                reason: `guardrail ${guardrails.join(', ')} harmed in ${comparison.variant}, whatever ${metric.name} shows (${comparison.decision.action}: ${comparison.decision.reason})`,
              },
            };
          }),
        },
  );
}
