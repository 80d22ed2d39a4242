/**
 * The report's sequential section: for the primary metric, the relative lift day by day inside
 * its confidence sequence (the band narrows as the days add up, and a decision can be taken as
 * soon as it leaves 0), each treatment's decision in words, and a line on power: the planned
 * users, the MDE the current sample detects, and the days left.
 */
import { sequencePoints } from './sequence-points.ts';
import type { ExperimentResult } from '../result/result-document.ts';
import { drawCumulativeChart } from './cumulative-chart.ts';
import { oneLine } from './pdf-safe-text.ts';
import type { ReportCanvas } from './report-canvas.ts';
import { primaryMetricOf } from './report-verdict.ts';
import { confidenceLabel } from './report-words.ts';

const percent = (x: number | null) =>
  x === null ? 'n/a' : `${Number((x * 100).toPrecision(3)).toString()}%`;
const count = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * The line on power of an experiment.
 * @param experiment - the experiment object
 * @returns one sentence, or null for an analysis without a plan
 * @example powerLine(experiment) // 'Planned: 62,436 users (...). The current sample ...'
 */
export function powerLine(experiment: ExperimentResult): string | null {
  const planning = experiment.planning;
  if (planning === undefined) return null;
  const source =
    planning.planned_users_source === 'definition'
      ? 'set in the definition'
      : planning.planned_users_source === 'power'
        ? `for a ${percent(planning.mde)} relative change in ${planning.metric ?? 'the primary metric'} at ${percent(planning.power)} power`
        : 'the users so far: no power calculation was possible';
  const days =
    planning.days_left === null
      ? ''
      : planning.days_left === 0
        ? ' The planned sample is reached.'
        : ` At ${count(planning.daily_users ?? 0)} users a day, ${count(planning.days_left)} more days reach it.`;
  return `Planned: ${count(planning.planned_users)} users (${source}); analysed so far: ${count(planning.users)}. With them, a ${percent(planning.current_mde)} relative change in ${planning.metric ?? 'the primary metric'} can be detected at ${percent(planning.power)} power.${days}`;
}

/**
 * Draws the sequential section.
 * @param canvas - the report canvas
 * @param experiment - the experiment object
 * @param primary - the primary metric's name, or null
 * @example drawSequentialSection(canvas, input.experiment, input.primaryMetric)
 */
export function drawSequentialSection(
  canvas: ReportCanvas,
  experiment: ExperimentResult,
  primary: string | null,
): void {
  const metric = primaryMetricOf(experiment, primary);
  if (metric === undefined) return;
  const name = oneLine(metric.name);
  canvas.heading(`Safe to look every day: ${name}`, 1, 260);
  canvas.paragraph(
    'Each analysis is a look. The confidence sequence is an interval that stays valid however ' +
      'often the results are looked at, so a decision may be taken as soon as it leaves 0; it is ' +
      'wider than the fixed-horizon interval, which holds only for one look at the planned size.',
  );
  for (const comparison of metric.comparisons) {
    if (comparison.decision === undefined) continue;
    canvas.paragraph(
      `${oneLine(comparison.variant)}: ${comparison.decision.action}. ${comparison.decision.reason}.`,
    );
  }
  const line = powerLine(experiment);
  if (line !== null) canvas.paragraph(line);
  const rows = (experiment.by_day ?? []).filter((row) => row.metric === metric.name);
  if (rows.length === 0) return;
  drawCumulativeChart(
    canvas,
    sequencePoints(rows),
    confidenceLabel(experiment.alpha),
    `Date (UTC): each day's result with its events up to the end of the day. Shaded: the ${confidenceLabel(experiment.alpha)} confidence sequence over the days, relative to the control mean.`,
  );
}
