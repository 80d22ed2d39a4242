/**
 * The moments table of an experiment (shared/moments/moments-table.ts) as one SQL query over
 * the curated events, on top of the per-user facts (user-facts-sql.ts): the cells per
 * (variant, covariate pattern, exposure day), the daily increments of the value metrics'
 * running sums, the value counts of the continuous value metrics, and the experiment's counts.
 * The four parts come back as the sections of one result (UNION ALL, `section` says which), so a
 * warehouse reads the events once and returns only small rows. Pure: text and parameters.
 */
import {
  metricSpecs,
  type ExperimentDefinition,
  type MetricSpec,
} from '../analysis/experiment-definition.ts';
import { ratioSpecs } from '../analysis/metric-settings.ts';
import type { MomentsSchema } from '../moments/moments-table.ts';
import { parameter, typeNames, type CuratedEventsSource } from './sql-dialect.ts';
import {
  userFactsColumnNames,
  userFactsCtes,
  withCtes,
  type WarehouseQuery,
} from './user-facts-sql.ts';

/** What the moments are computed for: the schema the statistics will read, and the definition. */
export interface MomentsInput {
  readonly experimentId: string;
  readonly schema: MomentsSchema;
  readonly definition: ExperimentDefinition | undefined;
}

/** The per-user columns of one schema metric: its `y`, and its `x` when paired. */
interface MetricColumns {
  readonly y: string;
  readonly x: string | null;
}

const dayMicros = 86_400_000_000;

/**
 * The value metrics of the schema as per-user aggregates (the definition's, by name).
 * @throws {Error} when the schema names a value metric the definition does not have
 */
function valueMetricSpecs(input: MomentsInput): readonly MetricSpec[] {
  const specs = new Map(metricSpecs(input.definition).map((spec) => [spec.name, spec]));
  return input.schema.metrics
    .filter((metric) => metric.kind === 'value')
    .map((metric) => {
      const spec = specs.get(metric.name);
      if (spec === undefined) throw new Error(`the definition has no value metric ${metric.name}`);
      return spec;
    });
}

/**
 * The moments query of an experiment. Its rows, by `section`:
 * `cells` (`variant`, `attr_<i>`, `day` = exposure day, `n`, and per schema metric `i`
 * `sum_y_<i>`, `sum_yy_<i>`, `sum_x_<i>`, `sum_xx_<i>`, `sum_xy_<i>`); `increments`
 * (`metric` = schema index, `variant`, `day`, `change_y`, `change_yy`); `values` (`metric`,
 * `variant`, `value`, `n` = users); `events` and `excluded` (`n`). Ordered by section, metric,
 * variant, pattern, day, value: each section in the order of the moments table.
 * @param source - the curated events: a BigQuery table or local Parquet files
 * @param input - experiment, schema, definition
 * @returns the query
 * @throws {Error} when a paired value metric has no CUPED lookback in the definition
 * @example momentsQuery({ dialect: 'duckdb', files }, { experimentId: 'e', schema, definition })
 */
