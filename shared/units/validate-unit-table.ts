/**
 * Row-level validation of a unit-level table, as polars expressions: every row is one unit
 * (user, store, week) with its variant and its outcomes. Without `--metric`, columns whose
 * values are all 0/1 or true/false (any case) are binomial metrics, other all-numeric columns
 * continuous ones, and the rest attributes; the unit column is never a metric. The result is
 * the same per-user frame the events path builds, so analysis and models do not care which
 * path a table came from.
 */
import pl from 'nodejs-polars';
import { attributePrefix, metricPrefix } from '../analysis/build-user-table.ts';
import type { QualityGates } from '../analysis/experiment-definition.ts';
import { ValidationError } from '../errors/errors.ts';
import { canonicalColumnName } from '../events/events-contract.ts';
import { checkNullShares, rangeChecks } from '../events/quality-gates.ts';
import type { EventTable } from '../events/read-event-table.ts';
import { rowIndexColumn } from '../events/read-event-table.ts';
import type { Rejection } from '../events/validate-event-rows.ts';
import { firstFailingCheck, type RowCheck } from '../events/row-checks.ts';
import { MISSING_LEVEL } from '../models/unit-table.ts';
import type { UnitTableMetric, UnitTableOptions } from './unit-table-options.ts';

/** Header names taken as the unit column when none is given. */
export const unitColumnNames = ['unit_id', 'user_id', 'userid', 'unit', 'id'] as const;

/** A validated unit table. */
export interface ValidatedUnitTable {
  readonly rowsRead: number;
  /** The per-unit frame (`user_id`, `variant`, `a.<name>`, `m.<name>`), sorted by unit id. */
  readonly frame: pl.DataFrame;
  readonly rejections: readonly Rejection[];
  /** The metrics, named as the header spells them. */
  readonly metrics: readonly UnitTableMetric[];
  readonly attributes: readonly string[];
  /** The unit column used, if any. */
  readonly unitColumn: string | undefined;
}

const truthy = ['1', 'true'];
const binaryValues = ['0', '1', 'true', 'false'];

/**
 * Validates a unit table opened with `readTextTable` (names as spelt in the header).
 * @param table - the opened table
 * @param options - variant column, unit column, metrics
 * @param numericColumns - the experiment's numeric covariates: a value there that is not a
 *   number is a row error
 * @param gates - the experiment's quality gates (its definition's `quality`, columns matched
 *   case-insensitively): a value outside its range is a row error naming the range, after the
 *   table's own checks; a column emptier than its `max_null_share` (over the rows those checks
 *   accept) rejects the file. None by default.
 * @returns the per-unit frame and the rejected rows
 * @throws {ValidationError} when a named column is missing, two rows share a unit or a column
 *   is emptier than its gate allows
 * @example await validateUnitTable(table, { kind: 'unit_table', experiment_id: 'e', variant_column: 'version' })
 */
