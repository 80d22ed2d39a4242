/**
 * What the monitor reads of a curated batch, reduced in polars before any row reaches JS:
 * - the events that decide the streaming posterior: per (user, variant) the first exposure and
 *   per user the last success event, within the window. Folding only these into the reducer
 *   gives the same state as folding every event, because the reducer keeps minima and maxima;
 * - the time-window rollups: per window size, window start, variant and event type, the count
 *   of events and the count, sum, minimum and maximum of their values.
 */
import pl from 'nodejs-polars';
import type { LiveEvent, ReducerRules } from './posterior-reducer.ts';
import { windowSizeNames, windowSizes, type WindowSize } from './time-windows.ts';

/** One rollup of one window, as {@link batchRollups} computes it. */
export interface BatchRollup {
  readonly window: WindowSize;
  readonly startMs: number;
  readonly variant: string;
  readonly event_type: string;
  readonly count: number;
  readonly value_count: number;
  readonly sum: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** Epoch microseconds, whatever unit the frame's timestamps are stored in. */
const epochMicros = () => pl.col('timestamp').cast(pl.Datetime('us')).cast(pl.Int64);

/**
 * The decisive events of a batch for the streaming posterior.
 * @param events - the curated events (columns user_id, variant, event_type, timestamp)
 * @param rules - exposure and success events and the window
 * @returns at most one exposure per (user, variant) and one success per user
 * @example decisiveEvents(frame, rules).length
 */
export function decisiveEvents(events: pl.DataFrame, rules: ReducerRules): LiveEvent[] {
  let frame = events
    .lazy()
    .select(pl.col('user_id'), pl.col('variant'), pl.col('event_type'), epochMicros().alias('t'));
  if (rules.startUs !== undefined) frame = frame.filter(pl.col('t').gtEq(rules.startUs));
  if (rules.endUs !== undefined) frame = frame.filter(pl.col('t').ltEq(rules.endUs));
  const collected = frame.collectSync();
  const exposures = collected
    .filter(pl.col('event_type').eq(pl.lit(rules.exposureEvent)))
    .groupBy(['user_id', 'variant'])
    .agg(pl.col('t').min().alias('t'));
  const successes = collected
    .filter(pl.col('event_type').eq(pl.lit(rules.successEvent)))
    .groupBy('user_id')
    .agg(pl.col('t').max().alias('t'), pl.col('variant').first().alias('variant'));
  return [...rowsOf(exposures, rules.exposureEvent), ...rowsOf(successes, rules.successEvent)];
}

function rowsOf(frame: pl.DataFrame, eventType: string): LiveEvent[] {
  const users = frame.getColumn('user_id').toArray() as string[];
  const variants = frame.getColumn('variant').toArray() as string[];
  const times = frame.getColumn('t').toArray() as (number | bigint)[];
  return users.map((user, index) => ({
    user_id: user,
    variant: variants[index] ?? '',
    event_type: eventType,
    timestamp_us: Number(times[index]),
  }));
}

/**
 * The time-window rollups of a batch, for every window size.
 * @param events - the curated events (variant, event_type, timestamp, value)
 * @returns one rollup per (size, start, variant, event type)
 * @example batchRollups(frame).filter((r) => r.window === '1h')
 */
export function batchRollups(events: pl.DataFrame): BatchRollup[] {
  const hasValue = events.columns.includes('value');
  const base = events.select(
    pl.col('variant'),
    pl.col('event_type'),
    epochMicros().alias('us'),
    hasValue
      ? pl.col('value').cast(pl.Float64).alias('value')
      : pl.lit(null).cast(pl.Float64).alias('value'),
  );
  const rollups: BatchRollup[] = [];
  for (const size of windowSizeNames) {
    // In integer microseconds throughout: polars' division goes through floating point.
    const width = pl.lit(windowSizes[size] * 1000).cast(pl.Int64);
    const grouped = base
      .withColumns(pl.col('us').sub(pl.col('us').modulo(width)).alias('start'))
      .groupBy(['start', 'variant', 'event_type'])
      .agg(
        pl.len().alias('count'),
        pl.col('value').count().alias('value_count'),
        pl.col('value').sort().sum().alias('sum'),
        pl.col('value').min().alias('min'),
        pl.col('value').max().alias('max'),
      );
    const column = (name: string) => grouped.getColumn(name).toArray() as unknown[];
    const [starts, variants, types, counts, valueCounts, sums, mins, maxs] = [
      'start',
      'variant',
      'event_type',
      'count',
      'value_count',
      'sum',
      'min',
      'max',
    ].map(column) as [
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
    ];
    starts.forEach((start, index) => {
      const valueCount = Number(valueCounts[index]);
      rollups.push({
        window: size,
        startMs: Number(start) / 1000,
        variant: String(variants[index]),
        event_type: String(types[index]),
        count: Number(counts[index]),
        value_count: valueCount,
        sum: valueCount === 0 ? null : Number(sums[index]),
        min: valueCount === 0 ? null : Number(mins[index]),
        max: valueCount === 0 ? null : Number(maxs[index]),
      });
    });
  }
  return rollups;
}
