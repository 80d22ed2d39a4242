/**
 * Row-level validation of the events contract, as polars expressions over the whole table (no
 * row objects in JS): each row gets the first problem found, in column order, or none. Rows
 * with a problem are rejections; the others become typed curated events.
 */
import pl from 'nodejs-polars';
import { ValidationError } from '../errors/errors.ts';
import { experimentIdRegex, knownOptionalColumns, requiredColumns } from './events-contract.ts';
import { rowIndexColumn, type EventTable } from './read-event-table.ts';

/** A rejected row: its record index, the column at fault, the value found, and why. */
export interface Rejection {
  readonly record: number;
  readonly column: string;
  readonly value: string | null;
  readonly reason: string;
}

/** The outcome of row validation. */
export interface ValidatedRows {
  /** Records that are not blank lines. */
  readonly rowsRead: number;
  /** Valid rows as curated events (see {@link curatedColumns}), in file order. */
  readonly accepted: pl.DataFrame;
  /** Invalid rows, in file order. */
  readonly rejections: readonly Rejection[];
  /** The attribute columns (every column beyond the contract's), sorted. */
  readonly attributes: readonly string[];
}

/** The columns of a curated events file, before the attributes. */
export const curatedColumns = [
  'event_id',
  'experiment_id',
  'user_id',
  'variant',
  'event_type',
  'timestamp',
  'value',
] as const;

/**
 * The shape of an ISO-8601 instant with an offset. nodejs-polars' strptime matches anywhere in
 * the text (it does not expose `exact`), so without this gate `junk 2026-01-31T09:30:00Z`
 * would parse.
 */
const isoInstantRegex =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:?[0-9]{2})$';

const timestampHint =
  'expected ISO-8601 with a UTC offset (2026-01-31T09:30:00Z) or epoch milliseconds';
const longestValueShown = 200;

/**
 * Validates every row of an events table.
 * @param table - the table from `readEventTable`
 * @returns accepted curated rows and the rejections
 * @throws {ValidationError} when the file turns out malformed while it is parsed (a CSV record
 *   with too many fields, an unclosed quote, unreadable Parquet data) or holds only blank rows
 * @example const { accepted, rejections } = await validateEventRows(table)
 */
export async function validateEventRows(table: EventTable): Promise<ValidatedRows> {
  const known = new Set<string>([...requiredColumns, ...knownOptionalColumns]);
  const attributes = table.columns.filter((name) => !known.has(name)).sort();
  const hasEventId = table.columns.includes('event_id');
  const hasValue = table.columns.includes('value');

  const text = (name: string) => pl.col(name).str.strip();
  const isBlank = (name: string) =>
    pl
      .col(name)
      .isNull()
      .or(text(name).eq(pl.lit('')));
  // Only CSV blank lines are skipped: a line holding nothing, only separators, or only
  // whitespace (polars reads that as a first field of spaces, the others null; stripping just
  // that field keeps this cheap). A JSON `{}` or an all-null Parquet row is an event whose
  // required fields are empty: rejected and counted.
  const [firstColumn = '', ...otherColumns] = table.columns;
  const notBlankLine = table.blankLinesAreRecords
    ? pl
        .anyHorizontal(otherColumns.map((name) => pl.col(name).isNotNull()))
        .or(isBlank(firstColumn).not())
    : pl.lit(true);

  const epochMs = text('timestamp').str.contains('^-?[0-9]{1,15}$');
  const parsedTimestamp = pl
    .when(epochMs)
    .then(text('timestamp').cast(pl.Int64, false).mul(1000))
    .when(text('timestamp').str.contains(isoInstantRegex))
    .then(
      // nodejs-polars ignores the unit asked of strptime: cast to microseconds explicitly.
      text('timestamp')
        .str.strptime(pl.Datetime('ms'), '%+')
        .cast(pl.Datetime('us', 'UTC'))
        .cast(pl.Int64),
    )
    .otherwise(pl.lit(null).cast(pl.Int64))
    .cast(pl.Datetime('us', 'UTC'));
  const parsedValue = hasValue
    ? text('value').cast(pl.Float64, false)
    : pl.lit(null).cast(pl.Float64);

  const checks: readonly (readonly [pl.Expr, string, string])[] = [
    ...requiredColumns.map((name) => [isBlank(name), name, `empty ${name}`] as const),
    [
      text('experiment_id').str.contains(experimentIdRegex).not(),
      'experiment_id',
      "experiment_id is not a valid id (1-128 letters, digits, '.', '_' or '-')",
    ],
    [pl.col('__Timestamp').isNull(), 'timestamp', `unparseable timestamp (${timestampHint})`],
    ...(hasValue
      ? ([
          [
            isBlank('value').not().and(pl.col('__Value').isNull()),
            'value',
            'value is not a number',
          ],
          [pl.col('__Value').isNan(), 'value', 'value is NaN'],
          [pl.col('__Value').isInfinite(), 'value', 'value is infinite'],
          [pl.col('__Value').lt(0), 'value', 'value is negative'],
        ] as const)
      : []),
  ];
  // One integer column holds the index of the first failing check; reasons and column names
  // are looked up in JS for the (few) rejected rows, so each check is evaluated once.
  let problem: pl.Then | pl.ChainedThen | undefined;
  checks.forEach(([failed], index) => {
    problem =
      problem === undefined
        ? pl.when(failed).then(pl.lit(index))
        : problem.when(failed).then(pl.lit(index));
  });
  const firstProblem = (problem as unknown as pl.ChainedThen)
    .otherwise(pl.lit(null))
    .cast(pl.Int32);

  // The working columns (`__Timestamp`...) have an upper-case letter, so no column of the file
  // (its names are lower-cased) can collide with one and lose its values.
  let frame: pl.DataFrame;
  try {
    frame = await table.frame
      .filter(notBlankLine)
      .withColumns(parsedTimestamp.alias('__Timestamp'), parsedValue.alias('__Value'))
      .withColumns(firstProblem.alias('__Problem'))
      .collect();
  } catch (error) {
    throw table.readError(error);
  }
  if (frame.height === 0) {
    // Records were there (the reader checked) but every one was a line of empty fields.
    throw new ValidationError(`${table.label}: the file has a header but no rows`, 400);
  }

  const rejected = frame.filter(pl.col('__Problem').isNotNull());
  const records = rejected.getColumn(rowIndexColumn).toArray() as number[];
  const problems = rejected.getColumn('__Problem').toArray() as number[];
  const checkedColumns = [...new Set(checks.map((check) => check[1]))];
  const cells = new Map(
    checkedColumns.map((name) => [name, rejected.getColumn(name).toArray() as (string | null)[]]),
  );
  const rejections = records.map((record, i) => {
    const [, column, reason] = checks[problems[i] ?? 0] ?? [undefined, '', ''];
    const value = cells.get(column)?.[i] ?? null;
    return {
      record,
      column,
      value: value === null ? null : [...value].slice(0, longestValueShown).join(''),
      reason,
    };
  });

  const accepted = frame
    .filter(pl.col('__Problem').isNull())
    .select(
      (hasEventId
        ? pl.when(isBlank('event_id')).then(pl.lit(null)).otherwise(pl.col('event_id'))
        : pl.lit(null).cast(pl.Utf8)
      ).alias('event_id'),
      pl.col('experiment_id').str.strip(),
      pl.col('user_id'),
      pl.col('variant'),
      pl.col('event_type'),
      pl.col('__Timestamp').alias('timestamp'),
      pl.col('__Value').alias('value'),
      ...attributes.map((name) => pl.col(name)),
    );
  return { rowsRead: frame.height, accepted, rejections, attributes };
}