export async function validateUnitTable(
  table: EventTable,
  options: UnitTableOptions,
  numericColumns: readonly string[] = [],
  gates: QualityGates = {},
): Promise<ValidatedUnitTable> {
  const find = (name: string) =>
    table.columns.find((c) => canonicalColumnName(c) === canonicalColumnName(name));
  const variantColumn = find(options.variant_column) as string;
  const unitColumn =
    options.unit_column === undefined
      ? unitColumnNames.map(find).find((name) => name !== undefined && name !== variantColumn)
      : find(options.unit_column);
  const others = table.columns.filter((c) => c !== variantColumn && c !== unitColumn);
  const metrics =
    options.metrics?.map((metric) => ({
      name: find(metric.name) ?? metric.name,
      type: metric.type,
    })) ?? (await detectMetrics(table, others));
  const metricNames = new Set(metrics.map((metric) => metric.name));
  const attributes = others.filter((c) => !metricNames.has(c));

  const text = (name: string) => pl.col(name).str.strip();
  const blank = (name: string) =>
    pl
      .col(name)
      .isNull()
      .or(text(name).eq(pl.lit('')));
  const number = (name: string) => text(name).cast(pl.Float64, false);
  const checks: RowCheck[] = [
    [blank(variantColumn), variantColumn, `empty ${variantColumn}`],
    ...(unitColumn === undefined
      ? []
      : [[blank(unitColumn), unitColumn, `empty ${unitColumn}`] as const]),
  ];
  for (const metric of metrics) {
    checks.push([blank(metric.name), metric.name, `empty ${metric.name}`]);
    if (metric.type === 'binomial') {
      checks.push([
        text(metric.name).str.toLowerCase().isIn(binaryValues).not(),
        metric.name,
        `${metric.name} is not 0/1 or true/false`,
      ]);
    } else {
      checks.push([number(metric.name).isNull(), metric.name, `${metric.name} is not a number`]);
      checks.push([
        number(metric.name).isNan().or(number(metric.name).isInfinite()),
        metric.name,
        `${metric.name} is not finite`,
      ]);
    }
  }

  for (const covariate of numericColumns) {
    const name = find(covariate);
    if (name === undefined || !attributes.includes(name)) continue;
    checks.push([
      blank(name)
        .not()
        .and(number(name).isNull().or(number(name).isNan()).or(number(name).isInfinite())),
      name,
      `${name} is not a number (a numeric covariate of experiment ${options.experiment_id})`,
    ]);
  }

  // The gates come last: a row the table's own checks reject is named for that first.
  const ownChecks = checks.length;
  const gated = spelledAsInHeader(gates, find);
  checks.push(...rangeChecks(gated, table.columns));

  let frame: pl.DataFrame;
  try {
    frame = await table.frame
      .filter(pl.anyHorizontal(table.columns.map((c) => blank(c).not())))
      .withColumns(firstFailingCheck(checks).alias('__Problem'))
      .collect();
  } catch (error) {
    throw table.readError(error);
  }
  if (frame.height === 0)
    throw new ValidationError(`${table.label}: the file has a header but no rows`, 400);
  await checkNullShares(
    frame.lazy().filter(pl.col('__Problem').isNull().or(pl.col('__Problem').gtEq(ownChecks))),
    table.columns,
    options.experiment_id,
    gated,
    table.label,
  );

  const rejected = frame.filter(pl.col('__Problem').isNotNull());
  const problems = rejected.getColumn('__Problem').toArray() as number[];
  const records = rejected.getColumn(rowIndexColumn).toArray() as number[];
  const cells = new Map(
    checks.map(([, column]) => [column, rejected.getColumn(column).toArray() as (string | null)[]]),
  );
  const rejections = records.map((record, i) => {
    const [, column, reason] = checks[problems[i] ?? 0] ?? [undefined, '', ''];
    return { record, column, value: cells.get(column)?.[i] ?? null, reason };
  });

  const accepted = frame.filter(pl.col('__Problem').isNull());
  if (unitColumn !== undefined) await refuseSharedUnits(accepted, unitColumn, table);
  const unitId =
    unitColumn === undefined
      ? pl
          .lit('row-')
          .add(
            pl
              .col(rowIndexColumn)
              .cast(pl.Int64)
              .add(pl.lit(1).cast(pl.Int64))
              .cast(pl.Utf8)
              .str.padStart(9, '0'),
          )
      : pl.col(unitColumn);
  const users = accepted
    .select(
      unitId.alias('user_id'),
      pl.col(variantColumn).alias('variant'),
      pl.lit(null).cast(pl.Float64).alias('exposed_at_us'),
      ...attributes.map((name) =>
        pl.col(name).fillNull(pl.lit(MISSING_LEVEL)).alias(`${attributePrefix}${name}`),
      ),
      ...metrics.map((metric) =>
        (metric.type === 'binomial'
          ? text(metric.name).str.toLowerCase().isIn(truthy).cast(pl.Float64)
          : number(metric.name)
        ).alias(`${metricPrefix}${metric.name}`),
      ),
    )
    .sort('user_id');
  return { rowsRead: frame.height, frame: users, rejections, metrics, attributes, unitColumn };
}

/** The gates with their columns named as the header spells them (unknown ones kept as given). */
function spelledAsInHeader(
  gates: QualityGates,
  find: (name: string) => string | undefined,
): QualityGates {
  const respell = <T>(byColumn: Readonly<Record<string, T>> | undefined) =>
    byColumn === undefined
      ? undefined
      : Object.fromEntries(Object.entries(byColumn).map(([name, v]) => [find(name) ?? name, v]));
  return { ranges: respell(gates.ranges), max_null_share: respell(gates.max_null_share) };
}

/** Binomial when every value is 0/1/true/false, continuous when every value is a finite number. */
async function detectMetrics(
  table: EventTable,
  columns: readonly string[],
): Promise<UnitTableMetric[]> {
  if (columns.length === 0) return [];
  const verdicts = await table.frame
    .select(
      ...columns.flatMap((name) => {
        const value = pl.col(name).str.strip();
        const present = value.isNotNull().and(value.neq(pl.lit('')));
        const parsed = value.cast(pl.Float64, false);
        return [
          present.not().or(value.str.toLowerCase().isIn(binaryValues)).all().alias(`b:${name}`),
          present.not().or(parsed.isNotNull().and(parsed.isFinite())).all().alias(`n:${name}`),
          present.any().alias(`p:${name}`),
        ];
      }),
    )
    .collect()
    .catch((error: unknown) => {
      throw table.readError(error);
    });
  const row = verdicts.row(0);
  const flag = (key: string) => row[verdicts.columns.indexOf(key)] === true;
  const metrics: UnitTableMetric[] = [];
  for (const name of columns) {
    if (!flag(`p:${name}`)) continue;
    if (flag(`b:${name}`)) metrics.push({ name, type: 'binomial' });
    else if (flag(`n:${name}`)) metrics.push({ name, type: 'continuous' });
  }
  return metrics;
}

async function refuseSharedUnits(
  frame: pl.DataFrame,
  unitColumn: string,
  table: EventTable,
): Promise<void> {
  const repeated = frame.filter(pl.col(unitColumn).isDuplicated());
  if (repeated.height === 0) return;
  const unit = String(repeated.getColumn(unitColumn).toArray()[0]);
  const records = (
    repeated
      .filter(pl.col(unitColumn).eq(pl.lit(unit)))
      .getColumn(rowIndexColumn)
      .toArray() as number[]
  ).slice(0, 2);
  const lines = await table.lineOf(records);
  const where = records.map((record) => lines.get(record)).filter((line) => line !== undefined);
  throw new ValidationError(
    `${table.label}: unit "${unit}" of column "${unitColumn}" appears on more than one row (lines ${where.join(' and ')}); each row must be one unit`,
    422,
    { line: where[1] ?? where[0], column: unitColumn },
  );
}
