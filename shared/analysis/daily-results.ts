/**
 * Results by day: for each UTC day from the first exposure to the last counted event, every
 * comparison as of the end of that day (the users exposed by then, their events up to then),
 * with the fixed-horizon interval and the confidence sequence of the days so far (each day a
 * look; the running intersection), so a chart draws the band narrowing. Past 120 days the days
 * are grouped into equal periods, each dated by its last day.
 */
import {
  comparisonLook,
  compareBinomial,
  compareContinuous,
  INITIAL_SEQUENTIAL_STATE,
  sequentialRho2,
  updateSequentialState,
  type MeanMoments,
} from '../stats/index.ts';
import type { UnitTable } from '../models/unit-table.ts';
import type { DailyResultRow } from '../result/result-document.ts';

import type { DailyIncrements } from './daily-metric-increments.ts';
import type { VariantPlan } from './experiment-definition.ts';

/** One comparison as of the end of one day (the result document's `by_day` row). */
export type DailyResult = DailyResultRow;

const dayMs = 86_400_000;
const mostPeriods = 120;

/** Running sums of one arm, shifted by a constant for accuracy: n, sum (x - k), sum (x - k)^2. */
interface ShiftedSums {
  n: number;
  s1: number;
  s2: number;
}

/**
 * The results by day of every treatment of every metric.
 * Source: the reference README "Decision statistics" (`sequential`), each day a look.
 * @param table - the per-user table (values as of the end of the data)
 * @param exposedAt - epoch milliseconds of each user's first exposure (NaN when unknown)
 * @param daily - per metric of the table, what each user gained each day
 * @param plan - variants and control
 * @param alpha - the level of the intervals and the sequence
 * @param nPlannedOf - a comparison's planned units (its sequence's n_planned)
 * @returns rows by metric, variant and date; empty without exposure times
 * @example dailyResults(users.table, users.exposedAt, daily, plan, 0.05, () => 20000)
 */
export function dailyResults(
  table: UnitTable,
  exposedAt: Float64Array,
  daily: readonly DailyIncrements[],
  plan: VariantPlan,
  alpha: number,
  nPlannedOf: (metric: string, variant: string) => number,
): DailyResult[] {
  let first = Infinity;
  let last = -Infinity;
  for (const t of exposedAt) {
    if (Number.isFinite(t)) {
      first = Math.min(first, Math.floor(t / dayMs));
      last = Math.max(last, Math.floor(t / dayMs));
    }
  }
  if (!Number.isFinite(first)) return [];
  for (const increments of daily) {
    for (const day of increments.days) last = Math.max(last, day);
  }
  const step = Math.max(1, Math.ceil((last - first + 1) / mostPeriods));
  const periods = Math.floor((last - first) / step) + 1;
  const periodOf = (day: number) => Math.min(periods - 1, Math.floor((day - first) / step));
  const dates = Array.from({ length: periods }, (_, p) =>
    new Date(Math.min(last, first + (p + 1) * step - 1) * dayMs).toISOString().slice(0, 10),
  );
  const entryPeriod = Int32Array.from(exposedAt, (t) =>
    Number.isFinite(t) ? periodOf(Math.floor(t / dayMs)) : -1,
  );
  const codeOf = new Map(table.variant.levels.map((level, code) => [level, code]));
  const controlCode = codeOf.get(plan.control);
  if (controlCode === undefined) return [];

  const results: DailyResult[] = [];
  table.metrics.forEach((metric, index) => {
    const cumulative = cumulativeMoments(
      table.variant.codes,
      table.variant.levels.length,
      metric.values,
      entryPeriod,
      daily[index],
      periods,
      periodOf,
    );
    for (const variant of plan.variants) {
      const code = codeOf.get(variant);
      if (variant === plan.control || code === undefined) continue;
      const rho2 = sequentialRho2(nPlannedOf(metric.name, variant), alpha);
      let state = INITIAL_SEQUENTIAL_STATE;
      for (let p = 0; p < periods; p += 1) {
        const control = asType(metric.type, cumulative[controlCode]?.[p]);
        const treated = asType(metric.type, cumulative[code]?.[p]);
        const comparison =
          metric.type === 'binomial'
            ? compareBinomial(
                { n: control.n, successes: Math.round(control.mean * control.n) },
                { n: treated.n, successes: Math.round(treated.mean * treated.n) },
                alpha,
              )
            : compareContinuous({ moments: control }, { moments: treated }, alpha);
        const look = comparisonLook(metric.type, control, treated);
        if (look !== null) state = updateSequentialState(state, look, rho2, alpha).state;
        results.push({
          date: dates[p] ?? '',
          metric: metric.name,
          variant,
          users: control.n + treated.n,
          control_mean: control.n > 0 ? control.mean : null,
          difference: comparison.difference,
          difference_ci: comparison.difference_ci,
          relative_lift: comparison.relative_lift,
          relative_lift_ci: comparison.relative_lift_ci,
          p_value: comparison.p_value,
          sequential_ci: [state.ciLow, state.ciHigh],
          sequential_p_value: state.pValue,
        });
      }
    }
  });
  return results;
}

