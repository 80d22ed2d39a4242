/**
 * Quality gates per column (a definition's `quality`), as polars expressions over the rows
 * that passed the events contract: a value outside its column's `[min, max]` (or not a number
 * where a range is set) is a row error naming the range; a column whose empty share is above
 * its `max_null_share` rejects the file with a file error naming the column and both shares.
 * Each experiment's gates apply to its own rows only. Without gates nothing is read.
 */
import pl from 'nodejs-polars';
import type { QualityGates } from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import { rowIndexColumn } from './read-event-table.ts';
import { firstFailingCheck, type RowCheck } from './row-checks.ts';
import type { Rejection } from './validate-event-rows.ts';

const longestValueShown = 200;

/**
 * The text of a range, as row errors name it.
 * @param range - the bounds
 * @returns e.g. `[0, 100]`, `[0, ∞)` or `(-∞, 5]`
 * @example rangeText({ min: 0, max: 100 }) // '[0, 100]'
 */
export function rangeText(range: { readonly min?: number; readonly max?: number }): string {
  const low = range.min === undefined ? '(-∞' : `[${range.min}`;
  const high = range.max === undefined ? '∞)' : `${range.max}]`;
  return `${low}, ${high}`;
}

function isEmpty(column: string): pl.Expr {
  return pl
    .col(column)
    .isNull()
    .or(pl.col(column).cast(pl.Utf8).str.strip().eq(pl.lit('')));
}

/**
 * The range checks of one experiment's gates over the columns a table has.
 * @param gates - the gates
 * @param columns - the table's columns
 * @returns one check per ranged column present, in column-name order
 * @example rangeChecks({ ranges: { value: { min: 0 } } }, ['value'])
 */
export function rangeChecks(gates: QualityGates, columns: readonly string[]): RowCheck[] {
  return Object.entries(gates.ranges ?? {})
    .filter(([column]) => columns.includes(column))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([column, range]) => {
      const number = pl.col(column).cast(pl.Utf8).str.strip().cast(pl.Float64, false);
      let outside = number.isNull().or(number.isNan());
      if (range.min !== undefined) outside = outside.or(number.lt(pl.lit(range.min)));
      if (range.max !== undefined) outside = outside.or(number.gt(pl.lit(range.max)));
      const failed = isEmpty(column).not().and(outside);
      return [failed, column, `${column} is outside its range ${rangeText(range)}`] as const;
    });
}

/**
 * Applies each experiment's gates to its rows.
 * @param frame - rows that passed the contract, with `experiment_id` and the row index
 * @param columns - the frame's columns
 * @param gatesByExperiment - the gates of the experiments that have some
 * @param label - the file's name, for the file error
 * @returns the rows out of range (their record index, column, value and reason)
 * @throws {ValidationError} (422) when a column's empty share is above its maximum
 * @example const rejections = await checkQualityGates(rows.accepted, columns, gates, 'a.csv')
 */
export async function checkQualityGates(
  frame: pl.LazyDataFrame,
  columns: readonly string[],
  gatesByExperiment: ReadonlyMap<string, QualityGates>,
  label: string,
): Promise<Rejection[]> {
  const rejections: Rejection[] = [];
  for (const [experimentId, gates] of gatesByExperiment) {
    const rows = frame.filter(pl.col('experiment_id').eq(pl.lit(experimentId)));
    await checkNullShares(rows, columns, experimentId, gates, label);
    const checks = rangeChecks(gates, columns);
    if (checks.length === 0) continue;
    const failing = await rows
      .withColumns(firstFailingCheck(checks).alias('__Gate'))
      .filter(pl.col('__Gate').isNotNull())
      .select(rowIndexColumn, '__Gate', ...checks.map(([, column]) => column))
      .collect();
    const records = failing.getColumn(rowIndexColumn).toArray() as number[];
    const gate = failing.getColumn('__Gate').toArray() as number[];
    records.forEach((record, i) => {
      const [, column, reason] = checks[gate[i] ?? 0] ?? [undefined, '', ''];
      const value: unknown = failing.getColumn(column).get(i);
      rejections.push({
        record,
        column,
        value: value === null ? null : String(value).slice(0, longestValueShown),
        reason,
      });
    });
  }
  return rejections.sort((a, b) => a.record - b.record);
}

/**
 * Rejects a file when one of its columns is emptier than the gates allow.
 * @param rows - the rows the shares are taken over (those that passed the contract)
 * @param columns - the rows' columns (a gated column the file lacks is empty on every row)
 * @param experimentId - the experiment the gates are of, for the message
 * @param gates - the gates
 * @param label - the file's name, for the message
 * @throws {ValidationError} (422) naming the column and both shares
 * @example await checkNullShares(rows, ['price'], 'e', { max_null_share: { price: 0.1 } }, 'a.csv')
 */
export async function checkNullShares(
  rows: pl.LazyDataFrame,
  columns: readonly string[],
  experimentId: string,
  gates: QualityGates,
  label: string,
): Promise<void> {
  const limits = Object.entries(gates.max_null_share ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  if (limits.length === 0) return;
  const counts = (
    await rows
      .select(
        pl.len().alias('__Rows'),
        // A column the file lacks is empty on every row.
        ...limits.map(([column], i) =>
          (columns.includes(column) ? isEmpty(column).cast(pl.Int64).sum() : pl.len()).alias(
            `__Empty${i}`,
          ),
        ),
      )
      .collect()
  ).row(0) as number[];
  const total = Number(counts[0] ?? 0);
  if (total === 0) return;
  limits.forEach(([column, maximum], i) => {
    const share = Number(counts[i + 1] ?? 0) / total;
    if (share > maximum) {
      throw new ValidationError(
        `${label}: column ${column} is ${percent(share)} empty in experiment ${experimentId}, above its max_null_share of ${percent(maximum)}`,
        422,
        { column },
        { column, empty_share: share, max_null_share: maximum },
      );
    }
  });
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}
