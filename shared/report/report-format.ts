/**
 * Number and text formatting for the report: percent for rates and lifts, percentage points
 * for rate differences, significant digits for means and statistics, p-values as `0.0123` or
 * `<0.0001`, and `n/a` for every null. Locale-free, so the bytes never depend on the machine.
 */

/** What the report prints for an absent value. */
export const NOT_AVAILABLE = 'n/a';

type Maybe = number | null | undefined;

function missing(x: Maybe): x is null | undefined {
  return x === null || x === undefined || !Number.isFinite(x);
}

/**
 * Groups the digits of a number's integer part by thousands.
 * @param text - a plain decimal number, e.g. `-1234567.89`
 * @returns the same number with commas, e.g. `-1,234,567.89`
 * @example groupThousands('1509') // '1,509'
 */
function groupThousands(text: string): string {
  const [whole = '', fraction] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * Formats a count with thousands separators.
 * @param n - the count
 * @returns e.g. `13,798`, or `n/a`
 * @example formatCount(13798) // '13,798'
 */
export function formatCount(n: Maybe): string {
  if (missing(n)) return NOT_AVAILABLE;
  return groupThousands(Math.round(n).toFixed(0));
}

/**
 * Formats a number to a few significant digits without exponent for everyday magnitudes
 * (integers, and anything above 10^digits, are rounded and grouped; tiny values use `1.23e-7`).
 * @param x - the number
 * @param digits - significant digits (default 4)
 * @param signed - prefix positive values with `+`
 * @returns the text, or `n/a`
 * @example formatNumber(3.750026) // '3.750'
 */
export function formatNumber(x: Maybe, digits = 4, signed = false): string {
  if (missing(x)) return NOT_AVAILABLE;
  const sign = signed && x > 0 ? '+' : '';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  let text: string;
  if (magnitude >= 10 ** digits || Number.isInteger(x)) text = groupThousands(x.toFixed(0));
  else if (magnitude < 1e-4) text = x.toExponential(digits - 1).replace(/e([+-])0*(\d)/, 'e$1$2');
  else text = groupThousands(x.toPrecision(digits));
  return `${sign}${text}`;
}

function percentDecimals(percent: number): number {
  const magnitude = Math.abs(percent);
  if (magnitude >= 1000 || magnitude === 0) return magnitude === 0 ? 1 : 0;
  if (magnitude >= 1) return 1;
  if (magnitude >= 0.1) return 2;
  return 3;
}

/**
 * Formats a fraction as a percent: one decimal, more for values below 1%.
 * @param x - the fraction (0.066 for 6.6%)
 * @param signed - prefix positive values with `+`
 * @param decimals - fixed decimals instead of the automatic choice
 * @returns e.g. `6.6%`, `+12.3%`, or `n/a`
 * @example formatPercent(0.1298, true) // '+13.0%'
 */
export function formatPercent(x: Maybe, signed = false, decimals?: number): string {
  if (missing(x)) return NOT_AVAILABLE;
  const percent = x * 100;
  const text = groupThousands(percent.toFixed(decimals ?? percentDecimals(percent)));
  const zero = /^-?[0.,]+$/.test(text);
  const clean = zero ? text.replace('-', '') : text;
  return `${signed && percent > 0 && !zero ? '+' : ''}${clean}%`;
}

/**
 * Formats a difference of two rates in percentage points.
 * @param x - the difference as a fraction (0.0085 for 0.85 points)
 * @returns e.g. `+0.85 pp`, or `n/a`
 * @example formatPoints(0.0085) // '+0.85 pp'
 */
export function formatPoints(x: Maybe): string {
  if (missing(x)) return NOT_AVAILABLE;
  const points = x * 100;
  const text = points.toFixed(Math.abs(points) >= 10 ? 1 : 2);
  const zero = /^-?[0.]+$/.test(text);
  return `${points > 0 && !zero ? '+' : ''}${zero ? text.replace('-', '') : text} pp`;
}

/**
 * Formats a p-value: three decimals from 0.1 up, four below, `<0.0001` under that.
 * @param p - the p-value
 * @returns e.g. `0.721`, `0.0123`, `<0.0001`, or `n/a`
 * @example formatPValue(0.0000012) // '<0.0001'
 */
export function formatPValue(p: Maybe): string {
  if (missing(p)) return NOT_AVAILABLE;
  if (p < 0.0001) return '<0.0001';
  return p >= 0.1 ? p.toFixed(3) : p.toFixed(4);
}

/**
 * Formats a probability as a percent, clamped to `<0.1%` / `>99.9%` at the ends.
 * @param p - the probability
 * @returns e.g. `81.9%`, or `n/a`
 * @example formatProbability(0.99995) // '>99.9%'
 */
export function formatProbability(p: Maybe): string {
  if (missing(p)) return NOT_AVAILABLE;
  if (p > 0.999) return '>99.9%';
  if (p < 0.001) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

/**
 * Formats an interval with the same formatter as its estimate.
 * @param ci - the bounds, either may be null
 * @param format - the formatter of one bound
 * @returns e.g. `[-16.6%, +42.6%]`, or `n/a` when both bounds are absent
 * @example formatInterval([0.054, 0.079], (x) => formatPercent(x)) // '[5.4%, 7.9%]'
 */
export function formatInterval(ci: readonly [Maybe, Maybe], format: (x: number) => string): string {
  const [low, high] = ci;
  if (missing(low) && missing(high)) return NOT_AVAILABLE;
  const show = (x: Maybe): string => (missing(x) ? NOT_AVAILABLE : format(x));
  return `[${show(low)}, ${show(high)}]`;
}

/**
 * Formats a significance level as written by people: `0.05`, `0.1`, `0.005`.
 * @param alpha - the level
 * @returns the shortest decimal with up to 6 significant digits
 * @example formatAlpha(0.05) // '0.05'
 */
export function formatAlpha(alpha: number): string {
  return String(Number(alpha.toPrecision(6)));
}

/**
 * Formats an ISO-8601 instant as `YYYY-MM-DD HH:MM UTC`.
 * @param iso - the instant
 * @returns the text, or the input unchanged when it is not a date
 * @example formatInstant('2026-11-26T14:10:29.939Z') // '2026-11-26 14:10 UTC'
 */
export function formatInstant(iso: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return iso;
  const text = new Date(time).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

/**
 * Joins words as prose: `a`, `a and b`, `a, b and c`.
 * @param items - the words
 * @returns the phrase
 * @example joinWords(['channel', 'device', 'geo']) // 'channel, device and geo'
 */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}
