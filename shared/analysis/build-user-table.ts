/**
 * From curated events to one row per analysed user (DESIGN.md "Statistics conventions"): a
 * user enters at their first exposure and belongs to its variant; events before it, or
 * outside the window, do not count (events at the exposure instant do); a user exposed in two
 * variants is excluded and counted. Everything runs as one lazy polars query over the curated
 * Parquet; only the per-user result reaches JS, as typed columns.
 */
import pl from 'nodejs-polars';
import { curatedColumns } from '../events/validate-event-rows.ts';
import { MISSING_LEVEL, type CategoricalColumn, type UnitTable } from '../models/unit-table.ts';
import { derivedCovariates, frequencyColumn, recencyColumn } from './derived-covariates.ts';
import { dailyMetricIncrements, type DailyIncrements } from './daily-metric-increments.ts';
import type { ExperimentDefinition, MetricSpec } from './experiment-definition.ts';
import { metricSettings, ratioSpecs, type RatioPart } from './metric-settings.ts';
import { modelSettings } from './model-settings.ts';

/** The per-user table of an experiment, with what was left out. */
export interface UserTable {
  readonly table: UnitTable;
  /** Epoch milliseconds of each user's first exposure (NaN for unit tables), row-aligned. */
  readonly exposedAt: Float64Array;
}

/** The per-user frame and the counts around it. */
export interface UserFrame {
  /**
   * One row per analysed user, sorted by `user_id`: `variant`, `exposed_at_us`, one `a.<name>`
   * column per attribute, one `m.<name>` column per metric, `n.<name>` and `d.<name>` per ratio
   * metric, and `x.<name>` per CUPED metric (its value over the lookback before exposure, not
   * limited by the window; 0 when there are no such events).
   */
  readonly frame: pl.DataFrame;
  /** Users exposed in more than one variant. */
  readonly excludedMultipleVariants: number;
  /** Accepted events stored for the experiment. */
  readonly events: number;
  /** Per metric (in the order given), what each user gained each day; absent for unit tables. */
  readonly daily?: readonly DailyIncrements[];
}

const coreColumns = new Set<string>(curatedColumns);

/** Prefix of attribute columns in a user frame. */
export const attributePrefix = 'a.';
/** Prefix of metric columns in a user frame. */
export const metricPrefix = 'm.';
/** Prefixes of a ratio metric's numerator and denominator columns in a user frame. */
export const numeratorPrefix = 'n.';
export const denominatorPrefix = 'd.';
/** Prefix of a metric's CUPED covariate (its value before exposure) in a user frame. */
export const covariatePrefix = 'x.';

const dayMicros = 86_400_000_000;

/**
 * Builds the per-user frame of an experiment from its curated Parquet files.
 * @param files - local paths of the experiment's curated files
 * @param metrics - the metrics to compute per user
 * @param definition - the definition (exposure event, window), or undefined
 * @returns the frame, sorted by user id, and the counts
 * @example const users = await buildUserFrame(['/data/events.parquet'], defaultMetrics, undefined)
 */
