/**
 * Cumulative lift over time for one metric: per treatment a line of the relative lift among
 * users exposed up to the end of each day, inside its shaded interval band, with a dashed zero
 * line, percent gridlines and dates on the x axis. Drawn as vectors and clipped to the plot
 * area: early intervals are very wide, so the y axis is scaled to the estimates and the later
 * half of the intervals, and wider bands run off the plot.
 */
import type { CumulativeLiftPoint } from '../analysis/cumulative-lift.ts';
import { linearAxis, percentTick } from './chart-scale.ts';
import type { ReportCanvas } from './report-canvas.ts';
import { drawBand, drawLine, toSeries, type Series } from './cumulative-series.ts';
import { COLOR, SIZE, STROKE, seriesColor } from './report-style.ts';

const dayMs = 86_400_000;
const plotHeight = 190;
const axisWidth = 44;
/** More treatments than this and the overlapping bands would hide the lines. */
const mostBands = 3;

/**
 * Draws the cumulative lift chart of one metric at the cursor and moves below it.
 * @param canvas - the report canvas
 * @param points - the metric's points (any treatments, any order)
 * @param level - the interval's confidence label, e.g. `95%`
 * @param caption - the caption under the plot, in place of the cumulative lift's
 * @returns false (drawing nothing) when no point has a lift
 * @example drawCumulativeChart(canvas, points.filter((p) => p.metric === 'conversion'), '95%')
 */
export function drawCumulativeChart(
  canvas: ReportCanvas,
  points: readonly CumulativeLiftPoint[],
  level: string,
  caption?: string,
): boolean {
  const series = toSeries(points);
  if (!series.some((s) => s.points.some((p) => p.lift !== null))) return false;
  const { doc } = canvas;
  const legendHeight = 14 * Math.ceil(series.length / 3);
  canvas.ensureSpace(plotHeight + 50 + legendHeight);

  const x0 = canvas.left + axisWidth;
  const x1 = canvas.right - 8;
  const top = canvas.y + 6;
  const bottom = top + plotHeight;
  const days = series.flatMap((s) => s.points.map((p) => p.day));
  const firstDay = Math.min(...days);
  const lastDay = Math.max(...days);
  const span = Math.max(lastDay - firstDay, 1);
  const xOf = (day: number): number =>
    lastDay === firstDay ? (x0 + x1) / 2 : x0 + ((day - firstDay) / span) * (x1 - x0);
  const laterHalf = firstDay + (lastDay - firstDay) / 2;
  const yValues = series.flatMap((s) =>
    s.points.flatMap((p) =>
      p.day >= laterHalf && series.length <= mostBands ? [p.lift, p.low, p.high] : [p.lift],
    ),
  );
  const axis = linearAxis(
    [0, ...yValues.filter((v): v is number => v !== null)],
    bottom,
    top,
    6,
    0.04,
  );
  const small = { size: SIZE.small, color: COLOR.muted } as const;

  for (const tick of axis.ticks) {
    const y = axis.map(tick);
    canvas.line(x0, y, x1, y, STROKE.grid);
    canvas.drawText(
      percentTick(tick, axis.step),
      canvas.left,
      y - 4,
      axisWidth - 5,
      { ...small, align: 'right' },
      12,
    );
  }
  doc
    .rect(x0, top, x1 - x0, plotHeight)
    .lineWidth(0.7)
    .strokeColor(COLOR.muted)
    .stroke();

  doc.save();
  doc.rect(x0, top, x1 - x0, plotHeight).clip();
  const bands = series.length <= mostBands;
  if (bands) series.forEach((s, i) => drawBand(doc, s, xOf, axis.map, seriesColor(i)));
  canvas.line(x0, axis.map(0), x1, axis.map(0), STROKE.zero);
  series.forEach((s, i) => drawLine(doc, s, xOf, axis.map, seriesColor(i)));
  doc.restore();

  for (const day of dateTicks(firstDay, lastDay)) {
    const x = xOf(day);
    canvas.line(x, bottom, x, bottom + 4, STROKE.axis);
    const label = new Date(day * dayMs).toISOString().slice(0, 10);
    const left = Math.min(Math.max(x - 26, x0 - 10), x1 - 44);
    canvas.drawText(label, left, bottom + 6, 52, { ...small, align: 'center' }, 12);
  }
  canvas.drawText(
    caption ??
      (bands
        ? `Date (UTC): users exposed up to the end of each day. Shaded: ${level} interval; intervals are cut at the plot's edges.`
        : `Date (UTC): users exposed up to the end of each day. Intervals are left out with more than ${mostBands} treatments.`),
    x0,
    bottom + 20,
    x1 - x0,
    { size: SIZE.small, align: 'center' },
    12,
  );
  drawLegend(canvas, series, x0, bottom + 34, x1 - x0);
  canvas.y = bottom + 38 + legendHeight + 8;
  return true;
}

function dateTicks(firstDay: number, lastDay: number): number[] {
  const step = Math.max(1, Math.ceil((lastDay - firstDay) / 6));
  const ticks: number[] = [];
  for (let day = firstDay; day <= lastDay; day += step) ticks.push(day);
  return ticks;
}

function drawLegend(
  canvas: ReportCanvas,
  series: readonly Series[],
  x: number,
  y: number,
  width: number,
): void {
  const column = width / 3;
  series.forEach((s, i) => {
    const left = x + (i % 3) * column;
    const top = y + Math.floor(i / 3) * 14;
    canvas.doc
      .rect(left, top + 2, 14, 6)
      .fillOpacity(0.16)
      .fill(seriesColor(i));
    canvas.doc.fillOpacity(1);
    canvas.doc
      .moveTo(left, top + 5)
      .lineTo(left + 14, top + 5)
      .lineWidth(1.6)
      .strokeColor(seriesColor(i))
      .stroke();
    const label = canvas.fitLine(s.variant, column - 24, { size: SIZE.small });
    canvas.drawText(label, left + 18, top, column - 22, { size: SIZE.small }, 12);
  });
}
