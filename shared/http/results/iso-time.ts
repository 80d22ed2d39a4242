/**
 * Timestamps as the API shows them: ISO-8601 in UTC with milliseconds, whatever the driver
 * returned (`pg` and PGlite give Date objects; text casts give strings).
 */

/**
 * Formats a database timestamp.
 * @param value - a Date, or a string PostgreSQL produced
 * @returns `2026-01-11T14:59:38.139Z`
 * @example isoTime(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/**
 * Formats a timestamp that may be absent.
 * @param value - a Date, a string, or null
 * @returns the ISO string, or null
 * @example isoTimeOrNull(null) // null
 */
export function isoTimeOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoTime(value);
}
