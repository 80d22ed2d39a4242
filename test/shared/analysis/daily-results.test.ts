/**
 * Results by day: each row is the comparison of the users exposed by the end of its day, with
 * their metric as of the end of that day (only events up to it), so it must equal a direct
 * comparison of values rebuilt from the increments; the confidence sequence is the running
 * intersection of the days' looks, so it only narrows.
 */
import { describe, expect, it } from 'vitest';
import { dailyResults } from '../../../shared/analysis/daily-results.ts';
import type { DailyIncrements } from '../../../shared/analysis/daily-metric-increments.ts';
import { planVariants } from '../../../shared/analysis/experiment-definition.ts';
import type { UnitTable } from '../../../shared/models/unit-table.ts';
import {
  compareBinomial,
  compareContinuous,
  comparisonLook,
  confidenceSequence,
  momentsOf,
} from '../../../shared/stats/index.ts';

const dayMs = 86_400_000;
const firstDay = Date.UTC(2026, 0, 5) / dayMs;
const n = 400;
const codes = Uint32Array.from({ length: n }, (_, i) => i % 2);
const entryDay = Int32Array.from({ length: n }, (_, i) => firstDay + ((Math.floor(i / 2) * 3) % 4));
const exposedAt = Float64Array.from(entryDay, (d, i) => d * dayMs + ((i * 104729) % dayMs));

// Conversions on one day at or after entry; revenue spread over up to three days.
const conversion: DailyIncrements = build((i) =>
  (i * 31) % 7 < 2 + (i % 2) ? [[(entryDay[i] ?? 0) + ((i * 13) % 3), 1]] : [],
);
const revenue: DailyIncrements = build((i) =>
  (i * 31) % 7 < 2 + (i % 2)
    ? [
        [(entryDay[i] ?? 0) + ((i * 13) % 3), 10 + ((i * 17) % 23)],
        ...((i % 3 === 0 ? [[(entryDay[i] ?? 0) + 3, 5.5]] : []) as [number, number][]),
      ]
    : [],
);

function build(of: (i: number) => [number, number][]): DailyIncrements {
  const rows: number[] = [];
  const days: number[] = [];
  const amounts: number[] = [];
  for (let i = 0; i < n; i += 1) {
    for (const [day, amount] of of(i).sort((a, b) => a[0] - b[0])) {
      rows.push(i);
      days.push(day);
      amounts.push(amount);
    }
  }
  return {
    rows: Uint32Array.from(rows),
    days: Int32Array.from(days),
    amounts: Float64Array.from(amounts),
  };
}

function valuesAsOf(increments: DailyIncrements, day: number): Float64Array {
  const values = new Float64Array(n);
  increments.rows.forEach((row, j) => {
    if ((increments.days[j] ?? 0) <= day)
      values[row] = (values[row] ?? 0) + (increments.amounts[j] ?? 0);
  });
  return values;
}

const finalOf = (increments: DailyIncrements) => valuesAsOf(increments, firstDay + 100);
const table: UnitTable = {
  unitIds: Array.from({ length: n }, (_, i) => `u${i}`),
  variant: { levels: ['control', 'treatment'], codes },
  attributes: [],
  metrics: [
    { name: 'conversion', type: 'binomial', values: finalOf(conversion) },
    { name: 'revenue', type: 'continuous', values: finalOf(revenue) },
  ],
};
const plan = planVariants(undefined, ['control', 'treatment']);
const rows = dailyResults(table, exposedAt, [conversion, revenue], plan, 0.05, () => 2000);

function arm(code: number, day: number, values: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    if (codes[i] === code && (entryDay[i] ?? 0) <= day) out.push(values[i] ?? 0);
  }
  return out;
}

describe('dailyResults', () => {
  it('has a row per metric and day, from the first exposure to the last event', () => {
    // Entries on days 0-3, events up to day 3 + 2 = 5 (conversions) and day 6 (revenue).
    const dates = rows.filter((row) => row.metric === 'conversion').map((row) => row.date);
    expect(dates[0]).toBe('2026-01-05');
    expect(dates.at(-1)).toBe('2026-01-11');
    expect(dates).toHaveLength(7);
  });

  it('equals a direct comparison of the values as of each day', () => {
    for (const row of rows) {
      const day = Date.parse(`${row.date}T00:00:00Z`) / dayMs;
      const increments = row.metric === 'conversion' ? conversion : revenue;
      const values = valuesAsOf(increments, day);
      const control = arm(0, day, values);
      const treated = arm(1, day, values);
      const direct =
        row.metric === 'conversion'
          ? compareBinomial(
              { n: control.length, successes: control.reduce((a, b) => a + b, 0) },
              { n: treated.length, successes: treated.reduce((a, b) => a + b, 0) },
              0.05,
            )
          : compareContinuous(
              { moments: momentsOf(control) },
              { moments: momentsOf(treated) },
              0.05,
            );
      expect(row.users).toBe(control.length + treated.length);
      expect(row.difference).toBeCloseTo(direct.difference ?? NaN, 12);
      expect(row.p_value).toBeCloseTo(direct.p_value ?? NaN, 9);
      expect(row.difference_ci[0]).toBeCloseTo(direct.difference_ci[0] ?? NaN, 10);
    }
  });

  it('runs the confidence sequence over the days, narrowing only', () => {
    const revenueRows = rows.filter((row) => row.metric === 'revenue');
    const looks = revenueRows.map((row) => {
      const day = Date.parse(`${row.date}T00:00:00Z`) / dayMs;
      const values = valuesAsOf(revenue, day);
      return comparisonLook(
        'continuous',
        momentsOf(arm(0, day, values)),
        momentsOf(arm(1, day, values)),
      )!;
    });
    const expected = confidenceSequence(looks, 2000, 0.05).looks;
    revenueRows.forEach((row, k) => {
      expect(row.sequential_ci[0]).toBeCloseTo(expected[k]?.ciLow ?? NaN, 9);
      expect(row.sequential_ci[1]).toBeCloseTo(expected[k]?.ciHigh ?? NaN, 9);
      expect(row.sequential_p_value).toBeCloseTo(expected[k]?.pValueRunning ?? NaN, 9);
      const previous = revenueRows[k - 1];
      if (previous !== undefined) {
        expect(row.sequential_ci[0]!).toBeGreaterThanOrEqual(previous.sequential_ci[0]!);
        expect(row.sequential_ci[1]!).toBeLessThanOrEqual(previous.sequential_ci[1]!);
      }
    });
    // The sequence is wider than the fixed-horizon interval of the same day.
    const last = revenueRows.at(-1)!;
    expect(last.sequential_ci[1]! - last.sequential_ci[0]!).toBeGreaterThan(
      last.difference_ci[1]! - last.difference_ci[0]!,
    );
  });

  it('is empty without exposure times (unit tables)', () => {
    expect(dailyResults(table, new Float64Array(n).fill(NaN), [], plan, 0.05, () => 10)).toEqual(
      [],
    );
  });
});
