/**
 * The rows of a metric's forest plot, the same for the PDF (forest-plot.ts) and the SVG file
 * (svg-charts.ts): one per treatment, its relative lift over its interval.
 */
import type { Comparison } from '../result/result-document.ts';

/** One row of a forest plot: a treatment's estimate and interval (fractions: 0.1 = +10%). */
export interface ForestRow {
  readonly label: string;
  readonly estimate: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly significant: boolean;
}

/**
 * The forest plot rows of a metric's comparisons: each treatment's relative lift and its interval.
 * @param comparisons - the metric's comparisons, in document order
 * @returns one row per comparison, in the same order
 * @example forestRows(metric.comparisons)[0]?.estimate // 0.13
 */
export function forestRows(comparisons: readonly Comparison[]): ForestRow[] {
  return comparisons.map((c) => ({
    label: c.variant,
    estimate: c.relative_lift,
    low: c.relative_lift_ci[0],
    high: c.relative_lift_ci[1],
    significant: c.significant,
  }));
}