export async function buildUserFrame(
  files: readonly string[],
  metrics: readonly MetricSpec[],
  definition: ExperimentDefinition | undefined,
): Promise<UserFrame> {
  const scan = pl.concat(
    files.map((file) => pl.scanParquet(file)),
    { how: 'diagonalRelaxed' },
  );
  const attributes = scan.columns.filter((name) => !coreColumns.has(name)).sort();
  const plan = userFramePlan(attributes, metrics, definition);
  let inWindow = scan;
  for (const filter of plan.window) inWindow = inWindow.filter(filter);

  // Two passes over the files: the exposures, then the metric events of the exposed users.
  const exposureRows = inWindow.filter(plan.exposure);
  const [exposures, counted] = await Promise.all([
    exposureRows
      // Sorted once: a group-by keeps each group's rows in frame order, so a user's first row
      // is their first exposure; the same pass counts their variants.
      .sort(['timestamp', 'event_id'])
      .groupBy('user_id')
      .agg(
        pl.col('variant').first(),
        pl.col('timestamp').first().alias('__exposed_at'),
        ...attributes.map((name) => pl.col(name).first()),
        plan.variantCount,
      )
      .collect(),
    scan.select(plan.count).collect(),
  ]);
  const exposed = exposures.filter(plan.singleVariant);
  const entries = exposed.select('user_id', '__exposed_at').lazy();
  let users = exposed.lazy().select('user_id', 'variant', '__exposed_at', ...attributes);
  // Each metric's (and each CUPED lookback's) facts per user: the events of its type that
  // count, against the user's first exposure, grouped by user and joined on.
  const perUserFacts = (
    source: pl.LazyDataFrame,
    step: { readonly isEventType: pl.Expr; readonly facts: readonly pl.Expr[] },
    counts: pl.Expr,
  ) =>
    source
      .filter(step.isEventType)
      .select('user_id', 'timestamp', 'value')
      .join(entries, { on: 'user_id', how: 'inner' })
      .filter(counts)
      .groupBy('user_id')
      .agg(...step.facts);
  for (const step of plan.metricEvents) {
    users = users.join(perUserFacts(inWindow, step, plan.afterExposure), {
      on: 'user_id',
      how: 'left',
    });
  }
  for (const step of plan.preExposureEvents) {
    users = users.join(perUserFacts(scan, step, step.inLookback), { on: 'user_id', how: 'left' });
  }
  const settings = modelSettings(definition);
  const derived = settings.derived ? [derivedCovariates(scan, entries, settings.lookbackDays)] : [];
  for (const covariates of derived) users = users.join(covariates, { on: 'user_id', how: 'left' });
  const frame = await users
    .select(
      ...plan.output,
      ...(settings.derived ? [pl.col(recencyColumn), pl.col(frequencyColumn)] : []),
    )
    .sort('user_id')
    .collect({ streaming: true });
  const rowOf = frame.select('user_id').withRowIndex('__row').lazy();
  const daily = await Promise.all(
    metrics.map((metric) => dailyMetricIncrements(inWindow, entries, rowOf, metric)),
  );
  return {
    frame,
    excludedMultipleVariants: exposures.height - exposed.height,
    events: Number(counted.getColumn('events').toArray()[0] ?? 0),
    daily,
  };
}

/** The expressions of {@link buildUserFrame}, built once per attributes, metrics and definition. */
interface UserFramePlan {
  readonly count: pl.Expr;
  readonly window: readonly pl.Expr[];
  readonly exposure: pl.Expr;
  readonly variantCount: pl.Expr;
  readonly singleVariant: pl.Expr;
  readonly metricEvents: readonly {
    readonly isEventType: pl.Expr;
    readonly facts: readonly pl.Expr[];
  }[];
  readonly preExposureEvents: readonly {
    readonly isEventType: pl.Expr;
    readonly inLookback: pl.Expr;
    readonly facts: readonly pl.Expr[];
  }[];
  readonly afterExposure: pl.Expr;
  readonly output: readonly pl.Expr[];
}

// nodejs-polars spends about a millisecond on every expression it builds: a rerun or a stream of
// small batches would rebuild the same plan each time.
const plans = new Map<string, UserFramePlan>();

