/**
 * Confidence intervals as ordered pairs, and the result document's nullable form.
 */

/** A closed interval [low, high] with low <= high. */
export type Interval = readonly [low: number, high: number];

/**
 * An interval as the result document writes it (a fresh, mutable pair, the type the document's
 * schema infers): both ends null when undefined.
 */
export type NullableInterval = [low: number | null, high: number | null];

/**
 * The symmetric interval estimate +/- critical * standardError, or null when any input is
 * missing or not finite.
 * Source: the usual Wald construction, e.g. Casella & Berger (2002), sec. 10.4.1.
 * @param estimate - the point estimate
 * @param critical - the critical value (z or t quantile)
 * @param standardError - the estimate's standard error, >= 0
 * @returns [estimate - critical * se, estimate + critical * se], or null
 * @example symmetricInterval(1, 2, 0.5) // [0, 2]
 */
export function symmetricInterval(
  estimate: number | null,
  critical: number | null,
  standardError: number | null,
): Interval | null {
  if (estimate === null || critical === null || standardError === null) return null;
  const half = critical * standardError;
  const interval: Interval = [estimate - half, estimate + half];
  return Number.isFinite(interval[0]) && Number.isFinite(interval[1]) ? interval : null;
}

/**
 * Converts an optional interval to the result document's pair.
 * @param interval - an interval or null
 * @returns `[low, high]`, or `[null, null]`
 * @example toNullableInterval(null) // [null, null]
 */
export function toNullableInterval(interval: Interval | null): NullableInterval {
  return interval === null ? [null, null] : [interval[0], interval[1]];
}

/**
 * A number as the result document writes it: finite, or null.
 * @param value - any number or null
 * @returns the value when finite, else null
 * @example finiteOrNull(Number.NaN) // null
 */
export function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}
