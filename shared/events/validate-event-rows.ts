/**
 * Row-level validation of the events contract, as polars expressions over the whole table (no
 * row objects in JS): each row gets the first problem found, in column order, or none. Rows
 * with a problem are rejections; the others become typed curated events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pl from 'nodejs-polars';
import { ValidationError } from '../errors/errors.ts';
import { experimentIdRegex, knownOptionalColumns, requiredColumns } from './events-contract.ts';
import { rowIndexColumn, type EventTable } from './read-event-table.ts';
import { firstFailingCheck, type RowCheck } from './row-checks.ts';

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
  /**
   * Valid rows as curated events (see {@link curatedColumns}) with their record index
   * (`__Row`), in file order, read lazily from a temporary Parquet file.
   */
  readonly accepted: pl.LazyDataFrame;
  /**
   * Writes a frame derived from {@link accepted} to a temporary Parquet file beside it and
   * scans that instead, so an expensive column is computed once however often it is read.
   */
  materialize(frame: pl.LazyDataFrame, name: string): Promise<pl.LazyDataFrame>;
  /** Removes the temporary files behind {@link accepted}. */
  dispose(): Promise<void>;
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

/** The expressions validating a table of given columns, built once per column layout. */
interface ValidationPlan {
  readonly attributes: readonly string[];
  readonly checks: readonly RowCheck[];
  readonly notBlankLine: pl.Expr;
  /** The checked columns, stripped (`__S_<name>`). */
  readonly stripped: readonly pl.Expr[];
  /** `__Timestamp` and `__Value`, parsed. */
  readonly typed: readonly pl.Expr[];
  /** The row index, `__Problem`, `__Bad` and the curated columns. */
  readonly verdict: { readonly problem: pl.Expr; readonly columns: readonly pl.Expr[] };
}

// nodejs-polars spends about a millisecond on every expression it builds; a batch of a
// thousand rows would spend most of its time building the same plan again.
const plans = new Map<string, ValidationPlan>();

