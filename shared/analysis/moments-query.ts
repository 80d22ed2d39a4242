/**
 * The moments table (shared/moments/moments-table.ts) of an experiment, reduced by polars
 * group-bys from the per-user frame of build-user-table.ts, so who is analysed and what counts
 * are the per-user path's by construction: the cells per (variant, attribute pattern, exposure
 * day), the daily increments of the running values, and the value counts of continuous metrics.
 */
import pl from 'nodejs-polars';
import type {
  DailyIncrement,
  MetricSums,
  MomentsCell,
  MomentsMetric,
  MomentsTable,
  ValueCount,
} from '../moments/moments-table.ts';
import {
  attributePrefix,
  covariatePrefix,
  denominatorPrefix,
  metricPrefix,
  numeratorPrefix,
  type UserFrame,
} from './build-user-table.ts';
import type { DailyIncrements } from './daily-metric-increments.ts';

const dayMicros = 86_400_000_000;

/** A schema metric with the frame columns of its y and (when paired) x. */
interface MetricColumns {
  readonly metric: MomentsMetric;
  readonly y: string;
  readonly x: string | null;
}

/**
 * The moments table of a per-user frame.
 * @param users - the per-user frame, its counts and (for events) its daily increments
 * @param metrics - the value metrics in the frame's order, then the order of the document
 * @param order - metric names in document order (value metrics and ratios); default the value
 *   metrics, then the frame's ratios
 * @returns the cells, increments and value counts, sorted as the contract says
 * @example const moments = await momentsOfUsers(users, defaultMetrics)
 */
export async function momentsOfUsers(
  users: UserFrame,
  metrics: readonly { readonly name: string; readonly type: 'binomial' | 'continuous' }[],
  order?: readonly string[],
): Promise<MomentsTable> {
  const frame = users.frame;
  const columns = new Set(frame.columns);
  const attributes = frame.columns
    .filter((name) => name.startsWith(attributePrefix))
    .map((name) => name.slice(attributePrefix.length));
  const all = metricColumns(frame.columns, columns, metrics);
  const names = order ?? all.map((entry) => entry.metric.name);
  const schemaColumns = names.flatMap((name) => all.filter((entry) => entry.metric.name === name));
  const keys = ['__variant', ...attributes.map((_, i) => `__a${i}`), '__day'];
  const exposureDay = columns.has('exposed_at_us')
    ? pl.col('exposed_at_us').div(pl.lit(dayMicros)).floor().cast(pl.Int32)
    : pl.lit(null).cast(pl.Int32);
  const [cellFrame, countFrame] = await Promise.all([
    frame
      .lazy()
      .select(
        pl.col('variant').cast(pl.Utf8).alias('__variant'),
        ...attributes.map((name, i) =>
          pl.col(`${attributePrefix}${name}`).cast(pl.Utf8).alias(`__a${i}`),
        ),
        exposureDay.alias('__day'),
        ...schemaColumns.flatMap(({ y, x }, i) => [
          pl.col(y).cast(pl.Float64).alias(`__y${i}`),
          ...(x === null ? [] : [pl.col(x).cast(pl.Float64).alias(`__x${i}`)]),
        ]),
      )
      .groupBy(keys)
      .agg(pl.len().alias('__n'), ...schemaColumns.flatMap((entry, i) => sumsOf(entry, i)))
      .sort(keys, false, true)
      .collect(),
    valueCountsOf(frame, schemaColumns),
  ]);
  const increments = await incrementsOf(frame, schemaColumns, metrics, users.daily);
  return {
    schema: { attributes, metrics: schemaColumns.map((entry) => entry.metric) },
    cells: cellsOf(cellFrame, attributes.length, schemaColumns),
    increments,
    valueCounts: countFrame,
    events: users.events,
    excludedMultipleVariants: users.excludedMultipleVariants,
  };
}

/** The frame's metrics: value metrics (paired with a CUPED covariate when present), ratios. */
function metricColumns(
  frameColumns: readonly string[],
  columns: ReadonlySet<string>,
  metrics: readonly { readonly name: string; readonly type: 'binomial' | 'continuous' }[],
): MetricColumns[] {
  const values = metrics.map(({ name, type }): MetricColumns => {
    const x = `${covariatePrefix}${name}`;
    return {
      metric: { name, kind: 'value', type, paired: columns.has(x) },
      y: `${metricPrefix}${name}`,
      x: columns.has(x) ? x : null,
    };
  });
  const ratios = frameColumns
    .filter((column) => column.startsWith(numeratorPrefix))
    .map((column) => column.slice(numeratorPrefix.length))
    .filter((name) => columns.has(`${denominatorPrefix}${name}`))
    .map(
      (name): MetricColumns => ({
        metric: { name, kind: 'ratio', type: 'continuous', paired: true },
        y: `${numeratorPrefix}${name}`,
        x: `${denominatorPrefix}${name}`,
      }),
    );
  return [...values, ...ratios];
}

