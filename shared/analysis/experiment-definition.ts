/**
 * Experiment definitions (DESIGN.md "Experiment definitions", "Growing into a platform"): one
 * zod schema for definition files, the API and the dashboard. It names the variants (key,
 * display name, weight, control flag, a config handed back with each assignment), the
 * metrics, the window, alpha, and how the experiment is run: its owner, traffic allocation,
 * salt and guardrail metrics. Cross-field rules live in definition-rules.ts and every message
 * in definition-messages.ts. New settings are new optional fields here: a definition without
 * them analyses exactly as before.
 *
 * Without a definition, everything comes from the data: equal weights, the control named
 * `control` (else the first in sorted order), and the metrics `conversion` and `revenue`.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors/errors.ts';
import {
  defaultExposureEvent,
  defaultPurchaseEvent,
  experimentIdPattern,
} from '../events/events-contract.ts';
import { definitionMessages as messages } from './definition-messages.ts';
import { definitionRules } from './definition-rules.ts';
import { defaultMetrics, type MetricSpec } from './metric-spec.ts';

export { defaultMetrics, type MetricSpec };

/** The lifecycle statuses of an experiment (see shared/experiments/lifecycle.ts). */
export const experimentStatuses = ['draft', 'running', 'paused', 'completed', 'archived'] as const;

/** A lifecycle status. */
export type ExperimentStatus = (typeof experimentStatuses)[number];

const aggregates = ['any', 'count', 'sum'] as const;

/** A part of a ratio metric: the per-user aggregate of one event type after exposure. */
const ratioPartSchema = z
  .object({
    event_type: z.string().min(1),
    aggregate: z.enum(aggregates).default('sum'),
  })
  .strict();

const percentile = z.number().min(0, messages.percentileRange).max(100, messages.percentileRange);

const metricSchema = z
  .object({
    name: z.string().min(1).max(100),
    type: z.enum(['binomial', 'continuous', 'ratio']),
    event_type: z.string().min(1).default(defaultPurchaseEvent),
    aggregate: z.enum(aggregates).optional(),
    /** Ratio metrics: sum(numerator) / sum(denominator) over the users of an arm. */
    numerator: ratioPartSchema.optional(),
    denominator: ratioPartSchema.optional(),
    /** Continuous metrics: cap per-user values at percentiles of all arms' values pooled. */
    winsorize: z
      .object({ lower: percentile.default(0), upper: percentile.default(100) })
      .strict()
      .optional(),
    /** CUPED with the same metric before exposure (or a unit table's `covariate` column). */
    cuped: z.boolean().optional(),
    cuped_lookback_days: z.number().positive(messages.lookbackPositive).optional(),
    covariate: z.string().min(1).optional(),
    /** A guardrail: which direction of change is harm. */
    guardrail: z
      .object({ bad: z.enum(['increase', 'decrease']) })
      .strict()
      .optional(),
  })
  .strict();

const unitTableSchema = z
  .object({
    variant_column: z.string().min(1),
    control: z.string().min(1).optional(),
    unit_column: z.string().min(1).optional(),
    metrics: z
      .array(z.object({ name: z.string().min(1), type: z.enum(['binomial', 'continuous']) }))
      .optional(),
  })
  .strict();

/** How the models are fitted (docs/models.md): maximum likelihood, or ridge with a given or cross-validated lambda. */
const modelSettingsSchema = z
  .object({
    penalty: z.enum(['none', 'ridge']).default('none'),
    /** The ridge penalty: a number >= 0, or `cv` (the default with ridge) to pick it from a grid. */
    lambda: z.union([z.number().nonnegative(messages.lambdaRange), z.literal('cv')]).optional(),
  })
  .strict();

/** The attributes the models use: numeric ones enter as numbers, categorical ones one-hot. */
const covariatesSchema = z
  .object({
    numeric: z.array(z.string().min(1).max(200)).default([]),
    categorical: z.array(z.string().min(1).max(200)).default([]),
  })
  .strict();
