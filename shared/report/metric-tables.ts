/**
 * The analyst's view of one metric: a table of the variants (users, mean with its interval,
 * sd), a table of each treatment against the control (difference and relative lift with
 * intervals, test, statistic, p-value, adjusted p-value, and the Bayesian probability or
 * Cohen's d and Mann-Whitney as they apply), then the forest plot of the lifts.
 */
import type { Comparison, MetricResult } from '../result/result-document.ts';
import { drawForestPlot } from './forest-plot.ts';
import { forestRows } from './forest-rows.ts';
import { formatMetricDifference } from './metric-format.ts';
import { oneLine } from './pdf-safe-text.ts';
import type { ReportCanvas } from './report-canvas.ts';
import {
  formatCount,
  formatInterval,
  formatNumber,
  formatPercent,
  formatProbability,
  formatPValue,
  NOT_AVAILABLE,
} from './report-format.ts';
import { drawTable, type TableCell, type TableColumn } from './report-table.ts';
import { confidenceLabel, controlLabel } from './report-words.ts';

const testNames: Readonly<Record<NonNullable<Comparison['test']>, string>> = {
  chi_square: 'Chi-square',
  fisher_exact: 'Fisher exact',
  welch_t: 'Welch t',
  delta_method_z: 'Delta-method z',
};

/**
 * Draws one metric's tables and forest plot at the cursor.
 * @param canvas - the report canvas
 * @param metric - the metric
 * @param alpha - the analysis' significance level
 * @example drawMetricTables(canvas, experiment.metrics[0], 0.05)
 */
export function drawMetricTables(canvas: ReportCanvas, metric: MetricResult, alpha: number): void {
  const level = confidenceLabel(alpha);
  const binomial = metric.type === 'binomial';
  canvas.heading(
    `${oneLine(metric.name)} (${binomial ? 'binomial: share of users converting' : metric.type === 'ratio' ? 'ratio: sum of numerator over sum of denominator' : 'continuous: mean per user'})`,
    2,
    90,
  );

  const variantColumns: TableColumn[] = [
    { header: 'Variant', width: 160 },
    { header: 'Users', width: 55, align: 'right' },
    { header: binomial ? 'Converted' : 'Sum', width: 65, align: 'right' },
    { header: binomial ? 'Rate' : 'Mean', width: 55, align: 'right' },
    { header: `${level} interval`, width: 100, align: 'right' },
    { header: 'SD', width: 60, align: 'right' },
  ];
  drawTable(canvas, {
    columns: variantColumns,
    rows: metric.variants.map((v) => [
      controlLabel(v.variant, v.is_control),
      formatCount(v.users),
      binomial ? formatCount(v.sum) : formatNumber(v.sum, 6),
      binomial ? formatPercent(v.mean, false, 2) : formatNumber(v.mean),
      formatInterval([v.ci_low, v.ci_high], (x) =>
        binomial ? formatPercent(x, false, 2) : formatNumber(x),
      ),
      formatNumber(v.sd),
    ]),
    maxLines: 3,
  });

  if (metric.comparisons.length === 0) {
    canvas.paragraph('No treatment to compare with the control.');
    return;
  }
  // Keep the comparison table, its note and the forest plot on one page when they fit on one.
  const rows = metric.comparisons.length;
  canvas.ensureSpace(Math.min(40 + rows * 40 + 14 + rows * 20 + 56, canvas.bottom - canvas.top));
  const extraHeader = binomial
    ? 'Bayesian:\nP(beat control)'
    : metric.type === 'ratio'
      ? 'Normal approx.:\nP(beat control)'
      : "Cohen's d,\nMann-Whitney U";
  drawTable(canvas, {
    columns: [
      { header: 'Treatment\nvs control', width: 92 },
      { header: `Difference\n[${level} CI]`, width: 88, align: 'right' },
      { header: `Relative lift\n[${level} CI]`, width: 82, align: 'right' },
      { header: 'Test,\nstatistic', width: 64 },
      { header: 'p-value', width: 40, align: 'right' },
      { header: 'Adjusted\np-value', width: 56, align: 'right' },
      { header: extraHeader, width: 78 },
    ],
    rows: metric.comparisons.map((c) => comparisonRow(metric, c)),
    maxLines: 4,
  });
  canvas.paragraph(
    'Adjusted p-values: Benjamini-Hochberg over every (metric, treatment) comparison; ' +
      '"significant" means adjusted p-value < alpha.',
    { size: 8.5, color: '#5f6368' },
    0,
    6,
  );
  if (metric.comparisons.every((c) => c.relative_lift === null)) {
    canvas.paragraph('No relative lift could be estimated, so there is no forest plot.');
    return;
  }
  drawForestPlot(
    canvas,
    forestRows(metric.comparisons),
    `Relative lift of ${oneLine(metric.name)} vs control with ${level} intervals`,
  );
}

/** An estimate over its interval, or one `n/a` when both are absent. */
function withInterval(estimate: string, interval: string): string[] {
  return estimate === NOT_AVAILABLE && interval === NOT_AVAILABLE
    ? [NOT_AVAILABLE]
    : [estimate, interval];
}

function comparisonRow(metric: MetricResult, c: Comparison): TableCell[] {
  const difference = (x: number): string => formatMetricDifference(metric.type, x);
  const lift = (x: number): string => formatPercent(x, true);
  const statistic =
    c.test === 'welch_t'
      ? [`t = ${formatNumber(c.statistic)}`, `df = ${formatNumber(c.df)}`]
      : c.test === 'chi_square'
        ? [`X2 = ${formatNumber(c.statistic)}`]
        : [];
  const extra =
    metric.type === 'binomial' || metric.type === 'ratio'
      ? c.bayesian === null
        ? ['n/a']
        : [
            `P(beat) ${formatProbability(c.bayesian.prob_beat_control)}`,
            `Exp. loss ${formatNumber(c.bayesian.expected_loss, 3)}`,
          ]
      : [
          `d = ${formatNumber(c.cohens_d, 3)}`,
          ...(c.mann_whitney === null
            ? ['Mann-Whitney n/a']
            : [
                `U = ${formatNumber(c.mann_whitney.u, 6)}`,
                `p-value ${formatPValue(c.mann_whitney.p_value)}`,
              ]),
        ];
  const significance =
    c.p_value === null ? [] : [c.significant ? 'significant' : 'not significant'];
  return [
    c.variant,
    withInterval(
      formatMetricDifference(metric.type, c.difference),
      formatInterval(c.difference_ci, difference),
    ),
    withInterval(formatPercent(c.relative_lift, true), formatInterval(c.relative_lift_ci, lift)),
    [c.test === null ? 'n/a' : testNames[c.test], ...statistic],
    formatPValue(c.p_value),
    [formatPValue(c.p_value_adjusted), ...significance],
    extra,
  ];
}