/** The sums of one metric's y (and x) over a group. */
function sumsOf({ x }: MetricColumns, i: number): pl.Expr[] {
  const y = pl.col(`__y${i}`);
  const sums = [y.sum().alias(`__sy${i}`), y.mul(y).sum().alias(`__syy${i}`)];
  if (x === null) return sums;
  const xs = pl.col(`__x${i}`);
  return [
    ...sums,
    xs.sum().alias(`__sx${i}`),
    xs.mul(xs).sum().alias(`__sxx${i}`),
    xs.mul(y).sum().alias(`__sxy${i}`),
  ];
}

/** The collected group-by as cells. */
function cellsOf(
  frame: pl.DataFrame,
  attributeCount: number,
  schemaColumns: readonly MetricColumns[],
): MomentsCell[] {
  const column = (name: string) => frame.getColumn(name).toArray() as unknown[];
  const variants = column('__variant') as string[];
  const patterns = Array.from({ length: attributeCount }, (_, i) => column(`__a${i}`) as string[]);
  const days = column('__day') as (number | null)[];
  const counts = column('__n') as (number | bigint)[];
  const sums = schemaColumns.map(({ x }, i) => ({
    sy: column(`__sy${i}`) as number[],
    syy: column(`__syy${i}`) as number[],
    sx: x === null ? null : (column(`__sx${i}`) as number[]),
    sxx: x === null ? null : (column(`__sxx${i}`) as number[]),
    sxy: x === null ? null : (column(`__sxy${i}`) as number[]),
  }));
  return variants.map((variant, row) => ({
    variant,
    pattern: patterns.map((levels) => levels[row] ?? ''),
    exposureDay: days[row] ?? null,
    n: Number(counts[row] ?? 0),
    metrics: sums.map(
      (metric): MetricSums => ({
        sumY: metric.sy[row] ?? 0,
        sumYY: metric.syy[row] ?? 0,
        sumX: metric.sx?.[row] ?? null,
        sumXX: metric.sxx?.[row] ?? null,
        sumXY: metric.sxy?.[row] ?? null,
      }),
    ),
  }));
}

/** Users per (metric, variant, final value) of each continuous value metric. */
async function valueCountsOf(
  frame: pl.DataFrame,
  schemaColumns: readonly MetricColumns[],
): Promise<ValueCount[]> {
  const continuous = schemaColumns.filter(
    ({ metric }) => metric.kind === 'value' && metric.type === 'continuous',
  );
  const frames = await Promise.all(
    continuous.map(({ y }) =>
      frame
        .lazy()
        .select(pl.col('variant').cast(pl.Utf8).alias('variant'), pl.col(y).alias('value'))
        .groupBy(['variant', 'value'])
        .agg(pl.len().alias('count'))
        .sort(['variant', 'value'])
        .collect(),
    ),
  );
  return continuous.flatMap(({ metric }, i) =>
    (frames[i]?.toRecords() ?? []).map((row) => ({
      metric: metric.name,
      variant: String(row.variant),
      value: Number(row.value),
      count: Number(row.count),
    })),
  );
}

/**
 * Per (metric, variant, day), how the sums of the users' running values and of their squares
 * changed: each user's running value is the cumulative sum of their daily amounts.
 */
async function incrementsOf(
  frame: pl.DataFrame,
  schemaColumns: readonly MetricColumns[],
  metrics: readonly { readonly name: string }[],
  daily: readonly DailyIncrements[] | undefined,
): Promise<DailyIncrement[]> {
  if (daily === undefined) return [];
  const variantOfRow = frame
    .select(pl.col('variant').cast(pl.Utf8).alias('variant'))
    .withRowIndex('row')
    .withColumns(pl.col('row').cast(pl.UInt32))
    .lazy();
  const named = schemaColumns.filter(({ metric }) => metric.kind === 'value');
  const frames = await Promise.all(
    named.map(({ metric }) => {
      const increments = daily[metrics.findIndex((m) => m.name === metric.name)];
      if (increments === undefined) return Promise.resolve(undefined);
      const running = pl.col('amount').cumSum().over('row');
      return pl
        .DataFrame({ row: increments.rows, day: increments.days, amount: increments.amounts })
        .lazy()
        .withColumns(pl.col('row').cast(pl.UInt32))
        .withColumns(running.alias('running'))
        .withColumns(pl.col('running').shift(1).over('row').fillNull(0).alias('previous'))
        .join(variantOfRow, { on: 'row', how: 'inner' })
        .groupBy(['variant', 'day'])
        .agg(
          pl.col('amount').sum().alias('sumY'),
          pl
            .col('running')
            .mul(pl.col('running'))
            .minus(pl.col('previous').mul(pl.col('previous')))
            .sum()
            .alias('sumYY'),
        )
        .sort(['variant', 'day'])
        .collect();
    }),
  );
  return named.flatMap(({ metric }, i) =>
    (frames[i]?.toRecords() ?? []).map((row) => ({
      variant: String(row.variant),
      day: Number(row.day),
      metric: metric.name,
      sumY: Number(row.sumY),
      sumYY: Number(row.sumYY),
    })),
  );
}