/**
 * How the experiment is watched (issue 13, "Sequential"): the planned users of the whole
 * experiment, or, when absent, the power calculation's for the primary metric's relative
 * minimum detectable effect at the given power.
 */
const sequentialSchema = z
  .object({
    planned_users: z.number().int().positive(messages.plannedUsersPositive).optional(),
    /** Relative MDE of the primary metric (0.05 for +5%), default 0.05. */
    mde: z.number().positive(messages.mdePositive).optional(),
    /** Target power of the planning calculation, default 0.8. */
    power: z.number().gt(0, messages.powerRange).lt(1, messages.powerRange).optional(),
  })
  .strict();

/**
 * The band of relative lifts too small to matter: a number e is (-e, +e); an object gives
 * both ends. A confidence sequence inside it stops the comparison as futile.
 */
const practicalEffectSchema = z.union([
  z.number().positive(messages.practicalEffectPositive),
  z
    .object({
      lower: z.number().lte(0, messages.practicalEffectBand),
      upper: z.number().gte(0, messages.practicalEffectBand),
    })
    .strict(),
]);

const variantSchema = z
  .object({
    key: z.string().min(1).max(200),
    /** A display name (the key is what events carry). */
    name: z.string().max(200).optional(),
    /** Any positive number; all weights sum to 1 or to 100. Omitted on every variant: equal. */
    weight: z.number().positive(messages.weightPositive).optional(),
    control: z.boolean().default(false),
    /** Any JSON object, handed back with each assignment to this variant. */
    config: z.record(z.string(), z.json(), messages.configObject).optional(),
  })
  .strict();

const finiteBound = z.number().refine(Number.isFinite, messages.boundFinite);

/**
 * Quality gates per column: `ranges` (a value outside `[min, max]` is a row error) and
 * `max_null_share` (a column emptier than this share rejects the file). Omitted: no gate.
 */
const qualitySchema = z
  .object({
    ranges: z
      .record(
        z.string().min(1),
        z.object({ min: finiteBound.optional(), max: finiteBound.optional() }).strict(),
      )
      .optional(),
    max_null_share: z
      .record(
        z.string().min(1),
        z.number().min(0, messages.nullShareRange).max(1, messages.nullShareRange),
      )
      .optional(),
  })
  .strict();

/** The quality gates of a definition. */
export type QualityGates = z.infer<typeof qualitySchema>;
/** Where a tick's posterior snapshot goes (issue 14, seed 000). */
export const snapshotSinks = ['postgres', 'csv', 'log', 'pubsub'] as const;
export type SnapshotSink = (typeof snapshotSinks)[number];