/** Moments as a metric of its type has them: a binomial arm's mean is a count over n, exactly. */
function asType(type: 'binomial' | 'continuous', moments: MeanMoments | undefined): MeanMoments {
  if (moments === undefined || moments.n === 0) return { n: 0, mean: 0, m2: 0 };
  if (type === 'continuous') return moments;
  const successes = Math.round(moments.mean * moments.n);
  const mean = successes / moments.n;
  return { n: moments.n, mean, m2: moments.n * mean * (1 - mean) };
}

/**
 * Each variant's moments at the end of each period: a user counts from their exposure's period
 * with the value 0, then gains their increments; sums are shifted by the variant's final mean.
 */
function cumulativeMoments(
  codes: Uint32Array,
  variants: number,
  finalValues: Float64Array,
  entryPeriod: Int32Array,
  increments: DailyIncrements | undefined,
  periods: number,
  periodOf: (day: number) => number,
): MeanMoments[][] {
  const totals = Array.from({ length: variants }, () => ({ n: 0, sum: 0 }));
  for (let i = 0; i < codes.length; i += 1) {
    const total = totals[codes[i] ?? 0];
    if (total === undefined || (entryPeriod[i] ?? -1) < 0) continue;
    total.n += 1;
    total.sum += finalValues[i] ?? 0;
  }
  const shift = totals.map((total) => (total.n > 0 ? total.sum / total.n : 0));
  const deltas: ShiftedSums[][] = Array.from({ length: variants }, () =>
    Array.from({ length: periods }, () => ({ n: 0, s1: 0, s2: 0 })),
  );
  for (let i = 0; i < codes.length; i += 1) {
    const p = entryPeriod[i] ?? -1;
    const code = codes[i] ?? 0;
    const cell = deltas[code]?.[p];
    if (cell === undefined) continue;
    const k = shift[code] ?? 0;
    cell.n += 1;
    cell.s1 -= k;
    cell.s2 += k * k;
  }
  if (increments !== undefined) {
    let row = -1;
    let value = 0;
    for (let j = 0; j < increments.rows.length; j += 1) {
      const r: number = increments.rows[j] ?? 0;
      if (r !== row) {
        row = r;
        value = 0;
      }
      if ((entryPeriod[r] ?? -1) < 0) continue;
      const code = codes[r] ?? 0;
      const k = shift[code] ?? 0;
      const cell = deltas[code]?.[periodOf(increments.days[j] ?? 0)];
      if (cell === undefined) continue;
      const next = value + (increments.amounts[j] ?? 0);
      cell.s1 += next - value;
      cell.s2 += (next - k) ** 2 - (value - k) ** 2;
      value = next;
    }
  }
  return deltas.map((cells, code) => {
    const k = shift[code] ?? 0;
    const running = { n: 0, s1: 0, s2: 0 };
    return cells.map((cell) => {
      running.n += cell.n;
      running.s1 += cell.s1;
      running.s2 += cell.s2;
      if (running.n === 0) return { n: 0, mean: 0, m2: 0 };
      const centred = running.s1 / running.n;
      return {
        n: running.n,
        mean: k + centred,
        m2: Math.max(0, running.s2 - running.s1 * centred),
      };
    });
  });
}
