/**
 * Formatting of a metric's values by its type: rates as percents and their differences in
 * percentage points for binomial metrics; significant digits for continuous ones.
 */
import type { MetricResult } from '../result/result-document.ts';
import { formatNumber, formatPercent, formatPoints } from './report-format.ts';

type MetricType = MetricResult['type'];

/**
 * Formats a metric's mean: a conversion rate as a percent, a continuous mean to 4 digits.
 * @param type - the metric type
 * @param x - the mean
 * @returns the text, or `n/a`
 * @example formatMetricValue('binomial', 0.0656) // '6.6%'
 */
export function formatMetricValue(type: MetricType, x: number | null): string {
  return type === 'binomial' ? formatPercent(x) : formatNumber(x);
}

/**
 * Formats a difference of means: percentage points for rates, a signed number otherwise.
 * @param type - the metric type
 * @param x - the difference
 * @returns the text, or `n/a`
 * @example formatMetricDifference('continuous', 0.2235) // '+0.2235'
 */
export function formatMetricDifference(type: MetricType, x: number | null): string {
  return type === 'binomial' ? formatPoints(x) : formatNumber(x, 4, true);
}
