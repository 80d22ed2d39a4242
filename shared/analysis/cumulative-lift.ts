/**
 * Cumulative lift over time, for the report's chart: for each UTC day from the first exposure
 * to the last, the relative lift of each treatment over the control among users exposed up to
 * the end of that day, with its interval.
 */
import {
  addToMoments,
  compareBinomial,
  compareContinuous,
  EMPTY_MOMENTS,
  mergeMoments,
  type MeanMoments,
} from '../stats/index.ts';
import type { UnitTable } from '../models/unit-table.ts';
import type { VariantPlan } from './experiment-definition.ts';

/** One point of the cumulative lift chart. */
export interface CumulativeLiftPoint {
  readonly date: string;
  readonly metric: string;
  readonly variant: string;
  readonly users: number;
  readonly relative_lift: number | null;
  readonly ci_low: number | null;
  readonly ci_high: number | null;
}

const dayMs = 86_400_000;
const mostDays = 120;

/**
 * Computes the cumulative lift of every treatment, per metric and day.
 * @param table - the per-user table
 * @param exposedAt - epoch milliseconds of each user's first exposure (NaN when unknown)
 * @param plan - variants and control
 * @param alpha - the significance level of the intervals
 * @returns points by metric, variant and date; empty when exposure times are unknown
 * @example cumulativeLift(users.table, users.exposedAt, plan, 0.05)
 */
export function cumulativeLift(
  table: UnitTable,
  exposedAt: Float64Array,
  plan: VariantPlan,
  alpha: number,
): CumulativeLiftPoint[] {
  let first = Infinity;
  let last = -Infinity;
  for (const t of exposedAt) {
    if (Number.isFinite(t)) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
  }
  if (!Number.isFinite(first)) return [];
  const firstDay = Math.floor(first / dayMs);
  const lastDay = Math.floor(last / dayMs);
  const step = Math.max(1, Math.ceil((lastDay - firstDay + 1) / mostDays));
  const cutoffs: number[] = [];
  for (let day = firstDay; day <= lastDay; day += step) cutoffs.push((day + step) * dayMs);
  if ((cutoffs.at(-1) ?? 0) < (lastDay + 1) * dayMs) cutoffs.push((lastDay + 1) * dayMs);

  const codeOf = new Map(table.variant.levels.map((level, code) => [level, code]));
  const controlCode = codeOf.get(plan.control);
  if (controlCode === undefined) return [];
  const bucketOf = (t: number) =>
    Math.min(cutoffs.length - 1, Math.floor((Math.floor(t / dayMs) - firstDay) / step));
  const points: CumulativeLiftPoint[] = [];
  for (const metric of table.metrics) {
    // Moments per (variant, period), accumulated over users in table order, then merged
    // period by period: one pass over the users, whatever the number of days.
    const buckets = table.variant.levels.map(() => cutoffs.map(() => EMPTY_MOMENTS));
    for (let i = 0; i < metric.values.length; i += 1) {
      const t = exposedAt[i] ?? Number.NaN;
      const row = buckets[table.variant.codes[i] ?? 0];
      if (!Number.isFinite(t) || row === undefined) continue;
      const period = bucketOf(t);
      row[period] = addToMoments(row[period] ?? EMPTY_MOMENTS, metric.values[i] ?? 0);
    }
    const cumulative = buckets.map((row) => {
      let running = EMPTY_MOMENTS;
      return row.map((moments) => (running = mergeMoments(running, moments)));
    });
    for (const variant of plan.variants) {
      const code = codeOf.get(variant);
      if (variant === plan.control || code === undefined) continue;
      cutoffs.forEach((cutoff, period) => {
        const control = cumulative[controlCode]?.[period] ?? EMPTY_MOMENTS;
        const treated = cumulative[code]?.[period] ?? EMPTY_MOMENTS;
        const comparison =
          metric.type === 'binomial'
            ? compareBinomial(asProportion(control), asProportion(treated), alpha)
            : compareContinuous({ moments: control }, { moments: treated }, alpha);
        points.push({
          date: new Date(cutoff - dayMs).toISOString().slice(0, 10),
          metric: metric.name,
          variant,
          users: control.n + treated.n,
          relative_lift: comparison.relative_lift,
          ci_low: comparison.relative_lift_ci[0],
          ci_high: comparison.relative_lift_ci[1],
        });
      });
    }
  }
  return points;
}

/** A 0/1 metric's moments as users and conversions. */
function asProportion(moments: MeanMoments) {
  return { n: moments.n, successes: Math.round(moments.mean * moments.n) };
}
