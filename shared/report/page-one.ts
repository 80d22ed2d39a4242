/**
 * Page one, for an executive: the experiment's name and id, the verdict in plain words (what
 * won, by how much, how sure), the primary metric's key numbers, the other metrics in a line
 * each, the model-adjusted effect, and whether the data can be trusted.
 */
import { oneLine } from './pdf-safe-text.ts';
import { formatMetricValue } from './metric-format.ts';
import { modelAdjustedSentence } from './model-words.ts';
import type { ReportCanvas } from './report-canvas.ts';
import { drawCallout } from './report-callout.ts';
import {
  formatCount,
  formatInstant,
  formatAlpha,
  formatInterval,
  formatPercent,
  formatProbability,
  formatPValue,
} from './report-format.ts';
import type { ReportInput } from './report-input.ts';
import { COLOR, SIZE } from './report-style.ts';
import { drawTable, type TableColumn } from './report-table.ts';
import { trustFindings, type TrustLevel } from './report-trust.ts';
import { primaryMetricOf, reportVerdict, type VerdictTone } from './report-verdict.ts';
import { confidenceLabel, controlLabel } from './report-words.ts';

const toneColor: Readonly<Record<VerdictTone, string>> = {
  positive: COLOR.positive,
  negative: COLOR.negative,
  mixed: '#9a6700',
  neutral: COLOR.neutral,
  insufficient: COLOR.muted,
};

const levelColor: Readonly<Record<TrustLevel, string>> = {
  ok: COLOR.positive,
  caution: '#d9822b',
  alarm: COLOR.negative,
};

const hypothesisLimit = 600;

/**
 * Draws page one at the cursor (it may run onto a second page with many treatments).
 * @param canvas - the report canvas, on a fresh page
 * @param input - the report input
 * @example drawPageOne(canvas, input)
 */
export function drawPageOne(canvas: ReportCanvas, input: ReportInput): void {
  const { experiment } = input;
  canvas.paragraph('A/B experiment report', { color: COLOR.muted }, 0, 2);
  canvas.paragraph(
    input.name ?? experiment.experiment_id,
    { font: 'bold', size: SIZE.title },
    0,
    4,
  );
  canvas.paragraph(`Experiment id: ${experiment.experiment_id}`, { font: 'bold' }, 0, 1);
  canvas.paragraph(
    `Analysis ${experiment.analysis_id}, computed ${formatInstant(experiment.computed_at)}; ` +
      `${formatCount(experiment.data.users)} users analysed; significance level ` +
      `alpha = ${formatAlpha(experiment.alpha)} (${confidenceLabel(experiment.alpha)} intervals).`,
    { color: COLOR.muted },
    0,
    6,
  );
  if (input.hypothesis !== null && input.hypothesis.trim() !== '') {
    const text = [...input.hypothesis.trim()];
    const hypothesis =
      text.length > hypothesisLimit
        ? `${text.slice(0, hypothesisLimit).join('')}...`
        : text.join('');
    canvas.paragraph(`Hypothesis: ${hypothesis}`, { font: 'italic' }, 0, 8);
  }

  const findings = trustFindings(experiment, input.batches);
  if (experiment.srm.flagged) {
    drawCallout(canvas, {
      title: 'Warning: sample ratio mismatch. Do not trust these results.',
      paragraphs: [findings[0]?.text ?? ''],
      fill: COLOR.warningFill,
      accent: COLOR.warningText,
    });
  }

  const verdict = reportVerdict(experiment, input.primaryMetric);
  const { headline } = verdict;
  drawCallout(canvas, {
    title: experiment.srm.flagged ? `${headline} (unreliable: see the warning above)` : headline,
    paragraphs: verdict.sentences,
    fill: COLOR.infoFill,
    accent: toneColor[verdict.tone],
    titleSize: 14,
  });

  drawKeyNumbers(canvas, input);

  if (verdict.otherMetrics.length > 0) {
    canvas.heading('Other metrics', 2, 30);
    for (const line of verdict.otherMetrics) canvas.bullet(line);
  }

  canvas.heading('Model-adjusted effect', 2, 30);
  canvas.paragraph(modelAdjustedSentence(experiment, verdict.metric));

  canvas.heading('Can the data be trusted?', 2, 40);
  const worst = findings.some((f) => f.level === 'alarm')
    ? 'No: a data-quality check failed (below).'
    : findings.some((f) => f.level === 'caution')
      ? 'Mostly: read the cautions below.'
      : 'Yes: no data-quality problem was found.';
  canvas.paragraph(worst, { font: 'bold' });
  for (const finding of findings) {
    const text =
      finding.level === 'alarm' && experiment.srm.flagged && finding === findings[0]
        ? `Sample ratio mismatch (chi-square p-value ${formatPValue(experiment.srm.p_value)}): see the warning at the top.`
        : finding.text;
    canvas.bullet(text, {}, levelColor[finding.level]);
  }
}

function drawKeyNumbers(canvas: ReportCanvas, input: ReportInput): void {
  const { experiment } = input;
  const metric = primaryMetricOf(experiment, input.primaryMetric);
  if (metric === undefined || metric.variants.length === 0) return;
  const level = confidenceLabel(experiment.alpha);
  const binomial = metric.type === 'binomial';
  const columns: TableColumn[] = [
    { header: 'Variant', width: binomial ? 117 : 172 },
    { header: 'Users', width: 50, align: 'right' },
    { header: binomial ? 'Conversion\nrate' : 'Mean', width: 62, align: 'right' },
    { header: 'Lift vs\ncontrol', width: 55, align: 'right' },
    { header: `${level} interval\nof the lift`, width: 101, align: 'right' },
    { header: 'Adjusted\np-value', width: 55, align: 'right' },
  ];
  if (binomial) columns.push({ header: 'P(beat\ncontrol)', width: 55, align: 'right' });
  const rows = metric.variants.map((v) => {
    const c = metric.comparisons.find((x) => x.variant === v.variant);
    const cells = [
      controlLabel(v.variant, v.is_control),
      formatCount(v.users),
      formatMetricValue(metric.type, v.mean),
      v.is_control ? '' : formatPercent(c?.relative_lift ?? null, true),
      v.is_control
        ? ''
        : formatInterval(c?.relative_lift_ci ?? [null, null], (x) => formatPercent(x, true)),
      v.is_control ? '' : formatPValue(c?.p_value_adjusted ?? null),
    ];
    if (binomial)
      cells.push(v.is_control ? '' : formatProbability(c?.bayesian?.prob_beat_control ?? null));
    return cells;
  });
  canvas.heading(`Key numbers: ${oneLine(metric.name)}`, 2, 40);
  drawTable(canvas, { columns, rows, size: SIZE.table + 1, maxLines: 2 });
}
