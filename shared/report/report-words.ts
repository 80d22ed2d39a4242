/**
 * Small pieces of prose shared by the report's sentences: variant names short enough for a
 * headline, the confidence level of the intervals, and a metric's lift with its interval.
 */
import type { Comparison, MetricResult } from '../result/result-document.ts';
import { formatMetricDifference } from './metric-format.ts';
import { oneLine } from './pdf-safe-text.ts';
import { formatPercent, NOT_AVAILABLE } from './report-format.ts';

const longestName = 40;

/**
 * Shortens a user-supplied name for prose (headlines and sentences), on one line.
 * @param name - a variant, metric or attribute name
 * @returns at most 40 characters, cut with `...`
 * @example shortName('control') // 'control'
 */
export function shortName(name: string): string {
  const chars = [...oneLine(name)];
  return chars.length <= longestName
    ? chars.join('')
    : `${chars.slice(0, longestName - 3).join('')}...`;
}

/**
 * A variant's name as a table shows it: the control marked, unless its name says so already.
 * @param variant - the variant name
 * @param isControl - whether it is the control
 * @returns e.g. `A (control)`, or `control`
 * @example controlLabel('baseline', true) // 'baseline (control)'
 */
export function controlLabel(variant: string, isControl: boolean): string {
  return isControl && variant !== 'control' ? `${variant} (control)` : variant;
}

/**
 * The confidence level of the report's intervals.
 * @param alpha - the analysis' significance level
 * @returns e.g. `95%`
 * @example confidenceLabel(0.05) // '95%'
 */
export function confidenceLabel(alpha: number): string {
  const level = (1 - alpha) * 100;
  return `${Number.isInteger(Math.round(level * 10) / 10) ? level.toFixed(0) : level.toFixed(1)}%`;
}

/**
 * A comparison's effect in words: the relative lift with its interval, or the difference when
 * the lift is undefined (a control mean of zero).
 * @param metric - the metric
 * @param comparison - the comparison
 * @param alpha - the significance level
 * @returns e.g. `+13.0%, 95% interval -16.6% to +42.6%`
 * @example liftPhrase(metric, comparison, 0.05)
 */
export function liftPhrase(metric: MetricResult, comparison: Comparison, alpha: number): string {
  const level = confidenceLabel(alpha);
  const useLift = comparison.relative_lift !== null;
  const format = (x: number | null): string =>
    useLift ? formatPercent(x, true) : formatMetricDifference(metric.type, x);
  const [low, high] = useLift ? comparison.relative_lift_ci : comparison.difference_ci;
  const estimate = format(useLift ? comparison.relative_lift : comparison.difference);
  if (low === null && high === null) return estimate;
  const interval = `${level} interval ${format(low)} to ${format(high)}`;
  return estimate === NOT_AVAILABLE ? interval : `${estimate}, ${interval}`;
}
