/**
 * The rules relating a definition's fields, each reported at the path of the field at fault:
 * unique variant keys, exactly one control (flagged, or the variant keyed `control`), weights
 * given to every variant or none and summing to 1 or to 100 (within 1e-6), unique metric
 * names, a primary metric and guardrail metrics among the metrics, start before end, a
 * quality range with a bound and its min at most its max. They run
 * after the fields' own checks and may see a value those checks flagged, so they read it
 * defensively.
 */
import type { z } from 'zod';
import { definitionMessages as messages } from './definition-messages.ts';
import { defaultMetrics } from './metric-spec.ts';

/** The tolerance of the weights' sum. */
export const weightSumTolerance = 1e-6;

interface RuleInput {
  readonly variants?: readonly {
    readonly key: string;
    readonly weight?: number | undefined;
    readonly control: boolean;
  }[];
  readonly metrics?: readonly { readonly name: string }[];
  readonly primary_metric?: string | undefined;
  readonly guardrail_metrics?: readonly string[];
  readonly start_at?: string | undefined;
  readonly end_at?: string | undefined;
  readonly quality?:
    | {
        readonly ranges?:
          | Readonly<
              Record<
                string,
                { readonly min?: number | undefined; readonly max?: number | undefined }
              >
            >
          | undefined;
      }
    | undefined;
}

type Issue = { readonly message: string; readonly path: (string | number)[] };

/**
 * Adds an issue for every broken rule.
 * @param definition - the definition, its fields checked
 * @param ctx - zod's refinement context
 * @example experimentDefinitionFields.superRefine(definitionRules)
 */
export function definitionRules(definition: RuleInput, ctx: z.RefinementCtx): void {
  for (const issue of brokenRules(definition)) ctx.addIssue({ code: 'custom', ...issue });
}

function brokenRules(d: RuleInput): Issue[] {
  return [...variantRules(d.variants), ...metricRules(d), ...windowRules(d), ...qualityRules(d)];
}

function variantRules(variants: RuleInput['variants']): Issue[] {
  if (variants === undefined || variants.length < 2) return [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  variants.forEach((variant, index) => {
    if (seen.has(variant.key)) {
      issues.push({
        message: messages.variantKeyTwice(variant.key),
        path: ['variants', index, 'key'],
      });
    }
    seen.add(variant.key);
  });
  const flagged = variants.filter((variant) => variant.control).map((variant) => variant.key);
  if (flagged.length > 1 || (flagged.length === 0 && !seen.has('control'))) {
    issues.push({ message: messages.controlCount(flagged), path: ['variants'] });
  }
  const weighted = variants.filter((variant) => variant.weight !== undefined);
  if (weighted.length > 0 && weighted.length < variants.length) {
    const missing = variants.findIndex((variant) => variant.weight === undefined);
    issues.push({ message: messages.weightsAllOrNone, path: ['variants', missing, 'weight'] });
  } else if (weighted.length === variants.length) {
    const weights = variants.map((variant) => variant.weight ?? 0);
    if (weights.every((weight) => weight > 0)) {
      const sum = weights.reduce((total, weight) => total + weight, 0);
      const near = (target: number) => Math.abs(sum - target) <= weightSumTolerance;
      if (!near(1) && !near(100))
        issues.push({ message: messages.weightsSum(sum), path: ['variants'] });
    }
  }
  return issues;
}

function metricRules(d: RuleInput): Issue[] {
  const issues: Issue[] = [];
  const names = (d.metrics ?? []).map((metric) => metric.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) {
      issues.push({ message: messages.metricNameTwice(name), path: ['metrics', index, 'name'] });
    }
  });
  const known = d.metrics === undefined ? defaultMetrics.map((metric) => metric.name) : names;
  if (d.primary_metric !== undefined && !known.includes(d.primary_metric)) {
    issues.push({
      message: messages.primaryMetricUnknown(d.primary_metric, known),
      path: ['primary_metric'],
    });
  }
  (d.guardrail_metrics ?? []).forEach((name, index) => {
    if (!known.includes(name)) {
      issues.push({
        message: messages.guardrailUnknown(name, known),
        path: ['guardrail_metrics', index],
      });
    }
  });
  return issues;
}

function windowRules(d: RuleInput): Issue[] {
  if (d.start_at === undefined || d.end_at === undefined) return [];
  return Date.parse(d.start_at) < Date.parse(d.end_at)
    ? []
    : [{ message: messages.startBeforeEnd, path: ['end_at'] }];
}

function qualityRules(d: RuleInput): Issue[] {
  return Object.entries(d.quality?.ranges ?? {}).flatMap(([column, range]): Issue[] => {
    const path = ['quality', 'ranges', column];
    if (range.min === undefined && range.max === undefined)
      return [{ message: messages.rangeBound(column), path }];
    if (range.min !== undefined && range.max !== undefined && range.min > range.max)
      return [{ message: messages.rangeOrder(column, range.min, range.max), path }];
    return [];
  });
}
