/**
 * The series of the cumulative lift chart: points grouped by treatment and sorted by day, and
 * their drawing as a line (broken where the lift is undefined) inside a shaded interval band.
 */
import type { CumulativeLiftPoint } from '../analysis/cumulative-lift.ts';

const dayMs = 86_400_000;

/** One treatment's points, by UTC day number. */
export interface Series {
  readonly variant: string;
  readonly points: readonly {
    day: number;
    lift: number | null;
    low: number | null;
    high: number | null;
  }[];
}

/**
 * Groups points by treatment (in order of first appearance) and sorts them by day.
 * @param points - the metric's points
 * @returns one series per treatment
 * @example toSeries(points)[0]?.variant // 'treatment'
 */
export function toSeries(points: readonly CumulativeLiftPoint[]): Series[] {
  const byVariant = new Map<string, CumulativeLiftPoint[]>();
  for (const point of points) {
    const list = byVariant.get(point.variant) ?? [];
    list.push(point);
    byVariant.set(point.variant, list);
  }
  return [...byVariant].map(([variant, list]) => ({
    variant,
    points: list
      .map((p) => ({
        day: Math.floor(Date.parse(p.date) / dayMs),
        lift: p.relative_lift,
        low: p.ci_low,
        high: p.ci_high,
      }))
      .filter((p) => Number.isFinite(p.day))
      .sort((a, b) => a.day - b.day),
  }));
}

/** Runs of consecutive points for which `has` holds. */
function runs<T>(items: readonly T[], has: (item: T) => boolean): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (has(item)) current.push(item);
    else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Shades a series' interval band (a vertical bar where it has a single point).
 * @param doc - the document, clipped to the plot
 * @param s - the series
 * @param xOf - day to x
 * @param yOf - lift to y
 * @param color - the series colour
 * @example drawBand(doc, series, xOf, yOf, '#2f5fa7')
 */
export function drawBand(
  doc: PDFKit.PDFDocument,
  s: Series,
  xOf: (day: number) => number,
  yOf: (v: number) => number,
  color: string,
): void {
  for (const run of runs(s.points, (p) => p.low !== null && p.high !== null)) {
    const first = run[0];
    if (first === undefined) continue;
    if (run.length === 1) {
      const x = xOf(first.day);
      doc
        .moveTo(x, yOf(first.low ?? 0))
        .lineTo(x, yOf(first.high ?? 0))
        .lineWidth(3)
        .strokeOpacity(0.3)
        .strokeColor(color)
        .stroke();
      doc.strokeOpacity(1);
      continue;
    }
    doc.moveTo(xOf(first.day), yOf(first.high ?? 0));
    for (const p of run.slice(1)) doc.lineTo(xOf(p.day), yOf(p.high ?? 0));
    for (const p of [...run].reverse()) doc.lineTo(xOf(p.day), yOf(p.low ?? 0));
    doc.closePath().fillOpacity(0.16).fill(color);
    doc.fillOpacity(1);
  }
}

/**
 * Draws a series' lift as a line (a dot where it has a single point).
 * @param doc - the document, clipped to the plot
 * @param s - the series
 * @param xOf - day to x
 * @param yOf - lift to y
 * @param color - the series colour
 * @example drawLine(doc, series, xOf, yOf, '#2f5fa7')
 */
export function drawLine(
  doc: PDFKit.PDFDocument,
  s: Series,
  xOf: (day: number) => number,
  yOf: (v: number) => number,
  color: string,
): void {
  for (const run of runs(s.points, (p) => p.lift !== null)) {
    const first = run[0];
    if (first === undefined) continue;
    if (run.length === 1) {
      doc.circle(xOf(first.day), yOf(first.lift ?? 0), 2.2).fill(color);
      continue;
    }
    doc.moveTo(xOf(first.day), yOf(first.lift ?? 0));
    for (const p of run.slice(1)) doc.lineTo(xOf(p.day), yOf(p.lift ?? 0));
    doc.lineWidth(1.6).strokeColor(color).stroke();
  }
}