export function momentsQuery(source: CuratedEventsSource, input: MomentsInput): WarehouseQuery {
  const dialect = source.dialect;
  const types = typeNames(dialect);
  const integer = dialect === 'bigquery' ? 'INT64' : 'BIGINT';
  const valueSpecs = valueMetricSpecs(input);
  const factsInput = {
    experimentId: input.experimentId,
    attributes: input.schema.attributes,
    metrics: valueSpecs,
    definition: input.definition,
    derived: false,
  };
  const facts = userFactsCtes(source, factsInput);
  const names = userFactsColumnNames(factsInput);
  const ratios = new Map(ratioSpecs(input.definition).map((ratio) => [ratio.name, ratio]));
  const column = (frameName: string) => {
    const name = names.get(frameName);
    if (name === undefined) throw new Error(`the per-user facts have no ${frameName}`);
    return `u.${name}`;
  };
  const metrics: MetricColumns[] = input.schema.metrics.map((metric) => {
    if (metric.kind === 'ratio') {
      if (!ratios.has(metric.name)) throw new Error(`the definition has no ratio ${metric.name}`);
      return { y: column(`n.${metric.name}`), x: column(`d.${metric.name}`) };
    }
    return {
      y: column(`m.${metric.name}`),
      x: metric.paired ? column(`x.${metric.name}`) : null,
    };
  });
  const attributes = input.schema.attributes.map((_, i) => `attr_${i}`);
  const day = (micros: string) => `CAST(FLOOR(${micros} / ${dayMicros}) AS ${integer})`;
  const nullOf = (type: string) => `CAST(NULL AS ${type})`;
  const sums = (pick: (metric: MetricColumns, i: number) => readonly string[]) =>
    metrics.flatMap((metric, i) => pick(metric, i));
  const sumNames = sums((metric, i) => [
    `sum_y_${i}`,
    `sum_yy_${i}`,
    ...(metric.x === null ? [] : [`sum_x_${i}`, `sum_xx_${i}`, `sum_xy_${i}`]),
  ]);
  /** One section's SELECT list, every column of the union in order, absent ones null. */
  const row = (section: string, given: Readonly<Record<string, string>>) =>
    [
      `'${section}' AS section`,
      `${given.metric ?? nullOf(integer)} AS metric`,
      `${given.variant ?? nullOf(types.text)} AS variant`,
      ...attributes.map((name) => `${given[name] ?? nullOf(types.text)} AS ${name}`),
      `${given.day ?? nullOf(integer)} AS day`,
      `${given.value ?? nullOf(types.float)} AS value`,
      `${given.n ?? nullOf(integer)} AS n`,
      `${given.change_y ?? nullOf(types.float)} AS change_y`,
      `${given.change_yy ?? nullOf(types.float)} AS change_yy`,
      ...sumNames.map((name) => `${given[name] ?? nullOf(types.float)} AS ${name}`),
    ].join(', ');

  const cellSums: Record<string, string> = {};
  metrics.forEach((metric, i) => {
    cellSums[`sum_y_${i}`] = `SUM(${metric.y})`;
    cellSums[`sum_yy_${i}`] = `SUM(${metric.y} * ${metric.y})`;
    if (metric.x !== null) {
      cellSums[`sum_x_${i}`] = `SUM(${metric.x})`;
      cellSums[`sum_xx_${i}`] = `SUM(${metric.x} * ${metric.x})`;
      cellSums[`sum_xy_${i}`] = `SUM(${metric.x} * ${metric.y})`;
    }
  });
  const cellKeys = ['u.variant', ...attributes.map((name) => `u.${name}`), 'u.exposure_day'];
  const cells = `SELECT ${row('cells', {
    variant: 'u.variant',
    ...Object.fromEntries(attributes.map((name) => [name, `u.${name}`])),
    day: 'u.exposure_day',
    n: 'COUNT(*)',
    ...cellSums,
  })}
FROM (SELECT *, ${day('exposed_at_us')} AS exposure_day FROM users) AS u
GROUP BY ${cellKeys.join(', ')}`;

  // Per user, metric and day: what the user's running value gained that day ('any': 1 on the
  // day of the first event).
  const schemaIndex = (spec: MetricSpec) =>
    input.schema.metrics.findIndex(
      (metric) => metric.kind === 'value' && metric.name === spec.name,
    );
  const params: Record<string, string | number> = { ...facts.params };
  const dailyAmounts = valueSpecs.map((spec, i) => {
    params[`daily_type_${i}`] = spec.eventType;
    const counted = `FROM in_window AS w JOIN entries AS u ON u.user_id = w.user_id
  WHERE w.event_type = ${parameter(dialect, `daily_type_${i}`)} AND w.at_us >= u.exposed_us`;
    const metric = `${schemaIndex(spec)} AS metric`;
    if (spec.aggregate === 'any') {
      return `SELECT w.user_id, u.variant, ${metric}, MIN(${day('w.at_us')}) AS day, CAST(1 AS ${types.float}) AS amount
  ${counted}
  GROUP BY w.user_id, u.variant`;
    }
    const amount =
      spec.aggregate === 'count'
        ? `CAST(COUNT(*) AS ${types.float})`
        : `CAST(COALESCE(SUM(w.value), 0) AS ${types.float})`;
    return `SELECT w.user_id, u.variant, ${metric}, ${day('w.at_us')} AS day, ${amount} AS amount
  ${counted}
  GROUP BY w.user_id, u.variant, ${day('w.at_us')}`;
  });
  const ctes = [...facts.ctes];
  if (dailyAmounts.length > 0) {
    ctes.push(`daily_amounts AS (
  ${dailyAmounts.join('\n  UNION ALL\n  ')}
)`);
    ctes.push(`running AS (
  SELECT variant, metric, day, amount,
    COALESCE(SUM(amount) OVER (PARTITION BY user_id, metric ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
  FROM daily_amounts
)`);
  }
  const sections = [cells];
  if (dailyAmounts.length > 0) {
    sections.push(`SELECT ${row('increments', {
      metric: 'metric',
      variant: 'variant',
      day: 'day',
      change_y: 'SUM(amount)',
      change_yy: 'SUM(amount * (2 * before + amount))',
    })}
FROM running
GROUP BY metric, variant, day`);
  }
  input.schema.metrics.forEach((metric, i) => {
    if (metric.kind !== 'value' || metric.type !== 'continuous') return;
    sections.push(`SELECT ${row('values', {
      metric: String(i),
      variant: 'u.variant',
      value: metrics[i]?.y ?? 'NULL',
      n: 'COUNT(*)',
    })}
FROM users AS u
GROUP BY u.variant, ${metrics[i]?.y ?? 'NULL'}`);
  });
  sections.push(`SELECT ${row('events', { n: '(SELECT COUNT(*) FROM events)' })}`);
  sections.push(
    `SELECT ${row('excluded', { n: '(SELECT COUNT(*) FROM variant_counts WHERE variants > 1)' })}`,
  );
  return withCtes(
    { ctes, params },
    `${sections.join('\nUNION ALL\n')}
ORDER BY section, metric, variant${attributes.map((name) => `, ${name}`).join('')}, day, value`,
  );
}
