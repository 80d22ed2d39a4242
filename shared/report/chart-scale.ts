/**
 * Axes for the report's charts: "nice" tick values (1, 2, 2.5 or 5 times a power of ten) and a
 * linear map from data to page coordinates.
 */

/** A linear axis: its domain (data), range (points) and ticks. */
export interface LinearAxis {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  /** The tick spacing. */
  readonly step: number;
  /** Maps a data value to a page coordinate. */
  readonly map: (value: number) => number;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice =
    fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Builds an axis over values, extended to whole ticks.
 * @param values - the data values to cover (non-finite ones are ignored)
 * @param from - the page coordinate of the smallest value
 * @param to - the page coordinate of the largest value (may be below `from`, for y axes)
 * @param count - about how many intervals between ticks
 * @param pad - room added on both sides, as a fraction of the values' span
 * @returns the axis
 * @example linearAxis([-0.16, 0.42, 0], 100, 400).ticks // [-0.2, 0, 0.2, 0.4, 0.6]
 */
export function linearAxis(
  values: readonly number[],
  from: number,
  to: number,
  count = 5,
  pad = 0,
): LinearAxis {
  const finite = values.filter(Number.isFinite);
  let low = finite.length > 0 ? Math.min(...finite) : 0;
  let high = finite.length > 0 ? Math.max(...finite) : 1;
  if (high - low < 1e-12) {
    const pad = Math.abs(low) > 1e-12 ? Math.abs(low) * 0.1 : 0.01;
    low -= pad;
    high += pad;
  }
  const room = (high - low) * pad;
  low -= room;
  high += room;
  const step = niceStep(high - low, count);
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k += 1) ticks.push(Number((k * step).toPrecision(12)));
  const min = ticks[0] ?? low;
  const max = ticks.at(-1) ?? high;
  const map = (value: number): number => from + ((value - min) / (max - min)) * (to - from);
  return { min, max, ticks, step, map };
}

/**
 * Formats a tick of a percent axis with as many decimals as the spacing needs.
 * @param value - the tick (a fraction: 0.1 for 10%)
 * @param step - the tick spacing
 * @returns e.g. `+10%`, `0%`, `-2.5%`
 * @example percentTick(0.025, 0.025) // '+2.5%'
 */
export function percentTick(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(step * 100) + 1e-9)));
  const needsHalf =
    Math.abs(step * 100 * 10 ** decimals - Math.round(step * 100 * 10 ** decimals)) > 1e-9;
  const text = (value * 100).toFixed(decimals + (needsHalf ? 1 : 0));
  if (/^-?0(\.0+)?$/.test(text)) return '0%';
  return `${value > 0 ? '+' : ''}${text}%`;
}
