/**
 * The pages after page one, for an analyst, in order: the metrics, cumulative lift over time,
 * the sequential test (decisions, the band narrowing, a line on power), the model-adjusted effects, data quality and the appendix.
 */
import { drawAppendix } from './appendix-section.ts';
import { drawCumulativeChart } from './cumulative-chart.ts';
import { drawDataQualitySection } from './data-quality-section.ts';
import { drawAllocation, drawDecisionTables } from './decision-tables.ts';
import { drawMetricTables } from './metric-tables.ts';
import { drawModelSection } from './model-section.ts';
import { oneLine } from './pdf-safe-text.ts';
import type { ReportCanvas } from './report-canvas.ts';
import type { ReportInput } from './report-input.ts';
import { primaryMetricOf } from './report-verdict.ts';
import { drawSequentialSection } from './sequential-section.ts';
import { confidenceLabel } from './report-words.ts';

/**
 * Draws every analyst section, starting on a new page.
 * @param canvas - the report canvas
 * @param input - the report input
 * @example drawAnalystSections(canvas, input)
 */
export function drawAnalystSections(canvas: ReportCanvas, input: ReportInput): void {
  const { experiment } = input;
  canvas.newPage();
  canvas.heading('Metrics', 1);
  if (experiment.metrics.length === 0) canvas.paragraph('The analysis holds no metrics.');
  // Guardrails first: a harmed guardrail is what a reader must see before any win.
  const guardrailsFirst = [
    ...experiment.metrics.filter((m) => m.guardrail !== null),
    ...experiment.metrics.filter((m) => m.guardrail === null),
  ];
  for (const metric of guardrailsFirst) {
    drawMetricTables(canvas, metric, experiment.alpha);
    drawDecisionTables(canvas, metric, confidenceLabel(experiment.alpha));
  }
  drawAllocation(canvas, experiment);
  drawCumulativeSection(canvas, input);
  drawSequentialSection(canvas, experiment, input.primaryMetric);
  drawModelSection(canvas, input);
  drawDataQualitySection(canvas, input);
  drawAppendix(canvas, input);
}

function drawCumulativeSection(canvas: ReportCanvas, input: ReportInput): void {
  const metric = primaryMetricOf(input.experiment, input.primaryMetric);
  const name = metric === undefined ? 'the primary metric' : oneLine(metric.name);
  canvas.heading(`Cumulative lift over time: ${name}`, 1, 260);
  if (metric === undefined) {
    canvas.paragraph('There is no metric to chart.');
    return;
  }
  if (input.cumulativeLift.length === 0) {
    canvas.paragraph(
      'Cumulative lift over time is not available for this analysis (no exposure times were recorded).',
    );
    return;
  }
  canvas.paragraph(
    'The relative lift of each treatment among the users exposed up to the end of each day. ' +
      'A line that settles and a band that narrows show a stable effect; early values rest on ' +
      'few users and can swing widely.',
  );
  const points = input.cumulativeLift.filter((p) => p.metric === metric.name);
  const level = confidenceLabel(input.experiment.alpha);
  if (!drawCumulativeChart(canvas, points, level)) {
    canvas.paragraph(`No cumulative lift could be computed for ${name}.`);
  }
}
