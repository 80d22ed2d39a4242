/**
 * The per-user facts of an experiment as SQL, the warehouse form of buildUserFrame
 * (shared/analysis/build-user-table.ts; DESIGN.md "Statistics conventions"): a user enters at
 * their first in-window exposure (ordered by timestamp, then event id) and belongs to its
 * variant, with the attributes of that event; a user exposed in two variants is excluded and
 * counted; a metric counts the user's in-window events at or after the exposure; a CUPED
 * covariate counts the metric's events in the lookback before exposure (not limited by the
 * window); the derived covariates recency and frequency count every event in the model's
 * lookback. Pure: it returns query text and parameters; ids, event types and lookbacks are
 * always parameters, never text in the query.
 */
import type { ExperimentDefinition, MetricSpec } from '../analysis/experiment-definition.ts';
import { metricSettings, ratioSpecs, type RatioPart } from '../analysis/metric-settings.ts';
import { frequencyColumn, recencyColumn } from '../analysis/derived-covariates.ts';
import { modelSettings } from '../analysis/model-settings.ts';
import { MISSING_LEVEL } from '../models/unit-table.ts';
import {
  curatedEventsTable,
  epochMicros,
  parameter,
  quoteIdentifier,
  typeNames,
  type CuratedEventsSource,
} from './sql-dialect.ts';

