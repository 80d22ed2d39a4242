/**
 * Time windows (issue 14, seed 003): the window sizes the rollups keep, where a window starts,
 * and how the query's instants (`from`, `to`) are read. Windows are aligned on the epoch in UTC:
 * a 5-minute window starts at a multiple of five minutes, a day at midnight UTC.
 */
import { ValidationError } from '../errors/errors.ts';

/** The window sizes, in milliseconds. */
export const windowSizes = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
} as const;

/** A window size's name. */
export type WindowSize = keyof typeof windowSizes;

/** Every window size, smallest first. */
export const windowSizeNames = Object.keys(windowSizes) as readonly WindowSize[];

/**
 * Reads a `window` parameter.
 * @param text - the parameter (null when absent)
 * @returns the size
 * @throws {ValidationError} (400) for anything but 1m, 5m, 15m, 1h, 1d
 * @example parseWindowSize('5m') // '5m'
 */
export function parseWindowSize(text: string | null): WindowSize {
  if (text !== null && Object.hasOwn(windowSizes, text)) return text as WindowSize;
  throw new ValidationError(`window must be one of ${windowSizeNames.join(', ')}`, 400);
}

/**
 * The start of the window holding an instant.
 * @param epochMs - the instant in epoch milliseconds
 * @param size - the window size
 * @returns the window's start in epoch milliseconds
 * @example windowStart(90_000, '1m') // 60000
 */
export function windowStart(epochMs: number, size: WindowSize): number {
  const width = windowSizes[size];
  return Math.floor(epochMs / width) * width;
}

/**
 * Reads an instant given as ISO-8601 with an offset or as epoch milliseconds, like the events'
 * `timestamp`.
 * @param name - the parameter's name, for the message
 * @param text - its value (null when absent)
 * @returns epoch milliseconds, or undefined when absent
 * @throws {ValidationError} (400) for anything else
 * @example parseInstant('from', '1970-01-01T00:01:00Z') // 60000
 */
export function parseInstant(name: string, text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  if (/^-?\d{1,15}$/.test(text)) return Number(text);
  const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
  const ms = isoWithOffset.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ValidationError(
      `${name} must be ISO-8601 with a UTC offset (2026-01-31T09:30:00Z) or epoch milliseconds`,
      400,
    );
  }
  return ms;
}
