/**
 * The events contract of DESIGN.md: one row per event, the required and known optional
 * columns (matched case-insensitively), and the ids that become storage paths.
 */

/** Columns every events file must have. */
export const requiredColumns = [
  'user_id',
  'experiment_id',
  'variant',
  'event_type',
  'timestamp',
] as const;

/** Optional columns with a meaning; any other column is kept as a string attribute. */
export const knownOptionalColumns = ['event_id', 'value'] as const;

/**
 * The most columns a file may have (docs/security.md "Limits"). Events carry a few dozen
 * attributes; a file of thousands of columns is a pivoted export, and every column costs the
 * validation, the curated files and the models: it is a file error, found from the header.
 */
export const mostColumns = 1000;

export type RequiredColumn = (typeof requiredColumns)[number];

/** The formats an events file can come in. */
export type SourceFormat = 'csv' | 'ndjson' | 'json' | 'parquet';

/**
 * Experiment ids name folders and URLs, so they are 1-128 letters, digits, `.`, `_` or `-`,
 * starting with a letter or digit. A row with any other experiment id is rejected.
 */
export const experimentIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The same rule as {@link experimentIdPattern}, in the regex dialect polars understands. */
export const experimentIdRegex = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/** Batch ids: `b_` and 24 hexadecimal digits of a SHA-256. */
export const batchIdPattern = /^b_[0-9a-f]{24}$/;

/** Analysis ids: `an_` and 24 hexadecimal digits of a SHA-256. */
export const analysisIdPattern = /^an_[0-9a-f]{24}$/;

/** The events at and after which a user counts: the default exposure event type. */
export const defaultExposureEvent = 'exposure';

/** The event type whose presence converts a user and whose `value` is revenue, by default. */
export const defaultPurchaseEvent = 'purchase';

/**
 * The canonical (lower-case) name of a header column: trimmed, case folded.
 * @param name - the header's spelling
 * @returns the name events are stored under
 * @example canonicalColumnName(' User_ID ') // 'user_id'
 */
export function canonicalColumnName(name: string): string {
  return name.trim().toLowerCase();
}
