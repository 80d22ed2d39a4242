/**
 * The results by day of one metric as chart points: the relative lift inside its confidence
 * sequence (the sequence of the difference scaled by the control's mean), for the PDF's
 * sequential section and the report's SVG band alike. Pure.
 */
import type { CumulativeLiftPoint } from '../analysis/cumulative-lift.ts';
import type { DailyResultRow } from '../result/result-document.ts';

/**
 * The days' rows as chart points; bounds are null where the control's mean is not positive.
 * @param rows - results by day
 * @returns one point per row, `ci_low`/`ci_high` the relative sequence
 * @example sequencePoints(experiment.by_day ?? [])[0]?.ci_low
 */
export function sequencePoints(rows: readonly DailyResultRow[]): CumulativeLiftPoint[] {
  return rows.map((row) => {
    const scale = row.control_mean !== null && row.control_mean > 0 ? row.control_mean : null;
    const relative = (x: number | null) => (x === null || scale === null ? null : x / scale);
    return {
      date: row.date,
      metric: row.metric,
      variant: row.variant,
      users: row.users,
      relative_lift: row.relative_lift,
      ci_low: relative(row.sequential_ci[0]),
      ci_high: relative(row.sequential_ci[1]),
    };
  });
}