function validationPlan(
  columns: readonly string[],
  blankLinesAreRecords: boolean,
  numericColumns: readonly NumericColumnRule[],
): ValidationPlan {
  const key = JSON.stringify([columns, blankLinesAreRecords, numericColumns]);
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = buildValidationPlan(columns, blankLinesAreRecords, numericColumns);
    if (plans.size > 100) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

function buildValidationPlan(
  columns: readonly string[],
  blankLinesAreRecords: boolean,
  numericColumns: readonly NumericColumnRule[],
): ValidationPlan {
  const known = new Set<string>([...requiredColumns, ...knownOptionalColumns]);
  const attributes = columns.filter((name) => !known.has(name)).sort();
  const hasEventId = columns.includes('event_id');
  const hasValue = columns.includes('value');

  // Each checked column is stripped once, into `__S_<name>`, and every check reads that: a
  // column's text would otherwise be stripped again by each expression that looks at it.
  const stripped = [
    ...new Set([
      ...requiredColumns,
      ...knownOptionalColumns,
      ...numericColumns.map((rule) => rule.column),
    ]),
  ].filter((name) => columns.includes(name));
  const text = (name: string) => pl.col(`__S_${name}`);
  const isBlank = (name: string) =>
    text(name)
      .isNull()
      .or(text(name).eq(pl.lit('')));
  // Only CSV blank lines are skipped: a line holding nothing, only separators, or only
  // whitespace (polars reads that as a first field of spaces, the others null; stripping just
  // that field keeps this cheap). A JSON `{}` or an all-null Parquet row is an event whose
  // required fields are empty: rejected and counted.
  const [firstColumn = '', ...otherColumns] = columns;
  const notBlankLine = blankLinesAreRecords
    ? pl.anyHorizontal(otherColumns.map((name) => pl.col(name).isNotNull())).or(
        pl
          .col(firstColumn)
          .isNull()
          .or(pl.col(firstColumn).str.strip().eq(pl.lit('')))
          .not(),
      )
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

  const checks: readonly RowCheck[] = [
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
    // A numeric covariate of the row's experiment holds a number or nothing.
    ...numericColumns.map(({ experimentId, column }): RowCheck => {
      const number = text(column).cast(pl.Float64, false);
      return [
        text('experiment_id')
          .eq(pl.lit(experimentId))
          .and(isBlank(column).not())
          .and(number.isNull().or(number.isNan()).or(number.isInfinite())),
        column,
        `${column} is not a number (a numeric covariate of experiment ${experimentId})`,
      ];
    }),
  ];
  // One integer column holds the index of the first failing check; reasons and column names
  // are looked up in JS for the (few) rejected rows, so each check is evaluated once.
  const firstProblem = firstFailingCheck(checks);
  // The text at fault, kept for rejected rows only (null otherwise).
  let bad: pl.Then | pl.ChainedThen | undefined;
  checks.forEach(([, column], index) => {
    const at = pl.col('__Problem').eq(pl.lit(index));
    bad = bad === undefined ? pl.when(at).then(pl.col(column)) : bad.when(at).then(pl.col(column));
  });
  const badText = (bad as unknown as pl.ChainedThen).otherwise(pl.lit(null).cast(pl.Utf8));

  return {
    attributes,
    checks,
    notBlankLine,
    stripped: stripped.map((name) => pl.col(name).str.strip().alias(`__S_${name}`)),
    typed: [parsedTimestamp.alias('__Timestamp'), parsedValue.alias('__Value')],
    verdict: {
      problem: firstProblem.alias('__Problem'),
      columns: [
        pl.col(rowIndexColumn),
        pl.col('__Problem'),
        badText.str.slice(0, longestValueShown).alias('__Bad'),
        (hasEventId
          ? pl.when(isBlank('event_id')).then(pl.lit(null)).otherwise(pl.col('event_id'))
          : pl.lit(null).cast(pl.Utf8)
        ).alias('event_id'),
        text('experiment_id').alias('experiment_id'),
        pl.col('user_id'),
        pl.col('variant'),
        pl.col('event_type'),
        pl.col('__Timestamp').alias('timestamp'),
        pl.col('__Value').alias('value'),
        ...attributes.map((name) => pl.col(name)),
      ],
    },
  };
}

/** A column an experiment's definition reads as a number (`covariates.numeric`). */
export interface NumericColumnRule {
  readonly experimentId: string;
  readonly column: string;
}

/**
 * Validates every row of an events table.
 * @param table - the table from `readEventTable`
 * @param numericColumns - numeric covariates per experiment: a row of that experiment whose
 *   value there is not a number is a row error
 * @returns accepted curated rows and the rejections
 * @throws {ValidationError} when the file turns out malformed while it is parsed (a CSV record
 *   with too many fields, an unclosed quote, unreadable Parquet data) or holds only blank rows
 * @example const { accepted, rejections } = await validateEventRows(table)
 */
export async function validateEventRows(
  table: EventTable,
  numericColumns: readonly NumericColumnRule[] = [],
): Promise<ValidatedRows> {
  const { attributes, checks, notBlankLine, stripped, typed, verdict } = validationPlan(
    table.columns,
    table.blankLinesAreRecords,
    numericColumns.filter((rule) => table.columns.includes(rule.column)),
  );

  // One streaming pass over the file writes every row, typed, with its verdict, to a temporary
  // Parquet file; counts, rejections and the accepted rows are read back from it, so neither the
  // file nor its rows are ever held in memory whole and the file is parsed once.
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'abtest-rows-'));
  const dispose = () => rm(scratch, { recursive: true, force: true });
  const verdicts = path.join(scratch, 'verdicts.parquet');
  try {
    await table.frame
      .filter(notBlankLine)
      .withColumns(...stripped)
      .withColumns(...typed)
      .withColumns(verdict.problem)
      .select(...verdict.columns)
      .sinkParquet(verdicts, { compression: 'lz4' })
      .collect();
  } catch (error) {
    await dispose();
    throw table.readError(error);
  }

  const rows = pl.scanParquet(verdicts);
  const counts = (
    await rows
      .select(pl.len().alias('rows'), pl.col('__Problem').count().alias('rejected'))
      .collect()
  ).row(0) as number[];
  const rowsRead = Number(counts[0] ?? 0);
  if (rowsRead === 0) {
    await dispose();
    // Records were there (the reader checked) but every one was a line of empty fields.
    throw new ValidationError(`${table.label}: the file has a header but no rows`, 400);
  }
  const rejected = await rows
    .filter(pl.col('__Problem').isNotNull())
    .select(rowIndexColumn, '__Problem', '__Bad')
    .collect();
  const records = rejected.getColumn(rowIndexColumn).toArray() as number[];
  const problems = rejected.getColumn('__Problem').toArray() as number[];
  const values = rejected.getColumn('__Bad').toArray() as (string | null)[];
  const rejections = records.map((record, i) => {
    const [, column, reason] = checks[problems[i] ?? 0] ?? [undefined, '', ''];
    return { record, column, value: values[i] ?? null, reason };
  });

  const accepted = rows.filter(pl.col('__Problem').isNull()).drop('__Problem', '__Bad');
  const materialize = async (frame: pl.LazyDataFrame, name: string) => {
    const file = path.join(scratch, `${name}.parquet`);
    await frame.sinkParquet(file, { compression: 'lz4' }).collect();
    return pl.scanParquet(file);
  };
  return { rowsRead, accepted, rejections, attributes, materialize, dispose };
}
