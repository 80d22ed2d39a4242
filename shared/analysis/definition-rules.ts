/**
 * The rules relating a definition's fields, each reported at the path of the field at fault:
 * unique variant keys, exactly one control (flagged, or the variant keyed `control`), weights
 * given to every variant or none and summing to 1 or to 100 (within 1e-6), unique metric
 * names, a primary metric and guardrail metrics among the metrics, start before end; a ratio
 * metric's numerator and denominator (and only a ratio's), winsorizing of continuous metrics
 * with lower <= upper, CUPED's lookback and covariate only with `cuped: true`, segments named
 * once, a quality range with a bound and its min at most its max. They run
 * after the fields' own checks and may see a value those checks flagged, so they read it
 * defensively.
 */
import type { z } from 'zod';
import { definitionMessages as messages } from './definition-messages.ts';
import { knownOptionalColumns, requiredColumns } from '../events/events-contract.ts';
import { derivedCovariateNames } from './model-settings.ts';
import { defaultMetrics } from './metric-spec.ts';

/** The tolerance of the weights' sum. */
export const weightSumTolerance = 1e-6;

interface RuleInput {
  readonly variants?: readonly {
    readonly key: string;
    readonly weight?: number | undefined;
    readonly control: boolean;
  }[];
  readonly metrics?: readonly RuleMetric[];
  readonly segments?: readonly string[] | undefined;
  readonly primary_metric?: string | undefined;
  readonly guardrail_metrics?: readonly string[];
  readonly start_at?: string | undefined;
  readonly end_at?: string | undefined;
  readonly model?: { readonly penalty: string; readonly lambda?: number | 'cv' | undefined };
  readonly covariates?: {
    readonly numeric: readonly string[];
    readonly categorical: readonly string[];
  };
  readonly derived_covariates?: boolean | undefined;
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

interface RuleMetric {
  readonly name: string;
  readonly type?: string;
  readonly numerator?: unknown;
  readonly denominator?: unknown;
  readonly winsorize?: { readonly lower?: number; readonly upper?: number } | undefined;
  readonly cuped?: boolean | undefined;
  readonly cuped_lookback_days?: number | undefined;
  readonly covariate?: string | undefined;
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
  return [
    ...variantRules(d.variants),
    ...metricRules(d),
    ...(d.metrics ?? []).flatMap(metricSettingRules),
    ...segmentRules(d.segments),
    ...windowRules(d),
    ...modelRules(d),
    ...covariateRules(d),
    ...qualityRules(d),
  ];
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

/** A metric's own settings: ratio parts only on ratios, winsorize on continuous, CUPED's fields. */
function metricSettingRules(metric: RuleMetric, index: number): Issue[] {
  const issues: Issue[] = [];
  const at = (...path: (string | number)[]) => ['metrics', index, ...path];
  if (metric.type === 'ratio') {
    for (const part of ['numerator', 'denominator'] as const) {
      if (metric[part] === undefined)
        issues.push({ message: messages.ratioParts(part), path: at(part) });
    }
    if (metric.cuped === true) issues.push({ message: messages.cupedRatio, path: at('cuped') });
  } else {
    for (const part of ['numerator', 'denominator'] as const) {
      if (metric[part] !== undefined)
        issues.push({ message: messages.notARatio(part), path: at(part) });
    }
  }
  if (metric.winsorize !== undefined) {
    if (metric.type !== 'continuous') {
      issues.push({ message: messages.winsorizeContinuous, path: at('winsorize') });
    } else if ((metric.winsorize.lower ?? 0) > (metric.winsorize.upper ?? 100)) {
      issues.push({ message: messages.winsorizeOrder, path: at('winsorize', 'lower') });
    }
  }
  if (metric.cuped !== true) {
    for (const field of ['cuped_lookback_days', 'covariate'] as const) {
      if (metric[field] !== undefined)
        issues.push({ message: messages.cupedSettingWithoutCuped(field), path: at(field) });
    }
  }
  return issues;
}

function segmentRules(segments: readonly string[] | undefined): Issue[] {
  return (segments ?? []).flatMap((name, index, all) =>
    all.indexOf(name) === index
      ? []
      : [{ message: messages.segmentTwice(name), path: ['segments', index] }],
  );
}
function modelRules(d: RuleInput): Issue[] {
  return d.model?.penalty === 'none' && d.model.lambda !== undefined
    ? [{ message: messages.lambdaWithoutRidge, path: ['model', 'lambda'] }]
    : [];
}

function covariateRules(d: RuleInput): Issue[] {
  if (d.covariates === undefined) return [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const reserved = new Set<string>([...requiredColumns, ...knownOptionalColumns]);
  for (const kind of ['numeric', 'categorical'] as const) {
    d.covariates[kind].forEach((name, index) => {
      const path = ['covariates', kind, index];
      if (seen.has(name)) issues.push({ message: messages.covariateTwice(name), path });
      else if (reserved.has(name)) issues.push({ message: messages.covariateReserved(name), path });
      else if (d.derived_covariates === true && derivedCovariateNames.includes(name))
        issues.push({ message: messages.covariateDerived(name), path });
      seen.add(name);
    });
  }
  return issues;
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