function userFramePlan(
  attributes: readonly string[],
  metrics: readonly MetricSpec[],
  definition: ExperimentDefinition | undefined,
): UserFramePlan {
  const exposureEvent = definition?.exposure_event ?? 'exposure';
  const ratios = ratioSpecs(definition);
  const settings = metricSettings(definition);
  const covariates = metrics.flatMap((metric) => {
    const cuped = settings.get(metric.name)?.cuped;
    return cuped === null || cuped === undefined ? [] : [{ metric, days: cuped.lookbackDays }];
  });
  const key = JSON.stringify([
    attributes,
    metrics,
    exposureEvent,
    definition?.start_at,
    definition?.end_at,
    ratios,
    covariates,
  ]);
  const cached = plans.get(key);
  if (cached !== undefined) return cached;

  const epochMicros = pl.col('timestamp').cast(pl.Int64);
  const window: pl.Expr[] = [];
  if (definition?.start_at !== undefined) {
    window.push(epochMicros.gtEq(Date.parse(definition.start_at) * 1000));
  }
  if (definition?.end_at !== undefined) {
    window.push(epochMicros.ltEq(Date.parse(definition.end_at) * 1000));
  }
  const eventTypes = [
    ...new Set([
      ...metrics.map((metric) => metric.eventType),
      ...ratios.flatMap((ratio) => [ratio.numerator.eventType, ratio.denominator.eventType]),
    ]),
  ].sort();
  const aggregated = (part: RatioPart) => {
    const index = eventTypes.indexOf(part.eventType);
    return aggregateOf(part.aggregate, `__count_${index}`, `__sum_${index}`);
  };
  const lookbacks = [...new Set(covariates.map((c) => `${c.days}:${c.metric.eventType}`))];
  const plan: UserFramePlan = {
    count: pl.len().alias('events'),
    window,
    exposure: pl.col('event_type').eq(pl.lit(exposureEvent)),
    variantCount: pl.col('variant').nUnique().alias('__variants'),
    singleVariant: pl.col('__variants').eq(1),
    metricEvents: eventTypes.map((eventType, index) => ({
      isEventType: pl.col('event_type').eq(pl.lit(eventType)),
      facts: [
        pl.len().cast(pl.Float64).alias(`__count_${index}`),
        pl.col('value').sort().sum().alias(`__sum_${index}`),
      ],
    })),
    preExposureEvents: lookbacks.map((lookback, index) => {
      const [days, ...type] = lookback.split(':');
      const exposed = pl.col('__exposed_at').cast(pl.Int64);
      const at = pl.col('timestamp').cast(pl.Int64);
      return {
        isEventType: pl.col('event_type').eq(pl.lit(type.join(':'))),
        inLookback: at.gtEq(exposed.minus(Number(days) * dayMicros)).and(at.lt(exposed)),
        facts: [
          pl.len().cast(pl.Float64).alias(`__pre_count_${index}`),
          pl.col('value').sort().sum().alias(`__pre_sum_${index}`),
        ],
      };
    }),
    afterExposure: pl.col('timestamp').gtEq(pl.col('__exposed_at')),
    output: [
      pl.col('user_id'),
      pl.col('variant'),
      pl.col('__exposed_at').cast(pl.Int64).cast(pl.Float64).alias('exposed_at_us'),
      ...attributes.map((name) =>
        pl.col(name).fillNull(pl.lit(MISSING_LEVEL)).alias(`${attributePrefix}${name}`),
      ),
      ...metrics.map((metric) => aggregated(metric).alias(`${metricPrefix}${metric.name}`)),
      ...ratios.flatMap((ratio) => [
        aggregated(ratio.numerator).alias(`${numeratorPrefix}${ratio.name}`),
        aggregated(ratio.denominator).alias(`${denominatorPrefix}${ratio.name}`),
      ]),
      ...covariates.map(({ metric, days }) => {
        const index = lookbacks.indexOf(`${days}:${metric.eventType}`);
        return aggregateOf(metric.aggregate, `__pre_count_${index}`, `__pre_sum_${index}`).alias(
          `${covariatePrefix}${metric.name}`,
        );
      }),
    ],
  };
  if (plans.size > 100) plans.clear();
  plans.set(key, plan);
  return plan;
}

/** A per-user aggregate of counted events (0 for a user without any): any, count or sum. */
function aggregateOf(aggregate: MetricSpec['aggregate'], count: string, sum: string): pl.Expr {
  const events = pl.col(count).fillNull(0);
  return aggregate === 'any'
    ? events.gt(0).cast(pl.Float64)
    : aggregate === 'count'
      ? events
      : pl.col(sum).fillNull(0);
}

/**
 * The per-unit frame of an experiment fed by unit-level tables: its curated unit files, which
 * already hold one row per unit, sorted by unit id.
 * @param files - local paths of the experiment's curated unit files
 * @returns the frame; every row is a unit, so events = units and nobody is excluded
 * @example const users = await readUnitFrames(['/data/units.parquet'])
 */
