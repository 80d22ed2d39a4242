/**
 * Data quality, for an analyst: the input batches with their row counts, the users counted and
 * excluded, the sample-ratio check (observed against expected shares), and the experiment's
 * alerts not yet resolved.
 */
import type { ReportCanvas } from './report-canvas.ts';
import { drawCallout } from './report-callout.ts';
import { formatCount, formatPercent, formatPoints } from './report-format.ts';
import type { ReportInput } from './report-input.ts';
import { COLOR } from './report-style.ts';
import { drawTable } from './report-table.ts';
import { rowTotals, srmFinding } from './report-trust.ts';

/**
 * Draws the data-quality section at the cursor.
 * @param canvas - the report canvas
 * @param input - the report input
 * @example drawDataQualitySection(canvas, input)
 */
export function drawDataQualitySection(canvas: ReportCanvas, input: ReportInput): void {
  const { experiment, batches } = input;
  canvas.heading('Data quality', 1);
  canvas.heading('Input batches', 2, 50);
  if (batches.length === 0) {
    canvas.paragraph('No batch details came with this analysis.');
  } else {
    const share = (rejected: number, read: number): string =>
      read > 0 ? formatPercent(rejected / read) : 'n/a';
    const totals = rowTotals(batches);
    drawTable(canvas, {
      columns: [
        { header: 'Batch', width: 128 },
        { header: 'Source', width: 122 },
        { header: 'Status', width: 50 },
        { header: 'Accepted', width: 48, align: 'right' },
        { header: 'Rejected', width: 46, align: 'right' },
        { header: 'Duplicates', width: 52, align: 'right' },
        { header: 'Rejected share', width: 50, align: 'right' },
      ],
      rows: [
        ...batches.map((b) => [
          b.batch_id,
          b.source,
          b.status,
          formatCount(b.accepted),
          formatCount(b.rejected),
          formatCount(b.duplicates),
          share(b.rejected, b.accepted + b.rejected + b.duplicates),
        ]),
        [
          batches.length === 1 ? 'Total' : `Total of ${formatCount(batches.length)} batches`,
          '',
          '',
          formatCount(totals.accepted),
          formatCount(totals.rejected),
          formatCount(totals.duplicates),
          share(totals.rejected, totals.read),
        ],
      ],
      maxLines: 3,
    });
    canvas.paragraph(
      'Rows read = accepted + rejected + duplicates. A rejected row failed validation (its ' +
        'reasons are in the rejections file); a duplicate repeats an event_id already seen.',
      { size: 8.5, color: COLOR.muted },
    );
  }

  const { data } = experiment;
  const excluded = data.excluded_users.multiple_variants;
  canvas.heading('Users', 2, 30);
  canvas.paragraph(
    `${formatCount(data.users + excluded)} users were exposed; ${formatCount(excluded)} saw more ` +
      `than one variant and were excluded, leaving ${formatCount(data.users)} analysed users ` +
      `with ${formatCount(data.events)} accepted events.`,
  );

  canvas.heading('Sample ratio check', 2, 70);
  const finding = srmFinding(experiment);
  if (finding.level === 'alarm') {
    drawCallout(canvas, {
      title: 'Sample ratio mismatch: results should not be trusted',
      paragraphs: [finding.text],
      fill: COLOR.warningFill,
      accent: COLOR.warningText,
    });
  } else {
    canvas.paragraph(finding.text);
  }
  const { observed, expected_share: expected } = experiment.srm;
  const variants = [...new Set([...Object.keys(observed), ...Object.keys(expected)])];
  const total = variants.reduce((sum, v) => sum + (observed[v] ?? 0), 0);
  drawTable(canvas, {
    columns: [
      { header: 'Variant', width: 195 },
      { header: 'Users', width: 70, align: 'right' },
      { header: 'Observed share', width: 75, align: 'right' },
      { header: 'Expected share', width: 75, align: 'right' },
      { header: 'Difference', width: 80, align: 'right' },
    ],
    rows: variants.map((v) => {
      const share = total > 0 ? (observed[v] ?? 0) / total : null;
      const want = expected[v] ?? null;
      return [
        v,
        formatCount(observed[v] ?? 0),
        formatPercent(share, false, 2),
        formatPercent(want, false, 2),
        share === null || want === null ? 'n/a' : formatPoints(share - want),
      ];
    }),
    maxLines: 2,
  });

  drawAlerts(canvas, input);
}

/** The open and acknowledged alerts, when there are any. */
function drawAlerts(canvas: ReportCanvas, input: ReportInput): void {
  const alerts = input.alerts ?? [];
  if (alerts.length === 0) return;
  canvas.heading('Alerts not yet resolved', 2, 50);
  drawTable(canvas, {
    columns: [
      { header: 'Severity', width: 52 },
      { header: 'Kind', width: 70 },
      { header: 'Metric', width: 70 },
      { header: 'Status', width: 70 },
      { header: 'What was seen', width: 234 },
    ],
    rows: alerts.map((alert) => [
      alert.severity,
      alert.kind,
      alert.metric ?? '',
      alert.status,
      alert.message,
    ]),
    maxLines: 3,
  });
}
