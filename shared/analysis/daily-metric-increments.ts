/**
 * What each analysed user's metric gained on each UTC day, for the results by day: a metric's
 * value as of the end of a day counts only the events up to it. `any` metrics gain 1 on the
 * day of the user's first qualifying event, `count` metrics the events of the day, `sum`
 * metrics the day's values. Rows are sorted by user row, then day, so the running values that
 * are built from them do not depend on how the events arrived.
 */
import pl from 'nodejs-polars';
import type { MetricSpec } from './metric-spec.ts';

/** The increments of one metric: parallel columns sorted by row, then day. */
export interface DailyIncrements {
  /** Row of the user in the per-user frame (sorted by user id). */
  readonly rows: Uint32Array;
  /** UTC day number (days since 1970-01-01). */
  readonly days: Int32Array;
  /** What the metric gained that day. */
  readonly amounts: Float64Array;
}

/** Microseconds in a day. */
const dayMicros = 86_400_000_000;

/**
 * The daily increments of a metric, as a lazy polars query collected at once.
 * @param events - the experiment's events in the window (lazy)
 * @param entries - `user_id` and `__exposed_at` of every analysed user (lazy)
 * @param rowOf - `user_id` and `__row`, its row in the per-user frame (lazy)
 * @param metric - the metric
 * @returns its increments
 * @example const daily = await dailyMetricIncrements(inWindow, entries, rowOf, defaultMetrics[0])
 */
export async function dailyMetricIncrements(
  events: pl.LazyDataFrame,
  entries: pl.LazyDataFrame,
  rowOf: pl.LazyDataFrame,
  metric: MetricSpec,
): Promise<DailyIncrements> {
  const counted = events
    .filter(pl.col('event_type').eq(pl.lit(metric.eventType)))
    .select('user_id', 'timestamp', 'value')
    .join(entries, { on: 'user_id', how: 'inner' })
    .filter(pl.col('timestamp').gtEq(pl.col('__exposed_at')))
    .withColumns(
      pl
        .col('timestamp')
        .cast(pl.Int64)
        .div(pl.lit(dayMicros))
        .floor()
        .cast(pl.Int32)
        .alias('__day'),
    );
  const grouped =
    metric.aggregate === 'any'
      ? counted
          .groupBy('user_id')
          .agg(pl.col('__day').min().alias('__day'))
          .withColumns(pl.lit(1).cast(pl.Float64).alias('__amount'))
      : counted
          .groupBy(['user_id', '__day'])
          .agg(
            (metric.aggregate === 'count'
              ? pl.len().cast(pl.Float64)
              : pl.col('value').sort().sum().cast(pl.Float64)
            ).alias('__amount'),
          );
  const frame = await grouped
    .join(rowOf, { on: 'user_id', how: 'inner' })
    .select(
      pl.col('__row').cast(pl.UInt32),
      pl.col('__day').cast(pl.Int32),
      pl.col('__amount').fillNull(0),
    )
    .sort(['__row', '__day'])
    .collect();
  return {
    rows: Uint32Array.from(frame.getColumn('__row').toArray() as number[]),
    days: Int32Array.from(frame.getColumn('__day').toArray() as number[]),
    amounts: Float64Array.from(frame.getColumn('__amount').toArray() as number[]),
  };
}
