/**
 * The report's look in one place: page geometry, fonts, sizes and colours. Body text is 10 pt,
 * tables and chart labels 8 pt, so everything stays readable when printed.
 */

/** A4 portrait, in PDF points (1/72 inch). */
export const PAGE = {
  size: 'A4',
  width: 595.28,
  height: 841.89,
  margin: { top: 54, bottom: 58, left: 50, right: 50 },
} as const;

/** The standard (non-embedded, always available) fonts the report uses. */
export const FONT = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  italic: 'Helvetica-Oblique',
  mono: 'Courier',
} as const;

/** Font sizes in points. */
export const SIZE = {
  title: 20,
  heading: 15,
  subheading: 12,
  body: 10,
  table: 8,
  small: 8,
  footer: 8,
} as const;

/** Colours (hex). */
export const COLOR = {
  text: '#1a1a1a',
  muted: '#5f6368',
  rule: '#c8ccd0',
  headerFill: '#eef1f4',
  zebra: '#f7f8fa',
  positive: '#1b7f3b',
  negative: '#b3261e',
  neutral: '#2f5fa7',
  warningFill: '#fdecea',
  warningText: '#8c1d18',
  okFill: '#e8f3ec',
  infoFill: '#eef3fb',
} as const;

/** How a straight line of a chart is stroked: its width in points, colour, and whether dashed. */
export interface LineStroke {
  readonly width: number;
  readonly color: string;
  readonly dashed?: boolean;
}

/** The strokes the charts share: gridlines, axes and ticks, and the dashed zero line. */
export const STROKE = {
  grid: { width: 0.4, color: '#e3e6ea' },
  axis: { width: 0.7, color: COLOR.muted },
  zero: { width: 0.9, color: COLOR.text, dashed: true },
} as const satisfies Record<string, LineStroke>;

/** Line colours of the treatments in charts, in variant order. */
export const SERIES_COLORS = [
  '#2f5fa7',
  '#d9822b',
  '#1b7f3b',
  '#8e44ad',
  '#b3261e',
  '#16a085',
  '#7f8c8d',
  '#c0392b',
] as const;

/**
 * The chart colour of the i-th series, cycling through {@link SERIES_COLORS}.
 * @param index - the series index
 * @returns a hex colour
 * @example seriesColor(0) // '#2f5fa7'
 */
export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? COLOR.neutral;
}
