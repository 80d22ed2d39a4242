/**
 * The forest plot of a metric's relative lifts: one row per treatment with its estimate (a
 * square) and interval (a line with end caps), a dashed zero line, ticks and a labelled axis.
 * Drawn as vectors. Intervals reaching past +/-1000% are cut and end in an arrow.
 */
import { linearAxis, percentTick } from './chart-scale.ts';
import type { ForestRow } from './forest-rows.ts';
import type { ReportCanvas } from './report-canvas.ts';
import { formatInterval, formatPercent, NOT_AVAILABLE } from './report-format.ts';
import { COLOR, SIZE, STROKE } from './report-style.ts';

const labelWidth = 112;
const valueWidth = 118;
const rowHeight = 20;
const limit = 10;

/**
 * Draws a forest plot at the cursor (on a new page when it does not fit) and moves below it.
 * @param canvas - the report canvas
 * @param rows - one row per treatment
 * @param axisLabel - the axis title
 * @example drawForestPlot(canvas, [{ label: 'treatment', estimate: 0.13, low: -0.17, high: 0.43, significant: false }], 'Relative lift vs control')
 */
export function drawForestPlot(
  canvas: ReportCanvas,
  rows: readonly ForestRow[],
  axisLabel: string,
): void {
  const height = rows.length * rowHeight + 56;
  canvas.ensureSpace(height);
  const x0 = canvas.left + labelWidth + 8;
  const x1 = canvas.right - valueWidth - 8;
  const top = canvas.y + 4;
  const bottom = top + rows.length * rowHeight;
  const values = rows
    .flatMap((r) => [r.estimate, r.low, r.high])
    .filter((v): v is number => v !== null);
  const axis = linearAxis(
    [0, ...values.map((v) => Math.max(-limit, Math.min(limit, v)))],
    x0,
    x1,
    5,
    0.04,
  );
  const small = { size: SIZE.small, color: COLOR.muted } as const;

  for (const tick of axis.ticks) {
    const x = axis.map(tick);
    canvas.line(x, top, x, bottom, STROKE.grid);
    canvas.line(x, bottom, x, bottom + 4, STROKE.axis);
    const label = percentTick(tick, axis.step);
    canvas.drawText(label, x - 30, bottom + 6, 60, { ...small, align: 'center' }, 12);
  }
  canvas.line(x0, bottom, x1, bottom, STROKE.axis);
  canvas.line(axis.map(0), top - 2, axis.map(0), bottom, STROKE.zero);

  rows.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const labelStyle = { size: SIZE.table + 1 } as const;
    const label = canvas.fitLine(row.label, labelWidth, labelStyle);
    canvas.drawText(label, canvas.left, y - 5, labelWidth, labelStyle, 14);
    const interval = formatInterval([row.low, row.high], (x) => formatPercent(x, true));
    const value = `${formatPercent(row.estimate, true)}${interval === NOT_AVAILABLE ? '' : ` ${interval}`}`;
    canvas.drawText(value, x1 + 8, y - 5, valueWidth, { ...labelStyle, align: 'right' }, 14);
    const color = !row.significant
      ? COLOR.neutral
      : (row.estimate ?? 0) >= 0
        ? COLOR.positive
        : COLOR.negative;
    drawInterval(canvas, axis.map, row, y, color);
  });

  canvas.drawText(axisLabel, x0, bottom + 19, x1 - x0, { size: SIZE.small, align: 'center' }, 12);
  canvas.drawText(
    'Square: estimate; bar: interval. Green or red: significant gain or loss; blue: not significant.',
    canvas.left,
    bottom + 31,
    canvas.width,
    { ...small, align: 'center' },
    12,
  );
  canvas.y = bottom + 48;
}

function drawInterval(
  canvas: ReportCanvas,
  map: (v: number) => number,
  row: ForestRow,
  y: number,
  color: string,
): void {
  const { doc } = canvas;
  if (row.low !== null && row.high !== null) {
    const low = map(Math.max(-limit, row.low));
    const high = map(Math.min(limit, row.high));
    doc.moveTo(low, y).lineTo(high, y).lineWidth(1.4).strokeColor(color).stroke();
    for (const [x, cut, dir] of [
      [low, row.low < -limit, -1],
      [high, row.high > limit, 1],
    ] as const) {
      if (cut) {
        doc
          .moveTo(x - dir * 5, y - 3.5)
          .lineTo(x, y)
          .lineTo(x - dir * 5, y + 3.5)
          .lineWidth(1.2)
          .stroke();
      } else {
        doc
          .moveTo(x, y - 4)
          .lineTo(x, y + 4)
          .lineWidth(1.2)
          .stroke();
      }
    }
  }
  if (row.estimate !== null) {
    const x = map(Math.max(-limit, Math.min(limit, row.estimate)));
    doc.rect(x - 3.5, y - 3.5, 7, 7).fill(color);
  } else {
    canvas.drawText('n/a', map(0) + 4, y - 5, 30, { size: SIZE.small, color: COLOR.muted }, 12);
  }
}
