/**
 * How the dashboard writes numbers and times: fixed en-US conventions and UTC, so the page
 * reads the same in every browser. A missing value (`null`) is an em dash. Negative numbers
 * use the minus sign (U+2212). Pure; also imported by the tests (types in format.d.ts).
 */

/** What the page shows for a missing value. */
export const missing = '\u2014';

const minusSign = '\u2212';
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const threeSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

function roundsToZero(text) {
  return /^[0.,]+(?:%| pp)?$/.test(text);
}

function withMinus(text) {
  return text.replace(/^-/, minusSign);
}

/**
 * A count, grouped by thousands: `1,509`.
 * @param {number | null} value - the count
 * @returns {string} the text
 */
export function formatCount(value) {
  return isNumber(value) ? withMinus(grouped.format(value)) : missing;
}

/**
 * A share as a percentage: `6.56%`.
 * @param {number | null} value - the share (0.0656)
 * @param {number} digits - decimals
 * @returns {string} the text
 */
export function formatPercent(value, digits = 2) {
  return isNumber(value) ? withMinus(`${(value * 100).toFixed(digits)}%`) : missing;
}

/**
 * A relative change with its sign: `+12.3%`, `−0.45%` (two decimals below 1%).
 * @param {number | null} value - the relative change (0.123)
 * @returns {string} the text
 */
export function formatLift(value) {
  if (!isNumber(value)) return missing;
  const size = Math.abs(value);
  const text = `${(size * 100).toFixed(size < 0.01 ? 2 : 1)}%`;
  return roundsToZero(text) ? text : `${value < 0 ? minusSign : '+'}${text}`;
}

/**
 * A plain number: grouped with no decimals from 1,000, two decimals from 1, else three
 * significant digits: `5,897`, `3.75`, `0.0123`.
 * @param {number | null} value - the number
 * @returns {string} the text
 */
export function formatNumber(value) {
  if (!isNumber(value)) return missing;
  const size = Math.abs(value);
  if (size >= 1000) return withMinus(grouped.format(value));
  if (size >= 1 || size === 0) return withMinus(twoDecimals.format(value));
  return withMinus(threeSignificant.format(value));
}

/**
 * A difference with its sign: `+1.23 pp` for rates (percentage points), `+0.15` otherwise.
 * @param {number | null} value - the difference
 * @param {'binomial' | 'continuous'} type - the metric's type
 * @returns {string} the text
 */
export function formatDifference(value, type) {
  if (!isNumber(value)) return missing;
  const size = Math.abs(value);
  const text = type === 'binomial' ? `${(size * 100).toFixed(2)} pp` : formatNumber(size);
  return roundsToZero(text) ? text : `${value < 0 ? minusSign : '+'}${text}`;
}

/**
 * A metric's per-user mean: a rate as a percentage for binomial metrics, a number otherwise.
 * @param {number | null} value - the mean
 * @param {'binomial' | 'continuous'} type - the metric's type
 * @returns {string} the text
 */
export function formatMean(value, type) {
  return type === 'binomial' ? formatPercent(value, 2) : formatNumber(value);
}

/**
 * A p-value: two significant digits from 0.0001 (`0.043`), scientific below (`3.2e-7`),
 * `< 1e-300` for an underflow to 0.
 * @param {number | null} value - the p-value
 * @returns {string} the text
 */
export function formatPValue(value) {
  if (!isNumber(value)) return missing;
  if (value === 0) return '< 1e-300';
  if (value < 1e-4) return value.toExponential(1).replace('e-', 'e\u2212');
  return value.toPrecision(2);
}

/**
 * A probability as a percentage with one decimal, bounded away from certainty:
 * `97.3%`, `> 99.9%`, `< 0.1%`.
 * @param {number | null} value - the probability
 * @returns {string} the text
 */
export function formatProbability(value) {
  if (!isNumber(value)) return missing;
  if (value > 0.999) return '> 99.9%';
  if (value < 0.001) return '< 0.1%';
  return `${(value * 100).toFixed(1)}%`;
}

/**
 * An interval: `[a, b]`, each end written by `format`.
 * @param {readonly [number | null, number | null] | null} interval - the ends
 * @param {(value: number | null) => string} format - how to write one end
 * @returns {string} the text, or the missing mark when neither end is known
 */
export function formatInterval(interval, format) {
  if (interval === null || (!isNumber(interval[0]) && !isNumber(interval[1]))) return missing;
  return `[${format(interval[0])}, ${format(interval[1])}]`;
}

/**
 * A timestamp in UTC to the minute: `2026-01-20 14:03 UTC`.
 * @param {string | null} iso - an ISO-8601 timestamp
 * @returns {string} the text
 */
export function formatTime(iso) {
  if (typeof iso !== 'string') return missing;
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The most characters of one text the page shows. */
export const longestShown = 500;

/**
 * Text cut for display, with a mark: names of any length (a 2 MB attribute value) would make
 * the page slow to lay out and useless to read. Characters are code points, never split. The
 * API keeps every value whole; so do the `data-` attributes the page carries.
 * @param {string} text - any text
 * @param {number} [max] - the most characters shown
 * @returns {string} the text, or its first `max` characters and `…`
 */
export function displayText(text, max = longestShown) {
  if (text.length <= max) return text;
  let out = '';
  let count = 0;
  for (const char of text) {
    if (count === max) return `${out}\u2026`;
    out += char;
    count += 1;
  }
  return out;
}
