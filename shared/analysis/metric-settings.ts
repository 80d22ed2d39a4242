/**
 * What a definition asks of each metric beyond its per-user value: ratio metrics (numerator and
 * denominator aggregates), winsorizing, CUPED (lookback or a unit table's covariate column) and
 * guardrails; and the experiment's segments. Without these settings every metric is analysed
 * exactly as before.
 */
import type { PValueCorrection } from '../stats/index.ts';
import type { ExperimentDefinition } from './experiment-definition.ts';
import { defaultMetrics, type MetricSpec } from './metric-spec.ts';

/** CUPED's default lookback before exposure, in days. */
export const DEFAULT_CUPED_LOOKBACK_DAYS = 14;

/** One side of a ratio: the per-user aggregate of an event type after exposure. */
export interface RatioPart {
  readonly eventType: string;
  readonly aggregate: MetricSpec['aggregate'];
}

/** A ratio metric: sum(numerator) / sum(denominator) over the users of an arm. */
export interface RatioSpec {
  readonly name: string;
  readonly numerator: RatioPart;
  readonly denominator: RatioPart;
}

/** A metric's analysis settings, null where the definition gives none. */
export interface MetricSettings {
  readonly name: string;
  readonly type: 'binomial' | 'continuous' | 'ratio';
  /** Percentiles (0-100) of the pooled per-user values at which values are capped. */
  readonly winsorize: { readonly lower: number; readonly upper: number } | null;
  /** CUPED: the lookback in days, and a unit table's covariate column (null: the metric itself). */
  readonly cuped: { readonly lookbackDays: number; readonly covariate: string | null } | null;
  /** The direction of change that harms, for a guardrail metric. */
  readonly guardrail: 'increase' | 'decrease' | null;
}

/** The segments of an experiment and the correction across their levels. */
export interface SegmentSettings {
  readonly attributes: readonly string[];
  readonly correction: PValueCorrection;
}

/**
 * The ratio metrics of a definition, in definition order.
 * @param definition - the definition, or undefined
 * @returns one spec per `type: ratio` metric
 * @example ratioSpecs({ metrics: [{ name: 'aov', type: 'ratio', event_type: 'purchase', numerator: { event_type: 'purchase', aggregate: 'sum' }, denominator: { event_type: 'purchase', aggregate: 'count' } }] })[0].name // 'aov'
 */
export function ratioSpecs(
  definition: Pick<ExperimentDefinition, 'metrics'> | undefined,
): readonly RatioSpec[] {
  return (definition?.metrics ?? []).flatMap((metric) =>
    metric.type === 'ratio' && metric.numerator !== undefined && metric.denominator !== undefined
      ? [
          {
            name: metric.name,
            numerator: part(metric.numerator),
            denominator: part(metric.denominator),
          },
        ]
      : [],
  );
}

function part(raw: { event_type: string; aggregate: MetricSpec['aggregate'] }): RatioPart {
  return { eventType: raw.event_type, aggregate: raw.aggregate };
}

/**
 * The settings of every metric of a definition by name (the default metrics when it names
 * none). A metric is a guardrail when it says `guardrail: {bad}`, or when `guardrail_metrics`
 * names it (harm is then a decrease).
 * @param definition - the definition, or undefined
 * @returns the settings by metric name
 * @example metricSettings(undefined).get('revenue')?.cuped // null
 */
export function metricSettings(
  definition: Pick<ExperimentDefinition, 'metrics' | 'guardrail_metrics'> | undefined,
): ReadonlyMap<string, MetricSettings> {
  const watched = new Set(definition?.guardrail_metrics ?? []);
  const metrics =
    definition?.metrics ??
    defaultMetrics.map((metric) => ({ name: metric.name, type: metric.type }));
  return new Map(
    metrics.map((metric): [string, MetricSettings] => {
      const full = metric as NonNullable<ExperimentDefinition['metrics']>[number];
      return [
        metric.name,
        {
          name: metric.name,
          type: metric.type,
          winsorize:
            full.winsorize === undefined
              ? null
              : { lower: full.winsorize.lower, upper: full.winsorize.upper },
          cuped:
            full.cuped === true
              ? {
                  lookbackDays: full.cuped_lookback_days ?? DEFAULT_CUPED_LOOKBACK_DAYS,
                  covariate: full.covariate ?? null,
                }
              : null,
          guardrail: full.guardrail?.bad ?? (watched.has(metric.name) ? 'decrease' : null),
        },
      ];
    }),
  );
}

/**
 * The segments of a definition.
 * @param definition - the definition, or undefined
 * @returns the attributes (none by default) and the correction (default `bh`)
 * @example segmentSettings({ segments: ['device'] }).correction // 'bh'
 */
export function segmentSettings(
  definition: Pick<ExperimentDefinition, 'segments' | 'segment_correction'> | undefined,
): SegmentSettings {
  return {
    attributes: definition?.segments ?? [],
    correction: definition?.segment_correction ?? 'bh',
  };
}

/**
 * The order of the result document's metrics: the definition's, or the value metrics' when the
 * definition names none.
 * @param definition - the definition, or undefined
 * @param valueMetrics - the names of the per-user value metrics analysed
 * @returns metric names in document order
 * @example metricOrder(undefined, ['conversion', 'revenue']) // ['conversion', 'revenue']
 */
export function metricOrder(
  definition: Pick<ExperimentDefinition, 'metrics'> | undefined,
  valueMetrics: readonly string[],
): readonly string[] {
  const declared = definition?.metrics?.map((metric) => metric.name) ?? [];
  return [...declared, ...valueMetrics.filter((name) => !declared.includes(name))];
}
