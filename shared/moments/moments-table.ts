/**
 * The moments table: the contract between whatever reduces an experiment's events (a polars
 * query over curated Parquet, a DuckDB or BigQuery query over a warehouse table) and the
 * statistics that read them. It is small (variants x covariate patterns x days rows, not one row
 * per user) and addable: every field of a cell is a count or a sum over the cell's users, so
 * cells of batches, days, patterns or shards merge by adding field by field, and summing the
 * cells of a variant gives its arm.
 *
 * Who is in it is decided exactly as for the per-user table (DESIGN.md "Statistics
 * conventions", shared/analysis/build-user-table.ts): a user enters at their first exposure and
 * belongs to its variant; users exposed in two variants are left out (and counted); a metric's
 * value for a user is its aggregate (`any`, `count`, `sum`) over the user's events from the
 * exposure instant to the end of the window; a CUPED metric's covariate is the same aggregate
 * over the lookback before exposure; a ratio metric's numerator and denominator are each such an
 * aggregate. A user without any counted event has the value 0.
 *
 * Three tables, each keyed as its comment says (the SQL column names are the field names in
 * snake_case: `exposure_day`, `sum_y`, `sum_yy`, `sum_x`, `sum_xx`, `sum_xy`):
 *
 * - `cells`, one row per (variant, covariate pattern, exposure day) with users: `n` and, per
 *   metric, the sums of the users' final values (`y`) and, where the metric pairs it with a
 *   second per-user value (`x`: a CUPED covariate, or a ratio's denominator with `y` its
 *   numerator), the sums of `x`, `x^2` and `x*y`. Arms, SRM, per-arm summaries, Welch, CUPED,
 *   the delta method, segments (patterns), the cumulative lift (exposure days) and the
 *   categorical models (patterns as their design rows) read this.
 * - `increments`, one row per (variant, day, metric) where some user's running value changed:
 *   the change that day of the sum of the users' values and of the sum of their squares, the
 *   value as of the end of a day counting only events up to it (a user's running value starts
 *   at 0 on their exposure day). With the users entering by each day (from `cells`), these give
 *   every arm's moments as of the end of every day: the results by day.
 * - `valueCounts`, one row per (metric, variant, value): how many users have that final value,
 *   for the continuous value metrics only. The statistics that are not addable are exact
 *   functions of these counts: Mann-Whitney's U with its tie correction (ranks of tied values
 *   are midranks), the winsorizing caps (quantiles of the users' values) and the moments of the
 *   capped values.
 *
 * Exactness: counts are exact, and so are sums of integer-valued metrics (binomial, count) in
 * float64 below 2^53, in any order. Sums of non-integer values (revenue) depend on the order
 * the engine adds them in, in the last bits; statistics from them equal the per-user path's to
 * rounding, not bit for bit. Models with numeric covariates still need per-user rows.
 */

/** The columns of a moments table, in the order every cell's per-metric sums follow. */
export interface MomentsSchema {
  /** Attribute names (covariates), sorted; a cell's `pattern` gives their levels in this order. */
  readonly attributes: readonly string[];
  /** Metrics in result-document order. */
  readonly metrics: readonly MomentsMetric[];
}

/**
 * A metric of the table: a value metric (`y` its per-user value; `paired` when CUPED adds the
 * covariate as `x`) or a ratio metric (`y` its numerator, `x` its denominator, always paired).
 */
export interface MomentsMetric {
  readonly name: string;
  readonly kind: 'value' | 'ratio';
  /** A value metric's type; ratios are continuous. */
  readonly type: 'binomial' | 'continuous';
  /** Whether cells carry `sumX`, `sumXX` and `sumXY` for this metric. */
  readonly paired: boolean;
}

/** One metric's sums over a cell's users. */
export interface MetricSums {
  /** Sum of y (a binomial metric's conversions). */
  readonly sumY: number;
  /** Sum of y^2. */
  readonly sumYY: number;
  /** Sum of x, x^2 and x*y; null when the metric is not paired. */
  readonly sumX: number | null;
  readonly sumXX: number | null;
  readonly sumXY: number | null;
}

/** The users of one variant with one covariate pattern first exposed on one UTC day. */
export interface MomentsCell {
  readonly variant: string;
  /** One level per schema attribute (`(missing)` for a user without it). */
  readonly pattern: readonly string[];
  /**
   * Day of the users' first exposure, days since 1970-01-01 UTC; null when exposure times are
   * unknown (a unit-level table).
   */
  readonly exposureDay: number | null;
  /** Users (at least 1). */
  readonly n: number;
  /** Per schema metric, in its order. */
  readonly metrics: readonly MetricSums[];
}

/** How one variant's sums of one metric's running values changed on one day. */
export interface DailyIncrement {
  readonly variant: string;
  /** Days since 1970-01-01 UTC. */
  readonly day: number;
  readonly metric: string;
  /** Change of the sum of the users' values that day. */
  readonly sumY: number;
  /** Change of the sum of the squares of the users' values that day. */
  readonly sumYY: number;
}

/** How many users of a variant have one final value of a continuous metric. */
export interface ValueCount {
  readonly metric: string;
  readonly variant: string;
  readonly value: number;
  readonly count: number;
}

/** An experiment's moments: everything the statistics read, small and addable. */
export interface MomentsTable {
  readonly schema: MomentsSchema;
  /** Sorted by variant, pattern, exposure day (byte order of the text, nulls last). */
  readonly cells: readonly MomentsCell[];
  /** Sorted by metric (schema order), variant, day. */
  readonly increments: readonly DailyIncrement[];
  /** Sorted by metric (schema order), variant, value. */
  readonly valueCounts: readonly ValueCount[];
  /** Accepted events read, and users exposed in more than one variant (left out). */
  readonly events: number;
  readonly excludedMultipleVariants: number;
}
