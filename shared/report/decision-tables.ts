/**
 * The decision parts of a metric's section in the PDF, after its plain tables: CUPED beside the
 * plain estimate, the winsorizing caps, a guardrail's verdict, the revenue decomposition and the
 * segments with their heterogeneity; and, for the whole experiment, each arm's probability of
 * being best with the recommended Thompson weights. Each part is drawn only when the analysis has
 * it, so a report without these settings is unchanged.
 */
import type { ExperimentResult, MetricResult } from '../result/result-document.ts';
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
} from './report-format.ts';
import { drawTable } from './report-table.ts';

const note = { size: 8.5, color: '#5f6368' } as const;

/**
 * Draws a metric's decision parts at the cursor.
 * @param canvas - the report canvas
 * @param metric - the metric
 * @param level - the confidence label (`95%`)
 * @example drawDecisionTables(canvas, experiment.metrics[0], '95%')
 */
export function drawDecisionTables(
  canvas: ReportCanvas,
  metric: MetricResult,
  level: string,
): void {
  const difference = (x: number): string => formatMetricDifference(metric.type, x);
  const lift = (x: number): string => formatPercent(x, true);
  if (metric.guardrail !== null) {
    canvas.paragraph(
      `Guardrail (harm is ${metric.guardrail.bad === 'increase' ? 'an increase' : 'a decrease'}): ` +
        (metric.guardrail.harmed
          ? `HARMED by ${metric.comparisons
              .filter((c) => c.guardrail_harmed === true)
              .map((c) => oneLine(c.variant))
              .join(', ')}.`
          : 'not harmed.'),
      { size: 9.5, color: metric.guardrail.harmed ? '#b3261e' : '#1e4620' },
      0,
      4,
    );
  }
  if (metric.winsorize !== null) {
    canvas.paragraph(
      `Values winsorized at the ${formatNumber(metric.winsorize.lower)}th and ` +
        `${formatNumber(metric.winsorize.upper)}th percentiles of all users pooled: ` +
        `[${formatNumber(metric.winsorize.lower_cap)}, ${formatNumber(metric.winsorize.upper_cap)}].`,
      note,
      0,
      4,
    );
  }
  const cuped = metric.comparisons.filter((c) => c.cuped !== null);
  if (cuped.length > 0) {
    drawTable(canvas, {
      columns: [
        { header: 'Treatment', width: 92 },
        { header: `Plain difference\n[${level} CI]`, width: 100, align: 'right' },
        { header: `CUPED difference\n[${level} CI]`, width: 100, align: 'right' },
        { header: 'CUPED\np-value', width: 56, align: 'right' },
        { header: 'Variance\nremoved', width: 56, align: 'right' },
        { header: 'theta', width: 56, align: 'right' },
      ],
      rows: cuped.map((c) => [
        c.variant,
        [
          formatMetricDifference(metric.type, c.difference),
          formatInterval(c.difference_ci, difference),
        ],
        [
          formatMetricDifference(metric.type, c.cuped?.difference ?? null),
          formatInterval(c.cuped?.difference_ci ?? [null, null], difference),
        ],
        formatPValue(c.cuped?.p_value ?? null),
        formatPercent(c.cuped?.variance_reduction ?? null),
        formatNumber(c.cuped?.theta ?? null),
      ]),
      maxLines: 3,
    });
    canvas.paragraph(
      'CUPED adjusts each user by the same metric before exposure (theta pooled over the arms). ' +
        'Its p-value is not in the Benjamini-Hochberg family; the plain estimate is the headline.',
      note,
      0,
      6,
    );
  }
  if (metric.decomposition !== null && metric.decomposition.length > 0) {
    drawTable(canvas, {
      columns: [
        { header: 'Treatment', width: 92 },
        { header: `Revenue per user\n[${level} CI]`, width: 120, align: 'right' },
        { header: `Conversion rate\n[${level} CI]`, width: 120, align: 'right' },
        { header: `Revenue per buyer\n[${level} CI]`, width: 120, align: 'right' },
      ],
      rows: metric.decomposition.map((d) => [
        d.variant,
        ...[d.revenue_per_user, d.conversion_rate, d.revenue_per_buyer].map((part) => [
          formatPercent(part.relative_lift, true),
          formatInterval(part.relative_lift_ci, lift),
        ]),
      ]),
      maxLines: 3,
    });
    canvas.paragraph(
      'Revenue per user = conversion rate x revenue per buyer: the relative lifts show which moved.',
      note,
      0,
      6,
    );
  }
  drawSegments(canvas, metric);
}

function drawSegments(canvas: ReportCanvas, metric: MetricResult): void {
  if (metric.segments.length === 0) return;
  canvas.heading(`${oneLine(metric.name)} by segment`, 2, 80);
  drawTable(canvas, {
    columns: [
      { header: 'Segment', width: 110 },
      { header: 'Treatment', width: 92 },
      { header: 'Users\n(control / treatment)', width: 100, align: 'right' },
      { header: 'Difference', width: 70, align: 'right' },
      { header: 'Relative lift', width: 62, align: 'right' },
      { header: 'Adjusted\np-value', width: 56, align: 'right' },
    ],
    rows: metric.segments.flatMap((segment) => {
      const control = segment.variants.find((v) => v.variant === metric.comparisons[0]?.control);
      return segment.comparisons.map((c) => [
        `${oneLine(segment.attribute)} = ${oneLine(segment.level)}`,
        c.variant,
        `${formatCount(control?.users ?? 0)} / ${formatCount(segment.variants.find((v) => v.variant === c.variant)?.users ?? 0)}`,
        formatMetricDifference(metric.type, c.difference),
        formatPercent(c.relative_lift, true),
        formatPValue(c.p_value_adjusted),
      ]);
    }),
    maxLines: 2,
  });
  const lines = metric.heterogeneity.map(
    (h) =>
      `${oneLine(h.attribute)}, ${oneLine(h.variant)}: Q = ${formatNumber(h.q)} on ${h.df} df, ` +
      `p-value ${formatPValue(h.p_value)}, I2 = ${formatPercent(h.i_squared)}`,
  );
  canvas.paragraph(
    `Levels with fewer than 30 users in an arm are pooled into "other". Heterogeneity (Cochran's Q): ${lines.join('; ')}.`,
    note,
    0,
    6,
  );
}

/**
 * Draws the multi-arm allocation: each arm's probability of being best and the recommended
 * Thompson weights (nothing for an experiment without one).
 * @param canvas - the report canvas
 * @param experiment - the experiment result
 * @example drawAllocation(canvas, experiment)
 */
export function drawAllocation(canvas: ReportCanvas, experiment: ExperimentResult): void {
  const allocation = experiment.allocation;
  if (allocation === null) return;
  canvas.heading(`Which arm is best: ${oneLine(allocation.metric)}`, 2, 80);
  drawTable(canvas, {
    columns: [
      { header: 'Variant', width: 160 },
      { header: 'P(best)', width: 80, align: 'right' },
      { header: 'Recommended\nweight', width: 90, align: 'right' },
    ],
    rows: allocation.arms.map((arm) => [
      arm.variant,
      formatProbability(arm.probability_best),
      formatPercent(arm.weight),
    ]),
    maxLines: 2,
  });
  canvas.paragraph(
    `Thompson sampling: new traffic in proportion to each arm's probability of being best, ` +
      `every arm keeping at least ${formatPercent(allocation.floor)}. ` +
      'POST /v1/experiments/{id}/allocation applies these weights when asked.',
    note,
    0,
    6,
  );
}
