/**
 * A variant's arm from the moments table: its cells added field by field, so the same per-arm
 * statistics run on moments from polars, DuckDB or BigQuery.
 */
import type { MetricSums, MomentsCell, MomentsTable } from './moments-table.ts';

/** A variant's users and, per schema metric, its sums. */
export interface ArmSums {
  readonly n: number;
  readonly metrics: readonly MetricSums[];
}

/** The sums of no users. */
const NO_SUMS: MetricSums = Object.freeze({
  sumY: 0,
  sumYY: 0,
  sumX: null,
  sumXX: null,
  sumXY: null,
});

/**
 * Adds two metrics' sums; a paired field is null only when it is null on both sides.
 * @param left - sums over some users
 * @param right - sums over other users
 * @returns the sums over both
 * @example addMetricSums(a, b).sumY === a.sumY + b.sumY
 */
export function addMetricSums(left: MetricSums, right: MetricSums): MetricSums {
  const add = (a: number | null, b: number | null) =>
    a === null && b === null ? null : (a ?? 0) + (b ?? 0);
  return {
    sumY: left.sumY + right.sumY,
    sumYY: left.sumYY + right.sumYY,
    sumX: add(left.sumX, right.sumX),
    sumXX: add(left.sumXX, right.sumXX),
    sumXY: add(left.sumXY, right.sumXY),
  };
}

/**
 * The arm of each variant: its cells summed in table order (every pattern and day).
 * @param table - the moments table
 * @param keep - which cells count (default all), e.g. one pattern's for a segment
 * @returns arm sums by variant name
 * @example armSums(moments).get('control')?.n
 */
export function armSums(
  table: MomentsTable,
  keep: (cell: MomentsCell) => boolean = () => true,
): ReadonlyMap<string, ArmSums> {
  const arms = new Map<string, ArmSums>();
  for (const cell of table.cells) {
    if (!keep(cell)) continue;
    const arm = arms.get(cell.variant) ?? {
      n: 0,
      metrics: table.schema.metrics.map(() => NO_SUMS),
    };
    arms.set(cell.variant, {
      n: arm.n + cell.n,
      metrics: arm.metrics.map((sums, i) => addMetricSums(sums, cell.metrics[i] ?? NO_SUMS)),
    });
  }
  return arms;
}