/** The fields of a definition, before the rules that relate them. */
export const experimentDefinitionFields = z
  .object({
    id: z.string().regex(experimentIdPattern, messages.id),
    name: z.string().max(200).optional(),
    hypothesis: z.string().max(5000).optional(),
    owner: z.string().min(1).max(200).optional(),
    start_at: z.iso.datetime({ offset: true }).optional(),
    end_at: z.iso.datetime({ offset: true }).optional(),
    /** Files only: the status the file asks for (default `running` for a new experiment). */
    status: z.enum(experimentStatuses).optional(),
    exposure_event: z.string().min(1).default(defaultExposureEvent),
    variants: z.array(variantSchema).min(2, messages.atLeastTwoVariants).optional(),
    /** The share of users in the experiment, 0 < a <= 1 (default 1); it may only grow once run. */
    traffic_allocation: z
      .number()
      .gt(0, messages.allocationRange)
      .lte(1, messages.allocationRange)
      .optional(),
    /** Seeds the assignment hash (default: the experiment id). */
    salt: z.string().min(1).max(200).optional(),
    primary_metric: z.string().min(1).optional(),
    metrics: z.array(metricSchema).min(1).optional(),
    /** Names of metrics whose harm is watched. */
    guardrail_metrics: z.array(z.string().min(1)).optional(),
    alpha: z.number().gt(0, messages.alphaRange).lt(1, messages.alphaRange).default(0.05),
    /** Attributes whose levels every metric is broken down by. */
    segments: z.array(z.string().min(1)).optional(),
    /** The correction across the levels of all segments of one metric and one treatment. */
    segment_correction: z.enum(['bh', 'holm', 'bonferroni', 'none']).optional(),
    unit_table: unitTableSchema.optional(),
    /** The models' penalty (default none: today's exact fits). */
    model: modelSettingsSchema.optional(),
    /** The model covariates (default: every attribute, categorical). */
    covariates: covariatesSchema.optional(),
    /** Adds `recency_days` and `frequency`, derived from each user's events before exposure. */
    derived_covariates: z.boolean().optional(),
    quality: qualitySchema.optional(),
    sequential: sequentialSchema.optional(),
    practical_effect: practicalEffectSchema.optional(),
    /** Which verdict leads the live view: `frequentist` (default) or `bayesian`. */
    algorithm: z
      .object({ type: z.enum(['frequentist', 'bayesian']) })
      .strict()
      .optional(),
    /** The streaming posterior's success event (default: the primary binomial metric's event). */
    success_event: z.string().min(1).optional(),
    /** Where each tick's posterior snapshot goes (default `[postgres]`). */
    sinks: z.array(z.enum(snapshotSinks)).min(1).optional(),
  })
  .strict();

/** The schema of a definition: its fields and the rules relating them. */
export const experimentDefinitionSchema = experimentDefinitionFields.superRefine(definitionRules);

export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;

/** One problem of a definition: the field's path (`variants.1.weight`) and why. */
export interface DefinitionIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks an untrusted value against the definition schema.
 * @param raw - parsed JSON or YAML
 * @param label - what it came from, for the message (`checkout.yaml`, `request body`)
 * @returns the definition, defaults filled in
 * @throws {ValidationError} (422) naming the first bad field's path; `details.issues` lists all
 * @example checkDefinition({ id: 'exp1', alpha: 0.1 }, 'request body').alpha // 0.1
 */
export function checkDefinition(raw: unknown, label: string): ExperimentDefinition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError(
      `${label}: ${messages.notAnObject}`,
      422,
      {},
      {
        path: '',
        issues: [{ path: '', message: messages.notAnObject }],
      },
    );
  }
  const parsed = experimentDefinitionSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue): DefinitionIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: [...issue.path, key].join('.'),
          message: messages.unknownField(key),
        }))
      : [{ path: issue.path.join('.'), message: issue.message }],
  );
  const first = issues[0] ?? { path: '', message: 'invalid' };
  throw new ValidationError(
    `${label}: ${first.path === '' ? 'definition' : first.path}: ${first.message}`,
    422,
    {},
    { path: first.path, issues },
  );
}

/**
 * Parses a definition file.
 * @param text - YAML or JSON text
 * @param label - the file's name for messages
 * @returns the validated definition
 * @throws {ValidationError} 400 for text that is not YAML or JSON, 422 naming the first bad field
 * @example parseExperimentDefinition('id: exp1\nalpha: 0.1\n', 'exp1.yaml').alpha // 0.1
 */
export function parseExperimentDefinition(text: string, label: string): ExperimentDefinition {
  const raw = parseDefinitionText(text, label);
  return checkDefinition(raw, label);
}

/**
 * The per-user value metrics of a definition (binomial and continuous; ratios are in
 * metric-settings.ts), defaults filled in (binomial: any; continuous: sum of value).
 * @param definition - the definition, or undefined
 * @returns the metric specs
 * @example metricSpecs(undefined)[0].name // 'conversion'
 */