export async function readUnitFrames(files: readonly string[]): Promise<UserFrame> {
  const frame = await pl
    .concat(
      files.map((file) => pl.scanParquet(file)),
      { how: 'diagonalRelaxed' },
    )
    .sort('user_id')
    .collect();
  return { frame, excludedMultipleVariants: 0, events: frame.height };
}

/**
 * Turns a user frame into typed columns for statistics and models.
 * @param frame - a frame from {@link buildUserFrame} (or a unit table read the same way)
 * @param metrics - the metrics, in document order
 * @returns the table and exposure times
 * @example const { table } = toUserTable(users.frame, defaultMetrics)
 */
export function toUserTable(
  frame: pl.DataFrame,
  metrics: readonly { readonly name: string; readonly type: 'binomial' | 'continuous' }[],
  numeric: readonly string[] = [],
): UserTable {
  const attributes = frame.columns
    .filter((name) => name.startsWith(attributePrefix))
    .map((name) => name.slice(attributePrefix.length));
  let unitIds: string[] | undefined;
  return {
    table: {
      // Millions of strings cost half a second to bring into JS: only the models need them.
      get unitIds() {
        unitIds ??= frame.getColumn('user_id').cast(pl.Utf8).toArray() as string[];
        return unitIds;
      },
      variant: categorical(frame.getColumn('variant').cast(pl.Utf8)),
      attributes: attributes.map((name) => ({
        name,
        column: categorical(frame.getColumn(`${attributePrefix}${name}`).cast(pl.Utf8)),
      })),
      metrics: metrics.map((metric) => ({
        name: metric.name,
        type: metric.type,
        values: float64Column(frame.getColumn(`${metricPrefix}${metric.name}`)),
      })),
      numeric: numeric.flatMap((name) => {
        const column = numericColumnOf(frame, name);
        return column === undefined ? [] : [{ name, values: column }];
      }),
    },
    exposedAt: float64Column(frame.getColumn('exposed_at_us')).map((us) => us / 1000),
  };
}

/**
 * A numeric covariate's values: the derived column (`n.<name>`) or the attribute read as a
 * number (validation rejected every value that is not one), NaN where the user has none.
 * @param frame - the user frame
 * @param name - the covariate
 * @returns the values, or undefined when the frame has no such column
 */
function numericColumnOf(frame: pl.DataFrame, name: string): Float64Array | undefined {
  if (frame.columns.includes(`n.${name}`)) return float64Column(frame.getColumn(`n.${name}`));
  const attribute = `${attributePrefix}${name}`;
  if (!frame.columns.includes(attribute)) return undefined;
  // The same reading as validation's check: stripped text cast to a float, else missing.
  return float64Column(
    frame
      .select(pl.col(attribute).cast(pl.Utf8).str.strip().cast(pl.Float64, false).alias(name))
      .getColumn(name),
  );
}

/** A numeric column as a Float64Array, nulls (exposure times of unit tables) as NaN. */
export function float64Column(series: pl.Series): Float64Array {
  const numbers = series.cast(pl.Float64);
  if (numbers.nullCount() === 0)
    return Float64Array.from(numbers.toTypedArray() as ArrayLike<number>);
  return Float64Array.from(numbers.toArray() as (number | null)[], (x) => x ?? Number.NaN);
}

/**
 * A text column as sorted levels and codes, computed by polars (each value replaced by the
 * index of its level among the sorted distinct values: a third of the cost of a dense rank), so
 * no string reaches JS but the levels.
 * @param series - a polars string series without nulls
 * @returns levels in byte order and one code per row
 * @example categorical(pl.Series('v', ['b', 'a', 'b'])) // { levels: ['a','b'], codes: [1,0,1] }
 */
export function categorical(series: pl.Series): CategoricalColumn {
  const levels = series.unique().sort().toArray() as string[];
  if (levels.length === 0) return { levels, codes: new Uint32Array(0) };
  const codes = series
    .alias('text')
    .toFrame()
    .select(
      pl
        .col('text')
        .replaceStrict(
          levels,
          levels.map((_, code) => code),
          undefined,
          pl.UInt32,
        )
        .alias('code'),
    )
    .getColumn('code')
    .toTypedArray() as Uint32Array;
  return { levels, codes };
}
