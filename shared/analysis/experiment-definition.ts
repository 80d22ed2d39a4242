/**
 * Experiment definitions (DESIGN.md "Experiment definitions"): optional YAML or JSON naming
 * the variants and their weights, the control, the metrics, the window and alpha. Without
 * one, everything comes from the data: equal weights, the control named `control` (else the
 * first in sorted order), and the metrics `conversion` and `revenue`.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors/errors.ts';
import {
  defaultExposureEvent,
  defaultPurchaseEvent,
  experimentIdPattern,
} from '../events/events-contract.ts';

const metricSchema = z
  .object({
    name: z.string().min(1).max(100),
    type: z.enum(['binomial', 'continuous']),
    event_type: z.string().min(1).default(defaultPurchaseEvent),
    aggregate: z.enum(['any', 'count', 'sum']).optional(),
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

/** The schema of a definition file. */
export const experimentDefinitionSchema = z
  .object({
    id: z.string().regex(experimentIdPattern, 'must be 1-128 letters, digits, ".", "_" or "-"'),
    name: z.string().max(200).optional(),
    hypothesis: z.string().max(5000).optional(),
    start_at: z.iso.datetime({ offset: true }).optional(),
    end_at: z.iso.datetime({ offset: true }).optional(),
    status: z.enum(['draft', 'running', 'paused', 'completed', 'archived']).default('running'),
    exposure_event: z.string().min(1).default(defaultExposureEvent),
    variants: z
      .array(
        z
          .object({
            key: z.string().min(1),
            weight: z.number().positive().default(1),
            control: z.boolean().default(false),
          })
          .strict(),
      )
      .min(2)
      .optional(),
    primary_metric: z.string().min(1).optional(),
    metrics: z.array(metricSchema).min(1).optional(),
    alpha: z.number().gt(0).lt(1).default(0.05),
    unit_table: unitTableSchema.optional(),
  })
  .strict()
  .refine((d) => d.variants === undefined || d.variants.filter((v) => v.control).length <= 1, {
    message: 'at most one variant can be the control',
    path: ['variants'],
  })
  .refine((d) => d.start_at === undefined || d.end_at === undefined || d.start_at < d.end_at, {
    message: 'start_at must be before end_at',
    path: ['end_at'],
  });

export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;

/** A metric with every default filled in. */
export interface MetricSpec {
  readonly name: string;
  readonly type: 'binomial' | 'continuous';
  readonly eventType: string;
  readonly aggregate: 'any' | 'count' | 'sum';
}

/** The default metrics: conversion (any purchase) and revenue (sum of purchase values). */
export const defaultMetrics: readonly MetricSpec[] = [
  { name: 'conversion', type: 'binomial', eventType: defaultPurchaseEvent, aggregate: 'any' },
  { name: 'revenue', type: 'continuous', eventType: defaultPurchaseEvent, aggregate: 'sum' },
];

/**
 * The metrics of a definition, defaults filled in (binomial: any; continuous: sum of value).
 * @param definition - the definition, or undefined
 * @returns the metric specs
 * @example metricSpecs(undefined)[0].name // 'conversion'
 */
export function metricSpecs(definition: ExperimentDefinition | undefined): readonly MetricSpec[] {
  if (definition?.metrics === undefined) return defaultMetrics;
  return definition.metrics.map((metric) => ({
    name: metric.name,
    type: metric.type,
    eventType: metric.event_type,
    aggregate: metric.aggregate ?? (metric.type === 'binomial' ? 'any' : 'sum'),
  }));
}

/**
 * Parses a definition file.
 * @param text - YAML or JSON text
 * @param label - the file's name for messages
 * @returns the validated definition
 * @throws {ValidationError} naming the file and the first bad field
 * @example parseExperimentDefinition('id: exp1\nalpha: 0.1\n', 'exp1.yaml').alpha // 0.1
 */
export function parseExperimentDefinition(text: string, label: string): ExperimentDefinition {
  let raw: unknown;
  try {
    raw = parseYaml(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ValidationError(
      `${label}: not valid YAML or JSON (${(error as Error).message})`,
      400,
    );
  }
  const parsed = experimentDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'definition';
    throw new ValidationError(`${label}: ${where}: ${issue?.message ?? 'invalid'}`, 422);
  }
  return parsed.data;
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
  if (declared !== undefined)
    for (const variant of declared) weights.set(variant.key, variant.weight);
  else for (const variant of observed) weights.set(variant, 1);
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