export function metricSpecs(
  definition: Pick<ExperimentDefinition, 'metrics'> | undefined,
): readonly MetricSpec[] {
  if (definition?.metrics === undefined) return defaultMetrics;
  return definition.metrics.flatMap((metric) =>
    metric.type === 'ratio'
      ? []
      : [
          {
            name: metric.name,
            type: metric.type,
            eventType: metric.event_type,
            aggregate: metric.aggregate ?? (metric.type === 'binomial' ? 'any' : 'sum'),
          },
        ],
  );
}

/**
 * The event the streaming posterior counts as a success: `success_event`, else the event of the
 * primary metric when binomial, else of the first binomial metric, else `purchase`.
 * @param definition - the definition, or undefined
 * @returns the event type
 * @example successEventOf(undefined) // 'purchase'
 */
export function successEventOf(
  definition:
    | Pick<ExperimentDefinition, 'metrics' | 'primary_metric' | 'success_event'>
    | undefined,
): string {
  if (definition?.success_event !== undefined) return definition.success_event;
  const binomial = metricSpecs(definition).filter((metric) => metric.type === 'binomial');
  const primary = binomial.find((metric) => metric.name === definition?.primary_metric);
  return (primary ?? binomial[0])?.eventType ?? defaultPurchaseEvent;
}

/**
 * The weight of each declared variant, in definition order: as given, or 1 each when no
 * variant gives one (an equal split).
 * @param definition - the definition
 * @returns the weights, or an empty list when the definition declares no variants
 * @example variantWeights({ variants: [{ key: 'a', control: true }, { key: 'b', control: false }] }) // [1, 1]
 */
export function variantWeights(
  definition: Pick<ExperimentDefinition, 'variants'> | undefined,
): readonly number[] {
  return (definition?.variants ?? []).map((variant) => variant.weight ?? 1);
}

/** Variants, weights and control of an analysis. */
export interface VariantPlan {
  /** Every variant, sorted by key. */
  readonly variants: readonly string[];
  readonly control: string;
  /** Expected share of each variant, summing to 1. */
  readonly expectedShare: ReadonlyMap<string, number>;
}

/**
 * Decides the variants, the control and the expected shares.
 * @param definition - the definition, or undefined
 * @param observed - the variants found in the data
 * @param controlOverride - a control given on the command line
 * @returns the plan
 * @example planVariants(undefined, ['b', 'control']).control // 'control'
 */
export function planVariants(
  definition: ExperimentDefinition | undefined,
  observed: readonly string[],
  controlOverride?: string,
): VariantPlan {
  const declared = definition?.variants;
  const weights = new Map<string, number>();
  if (declared !== undefined) {
    const given = variantWeights(definition);
    declared.forEach((variant, index) => weights.set(variant.key, given[index] ?? 1));
  } else for (const variant of observed) weights.set(variant, 1);
  const variants = [...new Set([...weights.keys(), ...observed])].sort(compareText);
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  const expectedShare = new Map(
    variants.map((v) => [v, total > 0 ? (weights.get(v) ?? 0) / total : 0]),
  );
  const control =
    controlOverride ??
    declared?.find((variant) => variant.control)?.key ??
    definition?.unit_table?.control ??
    (variants.includes('control') ? 'control' : (variants[0] ?? 'control'));
  return { variants, control, expectedShare };
}

/**
 * Orders text by code point, the same everywhere (no locale).
 * @param a - first
 * @param b - second
 * @returns negative, zero or positive
 * @example ['b', 'a'].sort(compareText)
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A definition file's text as YAML (JSON is YAML), a byte-order mark ignored.
 * @param text - the file's text
 * @param label - the file's name, for the message
 * @returns the parsed value, not yet checked
 * @throws {ValidationError} 400 for text that is not YAML or JSON
 * @example parseDefinitionText('id: a\n', 'a.yaml') // { id: 'a' }
 */
export function parseDefinitionText(text: string, label: string): unknown {
  try {
    return parseYaml(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new ValidationError(
      `${label}: not valid YAML or JSON (${(error as Error).message})`,
      400,
    );
  }
}