/** A query and its named parameters (integers are whole JS numbers below 2^53). */
export interface WarehouseQuery {
  readonly sql: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** What the per-user facts are computed for. */
export interface UserFactsInput {
  readonly experimentId: string;
  /** The attribute columns of the curated events (every column beyond the contract's). */
  readonly attributes: readonly string[];
  readonly metrics: readonly MetricSpec[];
  readonly definition: ExperimentDefinition | undefined;
  /** Whether to compute the derived covariates when the model asks for them (default true). */
  readonly derived?: boolean;
}

/** The common table expressions of the facts, the last one `users`, and their parameters. */
export interface UserFactsCtes {
  /** `name AS (...)` clauses, in order. */
  readonly ctes: readonly string[];
  readonly params: Readonly<Record<string, string | number>>;
}

const dayMicros = 86_400_000_000;

/**
 * The SQL column of each column of buildUserFrame's frame but `user_id`, `variant` and
 * `exposed_at_us` (which keep their names): plain identifiers (`attr_0`, `metric_0`,
 * `numerator_0`, `denominator_0`, `covariate_0`, `recency_days`, `frequency`), valid column
 * names in both dialects, where the frame's names hold dots.
 * @param input - attributes, metrics, definition
 * @returns frame name to SQL column, in the frame's column order
 * @example userFactsColumnNames({ experimentId: 'e', attributes: ['device'], metrics: defaultMetrics, definition: undefined }).get('a.device') // 'attr_0'
 */
export function userFactsColumnNames(input: UserFactsInput): ReadonlyMap<string, string> {
  const settings = metricSettings(input.definition);
  return new Map([
    ...input.attributes.map((name, i): [string, string] => [`a.${name}`, `attr_${i}`]),
    ...input.metrics.map((metric, i): [string, string] => [`m.${metric.name}`, `metric_${i}`]),
    ...ratioSpecs(input.definition).flatMap((ratio, i): [string, string][] => [
      [`n.${ratio.name}`, `numerator_${i}`],
      [`d.${ratio.name}`, `denominator_${i}`],
    ]),
    ...input.metrics
      .filter((metric) => (settings.get(metric.name)?.cuped ?? null) !== null)
      .map((metric, i): [string, string] => [`x.${metric.name}`, `covariate_${i}`]),
    ...(input.derived !== false && modelSettings(input.definition).derived
      ? [
          [recencyColumn, 'recency_days'] as [string, string],
          [frequencyColumn, 'frequency'] as [string, string],
        ]
      : []),
  ]);
}

/**
 * The CTEs computing one row per analysed user, named `users`: `user_id`, `variant`,
 * `exposed_at_us` and the columns of {@link userFactsColumnNames}, with the values of
 * buildUserFrame's frame. Also `events` (every curated event of the experiment) and
 * `variant_counts` (variants per exposed user).
 * @param source - the curated events: a BigQuery table or local Parquet files
 * @param input - experiment, attributes, metrics, definition
 * @returns the CTEs and their parameters
 * @example userFactsCtes({ dialect: 'duckdb', files: ['b.parquet'] }, { experimentId: 'e', attributes: [], metrics: defaultMetrics, definition: undefined })
 */
export function userFactsCtes(source: CuratedEventsSource, input: UserFactsInput): UserFactsCtes {
  const dialect = source.dialect;
  const q = (name: string) => quoteIdentifier(dialect, name);
  const types = typeNames(dialect);
  const params: Record<string, string | number> = { experiment_id: input.experimentId };
  const param = (name: string, value: string | number) => {
    params[name] = value;
    return parameter(dialect, name);
  };
  const definition = input.definition;
  const attributeColumns = input.attributes.map((name, i) => ({ name, alias: `attr_${i}` }));

  const window = [
    ...(definition?.start_at === undefined
      ? []
      : [`at_us >= ${param('start_us', Date.parse(definition.start_at) * 1000)}`]),
    ...(definition?.end_at === undefined
      ? []
      : [`at_us <= ${param('end_us', Date.parse(definition.end_at) * 1000)}`]),
  ];
  const ratios = ratioSpecs(definition);
  const settings = metricSettings(definition);
  const eventTypes = [
    ...new Set([
      ...input.metrics.map((metric) => metric.eventType),
      ...ratios.flatMap((ratio) => [ratio.numerator.eventType, ratio.denominator.eventType]),
    ]),
  ].sort();
  const covariates = input.metrics.flatMap((metric) => {
    const cuped = settings.get(metric.name)?.cuped;
    return cuped === null || cuped === undefined ? [] : [{ metric, days: cuped.lookbackDays }];
  });
  const lookbacks = [
    ...new Map(covariates.map((c) => [`${c.days}:${c.metric.eventType}`, c] as const)).values(),
  ];
  const derived = input.derived !== false && modelSettings(definition).derived;
  const model = { derived, lookbackDays: modelSettings(definition).lookbackDays };

  const ctes: string[] = [
    `events AS (
  SELECT event_id, user_id, variant, event_type, ${epochMicros(dialect, 'timestamp')} AS at_us, value${attributeColumns
    .map(({ name, alias }) => `, CAST(${q(name)} AS ${types.text}) AS ${alias}`)
    .join('')}
  FROM ${curatedEventsTable(source)}
  WHERE experiment_id = ${parameter(dialect, 'experiment_id')}
)`,
    `in_window AS (
  SELECT * FROM events${window.length === 0 ? '' : `\n  WHERE ${window.join(' AND ')}`}
)`,
    `exposures AS (
  SELECT * FROM in_window WHERE event_type = ${param('exposure_event', definition?.exposure_event ?? 'exposure')}
)`,
    `ranked_exposures AS (
  SELECT user_id, variant, at_us AS exposed_us${attributeColumns.map(({ alias }) => `, ${alias}`).join('')},
    ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY at_us, event_id) AS exposure_rank
  FROM exposures
)`,
    `variant_counts AS (
  SELECT user_id, COUNT(DISTINCT variant) AS variants FROM exposures GROUP BY user_id
)`,
    `entries AS (
  SELECT r.user_id, r.variant, r.exposed_us${attributeColumns.map(({ alias }) => `, r.${alias}`).join('')}
  FROM ranked_exposures AS r JOIN variant_counts AS c ON c.user_id = r.user_id
  WHERE r.exposure_rank = 1 AND c.variants = 1
)`,
  ];

  const typeParams = eventTypes.map((eventType, i) => param(`event_type_${i}`, eventType));
  if (eventTypes.length > 0) {
    ctes.push(`metric_facts AS (
  SELECT w.user_id${typeParams
    .map(
      (type, i) =>
        `,\n    SUM(CASE WHEN w.event_type = ${type} THEN 1 ELSE 0 END) AS count_${i},\n    SUM(CASE WHEN w.event_type = ${type} THEN w.value END) AS sum_${i}`,
    )
    .join('')}
  FROM in_window AS w JOIN entries AS u ON u.user_id = w.user_id
  WHERE w.at_us >= u.exposed_us AND w.event_type IN (${typeParams.join(', ')})
  GROUP BY w.user_id
)`);
  }
  const lookbackColumns = lookbacks.map(({ metric, days }, i) => {
    const type = param(`lookback_type_${i}`, metric.eventType);
    const span = param(`lookback_us_${i}`, days * dayMicros);
    const inLookback = `w.event_type = ${type} AND w.at_us >= u.exposed_us - ${span}`;
    return `,\n    SUM(CASE WHEN ${inLookback} THEN 1 ELSE 0 END) AS pre_count_${i},\n    SUM(CASE WHEN ${inLookback} THEN w.value END) AS pre_sum_${i}`;
  });
  if (lookbacks.length > 0) {
    ctes.push(`pre_exposure_facts AS (
  SELECT w.user_id${lookbackColumns.join('')}
  FROM events AS w JOIN entries AS u ON u.user_id = w.user_id
  WHERE w.at_us < u.exposed_us
  GROUP BY w.user_id
)`);
  }
  if (model.derived) {
    const span = param('derived_lookback_us', model.lookbackDays * dayMicros);
    ctes.push(`derived_facts AS (
  SELECT w.user_id, COUNT(*) AS frequency, MAX(w.at_us) AS last_us
  FROM events AS w JOIN entries AS u ON u.user_id = w.user_id
  WHERE w.at_us < u.exposed_us AND w.at_us >= u.exposed_us - ${span}
  GROUP BY w.user_id
)`);
  }

  const aggregated = (part: RatioPart) =>
    aggregateOf(part.aggregate, eventTypes.indexOf(part.eventType), 'f.count_', 'f.sum_', types);
  const names = userFactsColumnNames(input);
  const named = (expression: string, frameName: string) =>
    `${expression} AS ${names.get(frameName) ?? frameName}`;
  const columns = [
    'u.user_id AS user_id',
    'u.variant AS variant',
    `CAST(u.exposed_us AS ${types.float}) AS exposed_at_us`,
    ...attributeColumns.map(({ name, alias }) =>
      named(`COALESCE(u.${alias}, '${MISSING_LEVEL}')`, `a.${name}`),
    ),
    ...input.metrics.map((metric) => named(aggregated(metric), `m.${metric.name}`)),
    ...ratios.flatMap((ratio) => [
      named(aggregated(ratio.numerator), `n.${ratio.name}`),
      named(aggregated(ratio.denominator), `d.${ratio.name}`),
    ]),
    ...covariates.map(({ metric, days }) => {
      const index = lookbacks.findIndex(
        (l) => l.days === days && l.metric.eventType === metric.eventType,
      );
      return named(
        aggregateOf(metric.aggregate, index, 'p.pre_count_', 'p.pre_sum_', types),
        `x.${metric.name}`,
      );
    }),
    ...(model.derived
      ? [
          named(
            `COALESCE(CAST(u.exposed_us - g.last_us AS ${types.float}) / ${dayMicros}.0, ${param('derived_lookback_days', model.lookbackDays)})`,
            recencyColumn,
          ),
          named(`CAST(COALESCE(g.frequency, 0) AS ${types.float})`, frequencyColumn),
        ]
      : []),
  ];
  const joins = [
    ...(eventTypes.length > 0 ? ['LEFT JOIN metric_facts AS f ON f.user_id = u.user_id'] : []),
    ...(lookbacks.length > 0 ? ['LEFT JOIN pre_exposure_facts AS p ON p.user_id = u.user_id'] : []),
    ...(model.derived ? ['LEFT JOIN derived_facts AS g ON g.user_id = u.user_id'] : []),
  ];
  ctes.push(`users AS (
  SELECT ${columns.join(',\n    ')}
  FROM entries AS u${joins.map((join) => `\n  ${join}`).join('')}
)`);
  return { ctes, params };
}

/** A per-user aggregate of counted events (0 for a user without any): any, count or sum. */
function aggregateOf(
  aggregate: MetricSpec['aggregate'],
  index: number,
  count: string,
  sum: string,
  types: { readonly float: string },
): string {
  const events = `COALESCE(${count}${index}, 0)`;
  return aggregate === 'any'
    ? `CAST(CASE WHEN ${events} > 0 THEN 1 ELSE 0 END AS ${types.float})`
    : aggregate === 'count'
      ? `CAST(${events} AS ${types.float})`
      : `CAST(COALESCE(${sum}${index}, 0) AS ${types.float})`;
}

/**
 * A query from CTEs and a final statement.
 * @param ctes - the CTEs and parameters of {@link userFactsCtes}
 * @param select - the statement over them
 * @returns the query
 * @example withCtes(userFactsCtes(source, input), 'SELECT COUNT(*) FROM users')
 */
export function withCtes(ctes: UserFactsCtes, select: string): WarehouseQuery {
  return { sql: `WITH ${ctes.ctes.join(',\n')}\n${select}`, params: ctes.params };
}

/**
 * The per-user facts, one row per analysed user sorted by user id (the frame of buildUserFrame,
 * its columns named by {@link userFactsColumnNames}), and the experiment's counts (events, users excluded for two variants).
 * @param source - the curated events
 * @param input - experiment, attributes, metrics, definition
 * @returns the two queries
 * @example userFactsQueries(source, input).users.sql.startsWith('WITH') // true
 */
export function userFactsQueries(
  source: CuratedEventsSource,
  input: UserFactsInput,
): { readonly users: WarehouseQuery; readonly counts: WarehouseQuery } {
  const ctes = userFactsCtes(source, input);
  return {
    users: withCtes(ctes, 'SELECT * FROM users ORDER BY user_id'),
    counts: withCtes(
      ctes,
      `SELECT (SELECT COUNT(*) FROM events) AS events,
  (SELECT COUNT(*) FROM variant_counts WHERE variants > 1) AS excluded_multiple_variants`,
    ),
  };
}
