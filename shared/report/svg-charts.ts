/**
 * The report's charts as standalone SVG files (the artifacts under `plots/`): a forest plot of
 * relative lifts, and a chart of lines over days, each line inside a shaded band (the
 * cumulative lift and its interval, or the lift and its confidence sequence). Plain text out,
 * no clock and no randomness, so the same analysis gives the same bytes; every text is escaped.
 */
import { linearAxis, percentTick, type LinearAxis } from './chart-scale.ts';
import type { ForestRow } from './forest-rows.ts';
import { COLOR, SERIES_COLORS, STROKE } from './report-style.ts';

/** One line of a band chart: its points by ISO date, each with its band. */
export interface SvgBandSeries {
  readonly label: string;
  readonly points: readonly {
    readonly date: string;
    readonly value: number | null;
    readonly low: number | null;
    readonly high: number | null;
  }[];
}

const width = 640;
const limit = 10;
const font = `font-family="Helvetica, Arial, sans-serif"`;

/**
 * Escapes text for SVG content and attribute values.
 * @param text - any text
 * @returns the text with `& < > " '` escaped
 * @example escapeXml('a<b') // 'a&lt;b'
 */
export function escapeXml(text: string): string {
  const entities: Readonly<Record<string, string>> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
  };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

const n = (value: number): string => Number(value.toFixed(2)).toString();

function svgDocument(height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" ${font} font-size="14" font-weight="bold" fill="${COLOR.text}">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function text(x: number, y: number, content: string, anchor = 'start', size = 11): string {
  return `<text x="${n(x)}" y="${n(y)}" ${font} font-size="${size}" text-anchor="${anchor}" fill="${COLOR.muted}">${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}"${extra}/>`;
}

const clamp = (value: number): number => Math.max(-limit, Math.min(limit, value));

/**
 * A forest plot: one row per treatment, a square at the estimate, a bar over the interval, a
 * dashed zero line and a percent axis. Intervals past ±1000% are cut.
 * @param title - the chart's title
 * @param rows - one row per treatment
 * @returns the SVG text
 * @example forestPlotSvg('conversion', [{ label: 'b', estimate: 0.1, low: 0, high: 0.2, significant: true }])
 */
export function forestPlotSvg(title: string, rows: readonly ForestRow[]): string {
  const top = 44;
  const rowHeight = 28;
  const bottom = top + rows.length * rowHeight;
  const values = rows.flatMap((r) => [r.estimate, r.low, r.high]).filter((v) => v !== null);
  const axis = linearAxis([0, ...values.map(clamp)], 140, width - 24, 5, 0.04);
  const body = [...verticalGrid(axis, top, bottom)];
  body.push(line(axis.map(0), top - 4, axis.map(0), bottom, COLOR.text, ' stroke-dasharray="4 3"'));
  rows.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    body.push(text(16, y + 4, row.label));
    const color = !row.significant
      ? COLOR.neutral
      : (row.estimate ?? 0) >= 0
        ? COLOR.positive
        : COLOR.negative;
    if (row.low !== null && row.high !== null) {
      const [x1, x2] = [axis.map(clamp(row.low)), axis.map(clamp(row.high))];
      body.push(line(x1, y, x2, y, color, ' stroke-width="2"'));
      body.push(line(x1, y - 5, x1, y + 5, color, ' stroke-width="2"'));
      body.push(line(x2, y - 5, x2, y + 5, color, ' stroke-width="2"'));
    }
    if (row.estimate !== null) {
      const x = axis.map(clamp(row.estimate));
      body.push(`<rect x="${n(x - 5)}" y="${n(y - 5)}" width="10" height="10" fill="${color}"/>`);
    }
  });
  body.push(text((140 + width - 24) / 2, bottom + 36, 'Relative lift vs control', 'middle'));
  return svgDocument(bottom + 48, title, body);
}

function verticalGrid(axis: LinearAxis, top: number, bottom: number): string[] {
  return axis.ticks.flatMap((tick) => [
    line(axis.map(tick), top - 4, axis.map(tick), bottom, STROKE.grid.color),
    text(axis.map(tick), bottom + 16, percentTick(tick, axis.step), 'middle', 10),
  ]);
}

const dayMs = 86_400_000;

/**
 * A chart of lines over days, each inside its shaded band, with a dashed zero line.
 * @param title - the chart's title
 * @param series - the lines
 * @param axisLabel - the y axis's meaning
 * @returns the SVG text
 * @example bandChartSvg('Cumulative lift: conversion', series, 'Relative lift vs control')
 */
export function bandChartSvg(
  title: string,
  series: readonly SvgBandSeries[],
  axisLabel: string,
): string {
  const [top, bottom, left, right] = [44, 300, 64, width - 24];
  const days = series.flatMap((s) => s.points.map((p) => Date.parse(p.date) / dayMs));
  const finiteDays = days.filter(Number.isFinite);
  const first = finiteDays.length > 0 ? Math.min(...finiteDays) : 0;
  const last = finiteDays.length > 0 ? Math.max(...finiteDays) : 1;
  const xOf = (date: string) =>
    left + ((Date.parse(date) / dayMs - first) / Math.max(1, last - first)) * (right - left);
  const values = series.flatMap((s) => s.points.flatMap((p) => [p.value, p.low, p.high]));
  const yAxis = linearAxis(
    [0, ...values.filter((v) => v !== null).map(clamp)],
    bottom,
    top,
    5,
    0.04,
  );
  const body: string[] = [];
  for (const tick of yAxis.ticks) {
    body.push(line(left, yAxis.map(tick), right, yAxis.map(tick), STROKE.grid.color));
    body.push(text(left - 6, yAxis.map(tick) + 4, percentTick(tick, yAxis.step), 'end', 10));
  }
  body.push(line(left, yAxis.map(0), right, yAxis.map(0), COLOR.text, ' stroke-dasharray="4 3"'));
  series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length] ?? COLOR.neutral;
    const banded = s.points.filter((p) => p.low !== null && p.high !== null);
    if (banded.length > 0) {
      const upper = banded.map((p) => `${n(xOf(p.date))},${n(yAxis.map(clamp(p.high ?? 0)))}`);
      const lower = banded
        .map((p) => `${n(xOf(p.date))},${n(yAxis.map(clamp(p.low ?? 0)))}`)
        .reverse();
      body.push(
        `<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="${color}" stroke-opacity="0.4"/>`,
      );
    }
    const valued = s.points.filter((p) => p.value !== null);
    if (valued.length > 0) {
      const points = valued.map((p) => `${n(xOf(p.date))},${n(yAxis.map(clamp(p.value ?? 0)))}`);
      body.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
    body.push(
      `<rect x="${n(left + i * 150)}" y="${bottom + 30}" width="10" height="10" fill="${color}"/>`,
    );
    body.push(text(left + i * 150 + 14, bottom + 39, s.label));
  });
  const dates = series.flatMap((s) => s.points.map((p) => p.date)).sort();
  if (dates.length > 0) {
    body.push(text(left, bottom + 16, dates[0]?.slice(0, 10) ?? '', 'start', 10));
    body.push(text(right, bottom + 16, dates.at(-1)?.slice(0, 10) ?? '', 'end', 10));
  }
  body.push(text(16, top - 6, axisLabel, 'start', 10));
  return svgDocument(bottom + 56, title, body);
}
