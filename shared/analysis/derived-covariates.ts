/**
 * The derived covariates of `derived_covariates: true` (docs/models.md), from each user's own
 * events before their exposure: `frequency`, the number of the user's events with exposure -
 * look-back <= timestamp < exposure (any event type, not limited by the experiment window), and
 * `recency_days`, the days from the last of them to the exposure, or the look-back itself when
 * there is none.
 */
import pl from 'nodejs-polars';

/** Microseconds in a day: timestamps are microseconds since the epoch. */
const dayMicros = 86_400_000_000;

/** Column of the derived `recency_days` in a user frame. */
export const recencyColumn = 'n.recency_days';
/** Column of the derived `frequency` in a user frame. */
export const frequencyColumn = 'n.frequency';

/**
 * Per exposed user, the derived covariates.
 * @param events - every curated event of the experiment (`user_id`, `timestamp`)
 * @param exposures - one row per analysed user: `user_id`, `__exposed_at`
 * @param lookbackDays - the look-back window in days
 * @returns `user_id`, {@link recencyColumn}, {@link frequencyColumn} for every exposed user
 * @example users.join(derivedCovariates(scan, entries, 14), { on: 'user_id', how: 'left' })
 */
export function derivedCovariates(
  events: pl.LazyDataFrame,
  exposures: pl.LazyDataFrame,
  lookbackDays: number,
): pl.LazyDataFrame {
  const lookback = lookbackDays * dayMicros;
  const micros = (column: string) => pl.col(column).cast(pl.Int64);
  const prior = events
    .select('user_id', 'timestamp')
    .join(exposures, { on: 'user_id', how: 'inner' })
    .filter(
      micros('timestamp')
        .lt(micros('__exposed_at'))
        .and(micros('timestamp').gtEq(micros('__exposed_at').sub(pl.lit(lookback)))),
    )
    .groupBy('user_id')
    .agg(pl.len().cast(pl.Float64).alias('__frequency'), micros('timestamp').max().alias('__last'));
  return exposures
    .join(prior, { on: 'user_id', how: 'left' })
    .select(
      pl.col('user_id'),
      micros('__exposed_at')
        .sub(pl.col('__last'))
        .cast(pl.Float64)
        .div(pl.lit(dayMicros))
        .fillNull(pl.lit(lookbackDays))
        .alias(recencyColumn),
      pl.col('__frequency').fillNull(pl.lit(0)).alias(frequencyColumn),
    );
}
