/**
 * Types of format.js (the dashboard's number and time formatting, plain JavaScript because it
 * runs in the browser), for the tests that import it.
 */
type Interval = readonly [number | null, number | null] | null;
type MetricType = 'binomial' | 'continuous';

/** What the page shows for a missing value. */
export declare const missing: string;
/** A count, grouped by thousands: `1,509`. */
export declare function formatCount(value: number | null): string;
/** A share as a percentage: `6.56%`. */
export declare function formatPercent(value: number | null, digits?: number): string;
/** A relative change with its sign: `+12.3%`, `−0.45%`. */
export declare function formatLift(value: number | null): string;
/** A plain number: `5,897`, `3.75`, `0.0123`. */
export declare function formatNumber(value: number | null): string;
/** A difference with its sign: `+1.23 pp` for rates, `+0.15` otherwise. */
export declare function formatDifference(value: number | null, type: MetricType): string;
/** A metric's mean: a percentage for binomial metrics, a number otherwise. */
export declare function formatMean(value: number | null, type: MetricType): string;
/** A p-value: `0.043`, `3.2e−7`, `< 1e-300`. */
export declare function formatPValue(value: number | null): string;
/** A probability: `97.3%`, `> 99.9%`, `< 0.1%`. */
export declare function formatProbability(value: number | null): string;
/** An interval `[a, b]`, each end written by `format`. */
export declare function formatInterval(
  interval: Interval,
  format: (value: number | null) => string,
): string;
/** A timestamp in UTC to the minute: `2026-01-20 14:03 UTC`. */
export declare function formatTime(iso: string | null): string;
/** The most characters of one text the page shows. */
export declare const longestShown: number;
/** Text cut for display after `max` characters (default 500), with `…`. */
export declare function displayText(text: string, max?: number): string;
